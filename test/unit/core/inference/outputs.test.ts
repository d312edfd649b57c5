import { describe, expect, it } from 'vitest';
import { ModelOutputError, UnprocessableError } from '../../../../functions/core/errors.ts';
import type { ServingPlan, TensorInfo } from '../../../../functions/core/inference/onnx-graph.ts';
import {
  assertFiniteOutputs,
  decodePredictions,
  encodeV2Outputs,
  rowsOf,
} from '../../../../functions/core/inference/outputs.ts';

const output = (name: string, type: TensorInfo['type'], shape: TensorInfo['shape']): TensorInfo => ({
  name,
  isTensor: true,
  type,
  shape,
});

const classifier: ServingPlan = {
  kind: 'classifier',
  inputs: [output('X', 'float32', [null, 2])],
  outputs: [output('output_label', 'int64', [null]), output('output_probability', 'float32', [null, 3])],
  labelOutput: 'output_label',
  probabilityOutput: 'output_probability',
  classLabels: [0, 1, 2],
  valueOutput: null,
  zipMapsRemoved: [],
  skippedOutputs: [],
  inputsAcceptingMissing: [],
};

const regressor = (shape: TensorInfo['shape']): ServingPlan => ({
  ...classifier,
  kind: 'regressor',
  outputs: [output('variable', 'float32', shape)],
  labelOutput: null,
  probabilityOutput: null,
  classLabels: null,
  valueOutput: 'variable',
});

describe('decodePredictions', () => {
  it('gives a classifier its labels, probability rows and class labels', () => {
    // Prepare
    const outputs = {
      output_label: { type: 'int64' as const, data: new BigInt64Array([2n, 0n]), dims: [2] },
      output_probability: {
        type: 'float32' as const,
        data: new Float32Array([0.25, 0.25, 0.5, 0.75, 0.125, 0.125]),
        dims: [2, 3],
      },
    };

    // Act
    const result = decodePredictions(outputs, classifier);

    // Assess
    expect(result).toEqual({
      predictions: [2, 0],
      probabilities: [
        [0.25, 0.25, 0.5],
        [0.75, 0.125, 0.125],
      ],
      classLabels: [0, 1, 2],
    });
  });

  it('takes the most probable class when a classifier has no label output', () => {
    // Prepare
    const plan: ServingPlan = { ...classifier, labelOutput: null, classLabels: ['cat', 'dog', 'fox'] };
    const outputs = {
      output_probability: { type: 'float32' as const, data: new Float32Array([0.1, 0.7, 0.2]), dims: [1, 3] },
    };

    // Act
    const result = decodePredictions(outputs, plan);

    // Assess
    expect(result.predictions).toEqual(['dog']);
  });

  it.each([
    ['[N]', [2], [1.5, -2]],
    ['[N, 1]', [2, 1], [1.5, -2]],
    ['[N, K]', [1, 2], [[1.5, -2]]],
  ])('gives a regressor with output %s its values per row', (_label, dims, expected) => {
    // Prepare
    const outputs = { variable: { type: 'float32' as const, data: new Float32Array([1.5, -2]), dims } };

    // Act
    const result = decodePredictions(outputs, regressor([null, 1]));

    // Assess
    expect(result).toEqual({ predictions: expected });
  });
});

describe('rowsOf', () => {
  it('keeps int64 as numbers while exact, as decimal strings beyond 2^53', () => {
    // Act
    const rows = rowsOf({ type: 'int64', data: new BigInt64Array([7n, 9007199254740993n]), dims: [2] });

    // Assess
    expect(rows).toEqual([7, '9007199254740993']);
  });

  it('gives bool tensors as booleans and strings as strings', () => {
    // Act
    const flags = rowsOf({ type: 'bool', data: new Uint8Array([1, 0]), dims: [1, 2] });
    const labels = rowsOf({ type: 'string', data: ['a', 'b'], dims: [2, 1] });

    // Assess
    expect(flags).toEqual([[true, false]]);
    expect(labels).toEqual(['a', 'b']);
  });
});

