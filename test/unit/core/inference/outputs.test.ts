import { describe, expect, it } from 'vitest';
import type { ServingPlan, TensorInfo } from '../../../../functions/core/inference/onnx-graph.ts';
import { decodePredictions, encodeV2Outputs, rowsOf } from '../../../../functions/core/inference/outputs.ts';

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
