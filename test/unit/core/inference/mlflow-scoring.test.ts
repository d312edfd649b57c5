import { describe, expect, it } from 'vitest';
import { parseCsvTable } from '../../../../functions/core/inference/csv-table.ts';
import {
  alignRowsToInputs,
  rowsOfMlflowRequest,
} from '../../../../functions/core/inference/mlflow-scoring.ts';

describe('rowsOfMlflowRequest', () => {
  it('turns a split DataFrame into rows keyed by column, in row order', () => {
    expect(
      rowsOfMlflowRequest({
        dataframe_split: {
          columns: ['a', 'b'],
          data: [
            [1, 2],
            [3, null],
          ],
        },
      }),
    ).toEqual([
      { a: 1, b: 2 },
      { a: 3, b: null },
    ]);
  });

  it('keeps a split DataFrame without columns as arrays', () => {
    expect(rowsOfMlflowRequest({ dataframe_split: { data: [[1, 2]] } })).toEqual([[1, 2]]);
  });

  it('takes records, instances and inputs rows as they are', () => {
    expect(rowsOfMlflowRequest({ dataframe_records: [{ a: 1 }] })).toEqual([{ a: 1 }]);
    expect(rowsOfMlflowRequest({ instances: [1, 2, 5] })).toEqual([1, 2, 5]);
    expect(rowsOfMlflowRequest({ inputs: [[1, 2]] })).toEqual([[1, 2]]);
  });

  it('transposes columnar inputs into rows', () => {
    expect(rowsOfMlflowRequest({ inputs: { a: [1, 4], b: ['x', 'y'] } })).toEqual([
      { a: 1, b: 'x' },
      { a: 4, b: 'y' },
    ]);
  });

  it.each([
    [
      { dataframe_split: { columns: ['a', 'b'], data: [[1, 2], [3]] } },
      'dataframe_split.data[1]: has 1 values for 2 columns',
    ],
    [{ inputs: { a: [1, 2], b: [3] } }, 'inputs.b: has 1 values; column a has 2'],
    [{ instances: {} }, 'instances: give at least one column'],
  ])('refuses %j with a 400 naming the field', (request, message) => {
    expect(() => rowsOfMlflowRequest(request)).toThrow(message);
  });
});

describe('alignRowsToInputs', () => {
  it("gives a one-input model each row's values in column order", () => {
    expect(alignRowsToInputs([{ f2: 2, f1: 1 }], [{ name: 'X' }])).toEqual([[2, 1]]);
  });

  it('leaves rows keyed by input name, and models of several inputs, alone', () => {
    expect(alignRowsToInputs([{ X: [1, 2] }], [{ name: 'X' }])).toEqual([{ X: [1, 2] }]);
    expect(alignRowsToInputs([{ a: 1, b: 2 }], [{ name: 'a' }, { name: 'b' }])).toEqual([{ a: 1, b: 2 }]);
  });
});

describe('parseCsvTable', () => {
  it('reads a header and typed rows, as pandas does by default', () => {
    expect(parseCsvTable('\uFEFFa,b,c\r\n1.5,,"x, y"\n-2e3,7,z\n')).toEqual({
      columns: ['a', 'b', 'c'],
      rows: [
        [1.5, null, 'x, y'],
        [-2000, 7, 'z'],
      ],
    });
  });

  it.each([
    ['', /empty/],
    ['a,b\n1\n', 'Line 2 has 1 fields; the header has 2.'],
    ['a,b\n"1,2\n', /unterminated quote on line 2/],
  ])('refuses %j', (text, message) => {
    expect(() => parseCsvTable(text)).toThrow(message);
  });
});
