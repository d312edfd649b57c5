/** Reading a committed file back as rows, as training will. */
import { describe, expect, it } from 'vitest';
import { datasetRows } from '../../../../functions/core/datasets/rows.ts';
import { chunked, datasetFixture } from './fixtures.ts';

async function all(iterable: AsyncIterable<(string | null)[]>) {
  const rows: (string | null)[][] = [];
  for await (const row of iterable) rows.push(row);
  return rows;
}

describe('datasetRows', () => {
  it('yields CSV rows by the columns asked for, missing values as null, the BOM dropped', async () => {
    // Asked in another order than the file's: columns are found by name in the header.
    expect(
      await all(datasetRows(chunked(datasetFixture('customers.csv'), 3), 'csv', ['notes', 'age'])),
    ).toEqual([
      ['called twice', '34'],
      [null, '45'],
      ['asked about pricing', '29'],
      [null, '51'],
      ['moved away', '38'],
    ]);
    expect(await all(datasetRows(chunked(datasetFixture('bom.csv')), 'csv', ['id', 'value']))).toEqual([
      ['1', '10'],
      ['2', '20'],
    ]);
  });

  it('fills the absent values of short rows with null', async () => {
    expect(
      await all(datasetRows(chunked(datasetFixture('too-few-fields.csv')), 'csv', ['id', 'a', 'b'])),
    ).toEqual([
      ['1', '2', '3'],
      ['2', '5', null],
      ['3', '8', '9'],
    ]);
  });

  it('yields JSON Lines values by key, absent keys and null as null', async () => {
    const rows = await all(
      datasetRows(chunked(datasetFixture('customers.jsonl'), 7), 'jsonl', [
        'customer_id',
        'age',
        'referrer',
        'active',
      ]),
    );
    expect(rows).toEqual([
      ['1', '34', null, 'true'],
      ['2', '45.5', 'ad', 'false'],
      ['3', null, null, 'true'],
    ]);
  });
});
