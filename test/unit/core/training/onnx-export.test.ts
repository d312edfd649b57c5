import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { inspectOnnxModel, prepareForServing } from '../../../../functions/core/inference/onnx-graph.ts';
import type { FeaturePipeline, LinearModel } from '../../../../functions/core/training/model-contracts.ts';
import {
  exportPipelineToOnnx,
  OnnxExportError,
} from '../../../../functions/core/training/onnx-export/export-pipeline.ts';

const { onnx } = onnxProto;

const pipeline: FeaturePipeline = {
  features: [
    { kind: 'numeric', column: 'tenure months', fill: 12, mean: 20, scale: 8 },
    { kind: 'categorical', column: 'contract', fill: 'monthly', categories: ['monthly', 'yearly'] },
  ],
  width: 4,
};

function model(overrides: Partial<LinearModel> = {}): LinearModel {
  return {
    kind: 'linear',
    algorithm: 'logistic-regression',
    task: 'classification',
    weights: Float64Array.of(0.5, -1, 1, 0.25),
    intercepts: Float64Array.of(0.1),
    outputs: 1,
    width: 4,
    classes: [0, 1],
    hyperParameters: { l2: 1 },
    ...overrides,
  };
}

const regressor = (overrides: Partial<LinearModel> = {}) =>
  model({ algorithm: 'ridge', task: 'regression', classes: undefined, ...overrides });

const operators = (bytes: Uint8Array) =>
  onnx.ModelProto.decode(bytes).graph?.node?.map((node) => `${node.domain}:${node.opType}`);