describe('encodeV2Outputs', () => {
  it('encodes outputs as name, shape, datatype and flat data, in the order asked', () => {
    // Prepare
    const outputs = {
      output_label: { type: 'int64' as const, data: new BigInt64Array([2n]), dims: [1] },
      output_probability: {
        type: 'float32' as const,
        data: new Float32Array([0.25, 0.25, 0.5]),
        dims: [1, 3],
      },
    };

    // Act
    const encoded = encodeV2Outputs(outputs, ['output_probability', 'output_label']);

    // Assess
    expect(encoded).toEqual([
      { name: 'output_probability', shape: [1, 3], datatype: 'FP32', data: [0.25, 0.25, 0.5] },
      { name: 'output_label', shape: [1], datatype: 'INT64', data: [2] },
    ]);
  });
});

describe('assertFiniteOutputs', () => {
  const probabilities = (values: number[], dims: number[]) => ({
    output_probability: { type: 'float32' as const, data: new Float32Array(values), dims },
  });

  it('blames the row whose output is NaN or infinite (422 naming row and field)', () => {
    // Prepare
    const outputs = probabilities([0.5, 0.5, Number.NaN, Number.NaN, 0.1, 0.9], [3, 2]);
    const infinite = probabilities([0.5, 0.5, 0.5, Number.POSITIVE_INFINITY], [2, 2]);

    // Act
    const act = () => assertFiniteOutputs(outputs, ['output_probability'], { rows: 3, field: 'instances' });
    const actInfinite = () =>
      assertFiniteOutputs(infinite, ['output_probability'], { rows: 2, field: 'inputs' });

    // Assess
    expect(act).toThrow(UnprocessableError);
    expect(act).toThrow(/^Row 2: the model's output "output_probability" is not a number \(NaN\)/);
    try {
      act();
    } catch (error) {
      expect((error as UnprocessableError).details).toEqual({
        row: 2,
        field: 'instances',
        output: 'output_probability',
      });
    }
    expect(actInfinite).toThrow(/^Row 2: .* is \+Infinity/);
  });

  it('blames the one row of a one-row request whatever the output shape', () => {
    // Prepare
    const outputs = probabilities([Number.NaN], []);

    // Act / Assess
    expect(() =>
      assertFiniteOutputs(outputs, ['output_probability'], { rows: 1, field: 'instances' }),
    ).toThrow(/^Row 1:/);
  });

  it('answers a 502 that names nothing internal when no row can be blamed', () => {
    // Prepare: an output not batched by the request's rows.
    const outputs = probabilities([Number.NaN, 1], [2]);

    // Act
    const act = () => assertFiniteOutputs(outputs, ['output_probability'], { rows: 3, field: 'instances' });

    // Assess
    expect(act).toThrow(ModelOutputError);
    expect(act).toThrow(/no single request row caused it/);
    expect(() => assertFiniteOutputs(outputs, ['output_probability'], undefined)).toThrow(ModelOutputError);
  });

  it('passes finite outputs and ignores outputs it was not asked about', () => {
    // Prepare
    const outputs = {
      ...probabilities([0.25, 0.75], [1, 2]),
      unused: { type: 'float32' as const, data: new Float32Array([Number.NaN]), dims: [1] },
    };

    // Act / Assess
    expect(() =>
      assertFiniteOutputs(outputs, ['output_probability'], { rows: 1, field: 'instances' }),
    ).not.toThrow();
  });

  it('guards decodePredictions and encodeV2Outputs: a NaN is never returned', () => {
    // Prepare
    const outputs = {
      output_label: { type: 'int64' as const, data: new BigInt64Array([0n]), dims: [1] },
      output_probability: {
        type: 'float32' as const,
        data: new Float32Array([Number.NaN, 0, 0]),
        dims: [1, 3],
      },
    };
    const value = {
      variable: { type: 'float64' as const, data: new Float64Array([1, Number.NaN]), dims: [2, 1] },
    };

    // Act / Assess
    expect(() => decodePredictions(outputs, classifier, { rows: 1, field: 'instances' })).toThrow(/^Row 1:/);
    expect(() => decodePredictions(value, regressor([null, 1]), { rows: 2, field: 'instances' })).toThrow(
      /^Row 2:/,
    );
    expect(() => encodeV2Outputs(outputs, ['output_probability'], { rows: 1, field: 'inputs' })).toThrow(
      /^Row 1:/,
    );
  });
});
