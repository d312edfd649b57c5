import { describe, expect, it } from 'vitest';
import {
  PayloadTooLargeError,
  UnprocessableError,
  ValidationError,
} from '../../../../functions/core/errors.ts';
import {
  feedsFromInstances,
  MAX_INSTANCES,
  tensorsFromV2Inputs,
  v2RequestRows,
} from '../../../../functions/core/inference/instances.ts';
import type { TensorInfo, ValueInfo } from '../../../../functions/core/inference/onnx-graph.ts';
import type { Dim, TensorElementType } from '../../../../functions/core/inference/tensors.ts';

const input = (name: string, type: TensorElementType, shape: Dim[] | null): TensorInfo => ({
  name,
  isTensor: true,
  type,
  shape,
});
const iris = [input('X', 'float32', [null, 4])];
const tenure = [input('tenure_months', 'float32', [null, 1]), input('contract', 'string', [null, 1])];

function refusal(act: () => unknown): UnprocessableError {
  try {
    act();
  } catch (error) {
    if (error instanceof UnprocessableError) return error;
    throw error;
  }
  throw new Error('expected an UnprocessableError');
}

/** v2 refusals are ValidationErrors (400), as KServe and Triton answer them. */
function v2Refusal(act: () => unknown): ValidationError {
  try {
    act();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('feedsFromInstances', () => {
  it('builds an [N, F] float32 tensor from arrays', () => {
    // Act
    const feeds = feedsFromInstances(
      [
        [5.1, 3.5, 1.4, 0.2],
        [6.7, 3, 5.2, 2.3],
      ],
      iris,
    );

    // Assess
    expect(feeds.X?.type).toBe('float32');
    expect(feeds.X?.dims).toEqual([2, 4]);
    expect(feeds.X?.data).toEqual(new Float32Array([5.1, 3.5, 1.4, 0.2, 6.7, 3, 5.2, 2.3]));
  });

  it('builds one [N, 1] tensor per named input from objects or arrays in input order', () => {
    // Act
    const fromObjects = feedsFromInstances(
      [
        { tenure_months: 25, contract: 'yearly' },
        { contract: 'monthly', tenure_months: 4 },
      ],
      tenure,
    );
    const fromArrays = feedsFromInstances(
      [
        [25, 'yearly'],
        [4, 'monthly'],
      ],
      tenure,
    );

    // Assess
    expect(fromObjects).toEqual(fromArrays);
    expect(fromObjects.tenure_months).toEqual({
      type: 'float32',
      data: new Float32Array([25, 4]),
      dims: [2, 1],
    });
    expect(fromObjects.contract).toEqual({ type: 'string', data: ['yearly', 'monthly'], dims: [2, 1] });
  });

  it('takes rank-1 inputs ([N]) as scalars per row', () => {
    // Prepare
    const inputs = [input('a', 'float64', ['N']), input('b', 'float64', ['N'])];

    // Act
    const feeds = feedsFromInstances([{ a: 0.1, b: 0.2 }], inputs);

    // Assess
    expect(feeds.a).toEqual({ type: 'float64', data: new Float64Array([0.1]), dims: [1] });
  });

  it('reads symbolic row widths from the first row and nested arrays for higher ranks', () => {
    // Prepare
    const inputs = [input('image', 'float32', ['batch', 2, 'width'])];

    // Act
    const feeds = feedsFromInstances(
      [
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
      ],
      inputs,
    );

    // Assess
    expect(feeds.image?.dims).toEqual([1, 2, 3]);
    expect(Array.from(feeds.image?.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('accepts an object keyed by the one input name', () => {
    // Act
    const single = feedsFromInstances([{ x: 3 }], [input('x', 'float32', [null, 1])]);
    const wide = feedsFromInstances([{ X: [1, 2, 3, 4] }], iris);

    // Assess
    expect(single.x?.dims).toEqual([1, 1]);
    expect(wide.X?.dims).toEqual([1, 4]);
  });

  it('turns null into NaN for float inputs whose graph handles missing values', () => {
    // Act
    const feeds = feedsFromInstances([[1, null, 3, null]], iris, [], ['X']);

    // Assess
    expect(Array.from(feeds.X?.data as Float32Array)).toEqual([1, Number.NaN, 3, Number.NaN]);
  });

  it('refuses null for a float input whose graph does not handle missing values, naming row and field', () => {
    // Act
    const wide = refusal(() =>
      feedsFromInstances(
        [
          [1, 2, 3, 4],
          [1, null, 3, 4],
        ],
        iris,
      ),
    );
    const named = refusal(() =>
      feedsFromInstances([{ tenure_months: null, contract: 'yearly' }], tenure, [], ['contract']),
    );

    // Assess
    expect(wide.details).toEqual({ row: 2, field: 'X[1]' });
    expect(wide.message).toMatch(/^Row 2, X\[1\]: a missing value \(null\) is not allowed/);
    expect(named.details).toEqual({ row: 1, field: 'tenure_months' });
  });

  it('refuses a number that overflows float32 (it would be fed as Infinity), and keeps float64 ones', () => {
    // Act
    const above = refusal(() =>
      feedsFromInstances(
        [
          [1, 2, 3, 4],
          [1, 2, 1e39, 4],
        ],
        iris,
      ),
    );
    const below = refusal(() => feedsFromInstances([{ tenure_months: -1e39, contract: 'x' }], tenure));
    const largest = feedsFromInstances([[3.4028234663852886e38, -3.4e38, 1e-50, 0]], iris);
    const double = feedsFromInstances([[1e39]], [input('x', 'float64', [null, 1])]);

    // Assess
    expect(above.details).toEqual({ row: 2, field: 'X[2]' });
    expect(above.message).toMatch(/1e\+39 is out of range for float32/);
    expect(below.details).toEqual({ row: 1, field: 'tenure_months' });
    expect(Array.from(largest.X?.data as Float32Array).every(Number.isFinite)).toBe(true);
    expect(Array.from(double.x?.data as Float64Array)).toEqual([1e39]);
  });

  it('builds int64 tensors as BigInt64Array, from safe integers and digit strings', () => {
    // Prepare
    const inputs = [input('ids', 'int64', [null, 2])];

    // Act
    const feeds = feedsFromInstances([[1, '9007199254740993']], inputs);

    // Assess
    expect(feeds.ids?.data).toEqual(new BigInt64Array([1n, 9007199254740993n]));
  });

  it('builds bool tensors from booleans (0/1 bytes)', () => {
    // Act
    const feeds = feedsFromInstances([[true, false]], [input('flags', 'bool', [null, 2])]);

    // Assess
    expect(feeds.flags).toEqual({ type: 'bool', data: new Uint8Array([1, 0]), dims: [1, 2] });
  });

  it('names the row and feature of a missing feature', () => {
    // Act
    const error = refusal(() =>
      feedsFromInstances([{ tenure_months: 1, contract: 'monthly' }, { tenure_months: 2 }], tenure),
    );

    // Assess
    expect(error.details).toEqual({ row: 2, field: 'contract' });
    expect(error.message).toMatch(/row 2, contract: missing feature "contract"/i);
  });

  it('names the row and feature of an unknown feature', () => {
    // Act
    const error = refusal(() =>
      feedsFromInstances([{ tenure_months: 1, contract: 'monthly', churned: true }], tenure),
    );

    // Assess
    expect(error.details).toEqual({ row: 1, field: 'churned' });
    expect(error.message).toMatch(/unknown feature "churned" \(expected tenure_months, contract\)/);
  });

  it.each([
    [
      'a string where a number is expected',
      [[1, 2, 'three', 4]],
      'X[2]',
      /expected a finite number, got a string/,
    ],
    ['a number where a string is expected', null, 'contract', /expected a string, got a number \(5\)/],
    ['NaN given as a number', [[1, 2, 3, Number.NaN]], 'X[3]', /expected a finite number, got NaN/],
    [
      'Infinity given as a string',
      [[1, '-Infinity', 3, 4]],
      'X[1]',
      /expected a finite number, got "-Infinity"/,
    ],
    ['a boolean where a number is expected', [[1, 2, 3, true]], 'X[3]', /got a boolean/],
  ])('names the row and feature of %s', (_label, rows, field, message) => {
    // Prepare
    const [inputs, instances] =
      rows === null
        ? [
            tenure,
            [
              { tenure_months: 1, contract: 'monthly' },
              { tenure_months: 1, contract: 5 },
            ],
          ]
        : [iris, [[1, 2, 3, 4], ...rows]];

    // Act
    const error = refusal(() => feedsFromInstances(instances, inputs as ValueInfo[]));

    // Assess
    expect(error.details).toEqual({ row: 2, field });
    expect(error.message).toMatch(message);
  });

  it('names the row of a row with the wrong length', () => {
    // Act
    const error = refusal(() =>
      feedsFromInstances(
        [
          [1, 2, 3, 4],
          [1, 2, 3, 4],
          [1, 2, 3],
        ],
        iris,
      ),
    );

    // Assess
    expect(error.details).toEqual({ row: 3, field: 'X' });
    expect(error.message).toMatch(/expected 4 values, got 3/);
  });

  it('refuses an object of named features for an [N, F] input, naming the expected length', () => {
    // Act
    const error = refusal(() => feedsFromInstances([{ sepal_length: 5.1, sepal_width: 3.5 }], iris));

    // Assess
    expect(error.details).toEqual({ row: 1, field: 'X' });
    expect(error.message).toMatch(/takes an array of 4 values per row, not an object/);
  });

  it('refuses null for integer and bool inputs', () => {
    // Act
    const intError = refusal(() => feedsFromInstances([[1, null]], [input('ids', 'int64', [null, 2])]));
    const boolError = refusal(() => feedsFromInstances([[null]], [input('flag', 'bool', [null, 1])]));

    // Assess
    expect(intError.details).toEqual({ row: 1, field: 'ids[1]' });
    expect(intError.message).toMatch(/missing value \(null\) is not allowed for a int64 input/);
    expect(boolError.details).toEqual({ row: 1, field: 'flag[0]' });
  });

  it('turns null into the empty string for string inputs whose graph handles missing values', () => {
    // Act
    const feeds = feedsFromInstances([{ tenure_months: 1, contract: null }], tenure, [], ['contract']);
    const refused = refusal(() => feedsFromInstances([{ tenure_months: 1, contract: null }], tenure));

    // Assess
    expect(feeds.contract?.data).toEqual(['']);
    expect(refused.details).toEqual({ row: 1, field: 'contract' });
  });

  it('refuses fractions and out-of-range values for integer inputs', () => {
    // Act
    const fraction = refusal(() => feedsFromInstances([[1.5]], [input('n', 'int32', [null, 1])]));
    const range = refusal(() => feedsFromInstances([[300]], [input('n', 'int8', [null, 1])]));
    const unsafe = refusal(() => feedsFromInstances([[2 ** 60]], [input('n', 'int64', [null, 1])]));

    // Assess
    expect(fraction.message).toMatch(/expected an integer \(int32\)/);
    expect(range.message).toMatch(/300 is out of range for int8/);
    expect(unsafe.message).toMatch(/send it as a string of digits/);
  });

  it(`refuses more than MAX_INSTANCES (${MAX_INSTANCES}) rows`, () => {
    // Prepare
    const rows = Array.from({ length: MAX_INSTANCES + 1 }, () => [1, 2, 3, 4]);

    // Act
    const act = () => feedsFromInstances(rows, iris);

    // Assess
    expect(act).toThrow(PayloadTooLargeError);
    expect(act).toThrow(/at most 10000 rows/);
  });

  it('refuses an empty list, a non-list, and the wrong count for a fixed batch size', () => {
    // Act + Assess
    expect(() => feedsFromInstances([], iris)).toThrow(/at least one row/);
    expect(() => feedsFromInstances({ X: [1, 2, 3, 4] }, iris)).toThrow(/must be an array/);
    expect(() => feedsFromInstances([[1], [2]], [input('x', 'float32', [1, 1])])).toThrow(
      /fixed batch size of 1/,
    );
  });
});

describe('tensorsFromV2Inputs', () => {
  it('accepts flat or nested data that matches the shape', () => {
    // Act
    const flat = tensorsFromV2Inputs(
      [{ name: 'X', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6, 7, 8] }],
      iris,
    );
    const nested = tensorsFromV2Inputs(
      [
        {
          name: 'X',
          shape: [2, 4],
          datatype: 'FP32',
          data: [
            [1, 2, 3, 4],
            [5, 6, 7, 8],
          ],
        },
      ],
      iris,
    );

    // Assess
    expect(flat).toEqual(nested);
    expect(flat.X).toEqual({
      type: 'float32',
      data: new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]),
      dims: [2, 4],
    });
  });

  it('builds typed tensors for each datatype', () => {
    // Prepare
    const inputs = [input('i', 'int64', ['N']), input('b', 'bool', ['N']), input('s', 'string', ['N'])];

    // Act
    const tensors = tensorsFromV2Inputs(
      [
        { name: 'i', shape: [2], datatype: 'INT64', data: [1, 2] },
        { name: 'b', shape: [2], datatype: 'BOOL', data: [true, false] },
        { name: 's', shape: [2], datatype: 'BYTES', data: ['a', 'b'] },
      ],
      inputs,
    );

    // Assess
    expect(tensors.i?.data).toEqual(new BigInt64Array([1n, 2n]));
    expect(tensors.b?.data).toEqual(new Uint8Array([1, 0]));
    expect(tensors.s?.data).toEqual(['a', 'b']);
  });

  it('builds FP64, INT8/16/32 and UINT8/16/32/64 tensors for inputs of those types', () => {
    // Prepare
    const types = {
      FP64: 'float64',
      INT8: 'int8',
      INT16: 'int16',
      INT32: 'int32',
      UINT8: 'uint8',
      UINT16: 'uint16',
      UINT32: 'uint32',
      UINT64: 'uint64',
    } as const;
    const inputs = Object.entries(types).map(([name, type]) => input(name, type, ['N']));

    // Act
    const tensors = tensorsFromV2Inputs(
      Object.keys(types).map((name) => ({ name, shape: [2], datatype: name, data: [1, 2] })),
      inputs,
    );

    // Assess
    expect(tensors.FP64?.data).toEqual(new Float64Array([1, 2]));
    expect(tensors.INT8?.data).toEqual(new Int8Array([1, 2]));
    expect(tensors.INT16?.data).toEqual(new Int16Array([1, 2]));
    expect(tensors.INT32?.data).toEqual(new Int32Array([1, 2]));
    expect(tensors.UINT8?.data).toEqual(new Uint8Array([1, 2]));
    expect(tensors.UINT16?.data).toEqual(new Uint16Array([1, 2]));
    expect(tensors.UINT32?.data).toEqual(new Uint32Array([1, 2]));
    expect(tensors.UINT64?.data).toEqual(new BigUint64Array([1n, 2n]));
  });

  it('refuses an integer out of its datatype range and BF16 inputs with the way out', () => {
    // Act
    const overflow = v2Refusal(() =>
      tensorsFromV2Inputs(
        [{ name: 'b', shape: [1], datatype: 'INT8', data: [128] }],
        [input('b', 'int8', ['N'])],
      ),
    );
    const brain = v2Refusal(() =>
      tensorsFromV2Inputs(
        [{ name: 'h', shape: [1], datatype: 'BF16', data: [1.5] }],
        [input('h', 'bfloat16', ['N'])],
      ),
    );

    // Assess
    expect(overflow.details.field).toBe('inputs[0].data[0]');
    expect(brain.details.field).toBe('h');
    expect(brain.message).toMatch(
      /is bfloat16, which requests cannot carry; re-export the model with a float32 input/,
    );
  });

  it('reads FP16 inputs as values rounded to half precision, and refuses one past its range', () => {
    // Act
    const tensors = tensorsFromV2Inputs(
      [{ name: 'h', shape: [1, 3], datatype: 'FP16', data: [1.5, 0.1, -65504] }],
      [input('h', 'float16', ['N', 3])],
    );
    const tooLarge = v2Refusal(() =>
      tensorsFromV2Inputs(
        [{ name: 'h', shape: [1, 2], datatype: 'FP16', data: [1, 70000] }],
        [input('h', 'float16', ['N', 2])],
      ),
    );
    const asFp32 = v2Refusal(() =>
      tensorsFromV2Inputs(
        [{ name: 'h', shape: [1, 1], datatype: 'FP32', data: [1] }],
        [input('h', 'float16', ['N', 1])],
      ),
    );

    // Assess
    expect(tensors.h?.type).toBe('float16');
    // 0.1 is 0x2e66 in FP16: 0.0999755859375.
    expect(tensors.h?.data).toEqual(new Float32Array([1.5, 0.0999755859375, -65504]));
    expect(tooLarge.details.field).toBe('inputs[0].data[1]');
    expect(tooLarge.message).toMatch(/70000 is out of range for float16 \(its largest magnitude is 65504\)/);
    expect(asFp32.message).toMatch(/its datatype is FP16, not FP32/);
  });

  it('feeds instances to a float16 input, blaming the row of a value past its range', () => {
    // Act
    const feeds = feedsFromInstances([[0.1, 2]], [input('h', 'float16', ['N', 2])]);
    const call = () =>
      feedsFromInstances(
        [
          [1, 2],
          [3, 1e6],
        ],
        [input('h', 'float16', ['N', 2])],
      );

    // Assess
    expect(feeds.h).toEqual({ type: 'float16', data: new Float32Array([0.0999755859375, 2]), dims: [1, 2] });
    expect(call).toThrow(/^Row 2, h: 1000000 is out of range for float16/);
  });

  it.each([
    [
      'an unknown input',
      [{ name: 'Z', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }],
      'inputs[0].name',
      /no input "Z"/,
    ],
    [
      'a datatype mismatch',
      [{ name: 'X', shape: [1, 4], datatype: 'FP64', data: [1, 2, 3, 4] }],
      'inputs[0].datatype',
      /its datatype is FP32, not FP64/,
    ],
    [
      'an unknown datatype',
      [{ name: 'X', shape: [1, 4], datatype: 'FLOAT', data: [1, 2, 3, 4] }],
      'inputs[0].datatype',
      /unknown datatype/,
    ],
    [
      'shape × data length mismatch',
      [{ name: 'X', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3, 4] }],
      'inputs[0].data',
      /needs 8 values, data has 4/,
    ],
    [
      'a fixed dimension mismatch',
      [{ name: 'X', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }],
      'inputs[0].shape',
      /fixed at 4/,
    ],
    [
      'a rank mismatch',
      [{ name: 'X', shape: [4], datatype: 'FP32', data: [1, 2, 3, 4] }],
      'inputs[0].shape',
      /rank 2/,
    ],
    [
      'a wrong value type',
      [{ name: 'X', shape: [1, 4], datatype: 'FP32', data: [1, 2, 'x', 4] }],
      'inputs[0].data[2]',
      /expected a finite number/,
    ],
    [
      'a value beyond float32',
      [{ name: 'X', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, -1e39] }],
      'inputs[0].data[3]',
      /-1e\+39 is out of range for float32/,
    ],
    [
      'null where the model does not handle missing values',
      [{ name: 'X', shape: [1, 4], datatype: 'FP32', data: [1, null, 3, 4] }],
      'inputs[0].data[1]',
      /missing value \(null\) is not allowed/,
    ],
  ])('refuses %s', (_label, inputs, field, message) => {
    // Act
    const error = v2Refusal(() => tensorsFromV2Inputs(inputs, iris));

    // Assess
    expect(error.details.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it('feeds null as NaN where the model handles missing values', () => {
    // Act
    const tensors = tensorsFromV2Inputs(
      [{ name: 'X', shape: [1, 4], datatype: 'FP32', data: [1, null, 3, 4] }],
      iris,
      ['X'],
    );

    // Assess
    expect(Array.from(tensors.X?.data as Float32Array)).toEqual([1, Number.NaN, 3, 4]);
  });

  it('accepts any size for symbolic dimensions, the same size wherever a name repeats', () => {
    // Prepare
    const inputs = [input('a', 'float32', ['N', 2]), input('b', 'float32', ['N', 1])];

    // Act
    const ok = tensorsFromV2Inputs(
      [
        { name: 'a', shape: [3, 2], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] },
        { name: 'b', shape: [3, 1], datatype: 'FP32', data: [1, 2, 3] },
      ],
      inputs,
    );
    const error = v2Refusal(() =>
      tensorsFromV2Inputs(
        [
          { name: 'a', shape: [3, 2], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] },
          { name: 'b', shape: [2, 1], datatype: 'FP32', data: [1, 2] },
        ],
        inputs,
      ),
    );

    // Assess
    expect(ok.a?.dims).toEqual([3, 2]);
    expect(error.message).toMatch(/dimension "N" is 3 in input "a" but 2 here/);
  });

  it('refuses missing and duplicated inputs', () => {
    // Act
    const missing = v2Refusal(() =>
      tensorsFromV2Inputs([{ name: 'tenure_months', shape: [1, 1], datatype: 'FP32', data: [1] }], tenure),
    );
    const twice = v2Refusal(() =>
      tensorsFromV2Inputs(
        [
          { name: 'X', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] },
          { name: 'X', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] },
        ],
        iris,
      ),
    );

    // Assess
    expect(missing.message).toMatch(/Missing input "contract"/);
    expect(twice.message).toMatch(/given twice/);
  });
});

describe('v2RequestRows', () => {
  it('is the batch size the inputs agree on (1 without a batch dimension), else unknown', () => {
    // Prepare
    const tensor = (dims: number[]) => ({ type: 'float32' as const, data: new Float32Array(), dims });

    // Act / Assess
    expect(v2RequestRows({ a: tensor([3, 2]), b: tensor([3, 1]) })).toEqual({ rows: 3, field: 'inputs' });
    expect(v2RequestRows({ a: tensor([]) })).toEqual({ rows: 1, field: 'inputs' });
    expect(v2RequestRows({ a: tensor([3, 2]), b: tensor([2, 1]) })).toBeUndefined();
  });
});