describe('exportPipelineToOnnx', () => {
  it('describes the model: producer, opsets, raw-column inputs in pipeline order, metadata', () => {
    // Act
    const info = inspectOnnxModel(
      exportPipelineToOnnx(pipeline, model(), {
        modelName: 'churn',
        producerVersion: '0.1.0',
        targetName: 'churned',
      }),
    );

    // Assess
    expect(info).toMatchObject({
      producerName: 'ml-platform',
      producerVersion: '0.1.0',
      graphName: 'churn',
      opsets: [
        { domain: '', version: 17 },
        { domain: 'ai.onnx.ml', version: 3 },
      ],
    });
    expect(info.signature.inputs).toEqual([
      { name: 'tenure months', isTensor: true, type: 'float64', shape: ['N', 1] },
      { name: 'contract', isTensor: true, type: 'string', shape: ['N', 1] },
    ]);
    expect(info.signature.outputs).toEqual([
      { name: 'label', isTensor: true, type: 'int64', shape: ['N'] },
      { name: 'probabilities', isTensor: true, type: 'float32', shape: ['N', 2] },
    ]);
    expect(info.metadata).toEqual({
      features: JSON.stringify([
        { name: 'tenure months', kind: 'numeric' },
        { name: 'contract', kind: 'categorical' },
      ]),
      target: 'churned',
      task: 'classification',
      algorithm: 'logistic-regression',
      class_labels: '[0,1]',
    });
  });

  it('lays out a binary classifier: preprocessing per column, Concat, Gemm, Sigmoid head', () => {
    // Act
    const ops = operators(exportPipelineToOnnx(pipeline, model()));

    // Assess
    expect(ops).toEqual([
      ':IsNaN',
      ':Where',
      ':Sub',
      ':Div',
      'ai.onnx.ml:LabelEncoder',
      ':OneHot',
      ':Squeeze',
      ':Cast',
      ':Concat',
      ':Gemm',
      ':Sigmoid',
      ':Sub',
      ':Concat',
      ':Greater',
      ':Cast',
      ':Reshape',
      ':Gather',
      ':Cast',
    ]);
  });

  it('ends a multiclass classifier with Softmax and ArgMax, string labels', () => {
    // Prepare
    const multiclass = model({
      weights: new Float64Array(12),
      intercepts: new Float64Array(3),
      outputs: 3,
      classes: ['a', 'b', 'c'],
    });

    // Act
    const bytes = exportPipelineToOnnx(pipeline, multiclass);

    // Assess
    expect(operators(bytes)?.slice(9)).toEqual([':Gemm', ':Softmax', ':ArgMax', ':Gather', ':Cast']);
    expect(inspectOnnxModel(bytes).signature.outputs[0]).toMatchObject({ name: 'label', type: 'string' });
  });

  it('ends a regressor with a float32 `variable` output', () => {
    // Act
    const bytes = exportPipelineToOnnx(pipeline, regressor());

    // Assess
    expect(operators(bytes)?.slice(9)).toEqual([':Gemm', ':Cast']);
    expect(inspectOnnxModel(bytes).signature.outputs).toEqual([
      { name: 'variable', isTensor: true, type: 'float32', shape: ['N', 1] },
    ]);
  });

  it('maps missing, kept and unknown categories to their one-hot index', () => {
    // Act
    const graph = onnx.ModelProto.decode(exportPipelineToOnnx(pipeline, model())).graph;
    const encoder = graph?.node?.find((node) => node.opType === 'LabelEncoder');
    const attribute = (name: string) => encoder?.attribute?.find((a) => a.name === name);

    // Assess
    expect(attribute('keys_strings')?.strings?.map((s) => new TextDecoder().decode(s))).toEqual([
      'monthly',
      'yearly',
      '',
    ]);
    expect(attribute('values_int64s')?.ints?.map(Number)).toEqual([0, 1, 0]);
    expect(Number(attribute('default_int64')?.i)).toBe(2);
  });

  it('is served as a classifier by the platform, label and probabilities found by name', () => {
    // Act
    const { serving } = prepareForServing(exportPipelineToOnnx(pipeline, model()));

    // Assess
    expect(serving).toMatchObject({
      kind: 'classifier',
      labelOutput: 'label',
      probabilityOutput: 'probabilities',
      zipMapsRemoved: [],
      skippedOutputs: [],
    });
  });

  it('names the label output output_label when a column is called label', () => {
    // Prepare
    const withLabel: FeaturePipeline = {
      features: [...pipeline.features, { kind: 'numeric', column: 'label', fill: 0, mean: 0, scale: 1 }],
      width: 5,
    };
    const wider = model({ weights: new Float64Array(5), width: 5 });

    // Act
    const { serving } = prepareForServing(exportPipelineToOnnx(withLabel, wider));

    // Assess
    expect(serving.inputs.map((input) => input.name)).toEqual(['tenure months', 'contract', 'label']);
    expect(serving).toMatchObject({ labelOutput: 'output_label', probabilityOutput: 'probabilities' });
  });

  it('keeps intermediate names apart from a column that looks like one', () => {
    // Prepare
    const clash: FeaturePipeline = {
      features: [
        { kind: 'numeric', column: 'x', fill: 0, mean: 0, scale: 1 },
        { kind: 'numeric', column: 'x_missing', fill: 0, mean: 0, scale: 1 },
        { kind: 'numeric', column: 'features', fill: 0, mean: 0, scale: 1 },
      ],
      width: 3,
    };

    // Act
    const graph = onnx.ModelProto.decode(
      exportPipelineToOnnx(clash, regressor({ weights: new Float64Array(3), width: 3 })),
    ).graph;

    // Assess: no node writes a graph input
    const written = graph?.node?.flatMap((node) => node.output ?? []) ?? [];
    expect(written).not.toContain('x_missing');
    expect(written).not.toContain('features');
    expect(new Set(written).size).toBe(written.length);
  });

  it.each([
    [
      'no features',
      { features: [], width: 0 },
      model({ width: 0, weights: new Float64Array(0) }),
      'no features',
    ],
    [
      'a pipeline width that does not add up',
      { ...pipeline, width: 5 },
      model({ width: 5, weights: new Float64Array(5) }),
      'declares width 5',
    ],
    [
      'a model of another width',
      pipeline,
      model({ width: 3, weights: new Float64Array(3) }),
      'takes 3 columns',
    ],
    ['too few weights', pipeline, model({ weights: new Float64Array(3) }), '3 weights'],
    ['a non-finite weight', pipeline, model({ weights: Float64Array.of(1, Number.NaN, 0, 0) }), 'not finite'],
    ['a binary classifier with 3 classes', pipeline, model({ classes: [0, 1, 2] }), 'needs 2 classes'],
    ['a classifier without classes', pipeline, model({ classes: undefined }), 'needs 2 classes'],
    ['classes equal as strings', pipeline, model({ classes: [1, '1'] }), 'not distinct'],
    [
      'a column twice',
      { features: [pipeline.features[0], pipeline.features[0]], width: 2 },
      model({ width: 2, weights: new Float64Array(2) }),
      'appears twice',
    ],
    [
      'a category twice',
      { features: [{ kind: 'categorical', column: 'c', fill: 'a', categories: ['a', 'a'] }], width: 3 },
      model({ width: 3, weights: new Float64Array(3) }),
      'lists a category twice',
    ],
    [
      'a zero scale',
      { features: [{ kind: 'numeric', column: 'n', fill: 0, mean: 0, scale: 0 }], width: 1 },
      model({ width: 1, weights: new Float64Array(1) }),
      'scale is 0',
    ],
  ] as [string, FeaturePipeline, LinearModel, string][])(
    'refuses %s',
    (_, badPipeline, badModel, message) => {
      // Act
      const act = () => exportPipelineToOnnx(badPipeline, badModel);

      // Assess
      expect(act).toThrow(OnnxExportError);
      expect(act).toThrow(message);
    },
  );
});
