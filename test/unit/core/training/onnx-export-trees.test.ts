import onnxProto, { type onnx as Onnx } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { inspectOnnxModel, prepareForServing } from '../../../../functions/core/inference/onnx-graph.ts';
import type {
  FeaturePipeline,
  LinearModel,
  RegressionTree,
  TreeEnsembleModel,
} from '../../../../functions/core/training/model-contracts.ts';
import {
  exportMatrixModelToOnnx,
  exportPipelineToOnnx,
  OnnxExportError,
} from '../../../../functions/core/training/onnx-export/export-pipeline.ts';
import {
  treeEnsembleLayout,
  treeEnsembleProblem,
} from '../../../../functions/core/training/onnx-export/tree-ensemble.ts';

const { onnx } = onnxProto;
const utf8 = new TextDecoder();

const pipeline: FeaturePipeline = {
  features: [
    { kind: 'numeric', column: 'tenure months', fill: 12, mean: 20, scale: 8 },
    { kind: 'categorical', column: 'contract', fill: 'monthly', categories: ['monthly', 'yearly'] },
  ],
  width: 4,
};

/**
 * Nodes numbered out of preorder, with an unreachable node (5):
 *   0: x3 <= 0.5 (missing → left) ─ left 2: leaf 0.25
 *                                  └ right 4: x0 <= -1.25 (missing → right) ─ left 1: leaf -0.5
 *                                                                          └ right 3: leaf 1.5
 */
function tree(overrides: Partial<RegressionTree> = {}): RegressionTree {
  return {
    feature: Int32Array.of(3, -1, -1, -1, 0, 7),
    threshold: Float32Array.of(0.5, 0, 0, 0, -1.25, Number.NaN),
    missingGoesLeft: Uint8Array.of(1, 0, 0, 0, 0, 1),
    left: Int32Array.of(2, -1, -1, -1, 1, 5),
    right: Int32Array.of(4, -1, -1, -1, 3, 5),
    value: Float64Array.of(0, -0.5, 0.25, 1.5, 0, Number.NaN),
    ...overrides,
  };
}

const leaf = (value: number): RegressionTree => ({
  feature: Int32Array.of(-1),
  threshold: Float32Array.of(0),
  missingGoesLeft: Uint8Array.of(0),
  left: Int32Array.of(-1),
  right: Int32Array.of(-1),
  value: Float64Array.of(value),
});

function model(overrides: Partial<TreeEnsembleModel> = {}): TreeEnsembleModel {
  return {
    kind: 'trees',
    algorithm: 'gradient-boosting',
    task: 'classification',
    comparison: 'leq',
    trees: [tree(), tree()],
    outputs: 1,
    baseScores: Float64Array.of(-0.1),
    width: 4,
    classes: [0, 1],
    hyperParameters: { rounds: 2 },
    ...overrides,
  };
}

const regressor = (overrides: Partial<TreeEnsembleModel> = {}) =>
  model({ task: 'regression', classes: undefined, ...overrides });

const decode = (bytes: Uint8Array) => onnx.ModelProto.decode(bytes).graph as Onnx.GraphProto;
const operators = (bytes: Uint8Array) => decode(bytes).node.map((node) => `${node.domain}:${node.opType}`);

function ensembleAttributes(bytes: Uint8Array): Map<string, Onnx.IAttributeProto> {
  const node = decode(bytes).node.find((n) => n.opType === 'TreeEnsembleRegressor');
  return new Map((node?.attribute ?? []).map((a) => [a.name as string, a]));
}

describe('treeEnsembleLayout', () => {
  it('numbers reachable nodes in preorder, left (true) child first, and lists leaves as targets', () => {
    // Act
    const layout = treeEnsembleLayout(regressor({ trees: [tree()] }));

    // Assess: preorder is 0, 2, 4, 1, 3 → ids 0 … 4; node 5 is left out
    expect(layout).toEqual({
      nodesTreeIds: [0, 0, 0, 0, 0],
      nodesNodeIds: [0, 1, 2, 3, 4],
      nodesFeatureIds: [3, 0, 0, 0, 0],
      nodesModes: ['BRANCH_LEQ', 'LEAF', 'BRANCH_LEQ', 'LEAF', 'LEAF'],
      nodesValues: [0.5, 0, -1.25, 0, 0],
      nodesTrueNodeIds: [1, 0, 3, 0, 0],
      nodesFalseNodeIds: [2, 0, 4, 0, 0],
      nodesMissingValueTracksTrue: [1, 0, 0, 0, 0],
      targetTreeIds: [0, 0, 0],
      targetNodeIds: [1, 3, 4],
      targetIds: [0, 0, 0],
      targetWeights: [0.25, -0.5, 1.5],
    });
  });

  it('branches with x < t for the lt comparison', () => {
    // Act
    const layout = treeEnsembleLayout(regressor({ trees: [tree()], comparison: 'lt' }));

    // Assess
    expect(layout.nodesModes).toEqual(['BRANCH_LT', 'LEAF', 'BRANCH_LT', 'LEAF', 'LEAF']);
  });

  it('gives tree r·outputs + k to output k (round-major)', () => {
    // Prepare: 2 rounds of 3 outputs, one leaf each
    const trees = [1, 2, 3, 4, 5, 6].map(leaf);

    // Act
    const layout = treeEnsembleLayout(
      model({ trees, outputs: 3, baseScores: new Float64Array(3), classes: ['a', 'b', 'c'] }),
    );

    // Assess
    expect(layout.nodesTreeIds).toEqual([0, 1, 2, 3, 4, 5]);
    expect(layout.nodesModes).toEqual(Array(6).fill('LEAF'));
    expect(layout.targetIds).toEqual([0, 1, 2, 0, 1, 2]);
    expect(layout.targetWeights).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('gives a model without trees one zero leaf per output', () => {
    // Act
    const layout = treeEnsembleLayout(
      regressor({ trees: [], outputs: 2, baseScores: Float64Array.of(1, 2) }),
    );

    // Assess
    expect(layout.targetIds).toEqual([0, 1]);
    expect(layout.targetWeights).toEqual([0, 0]);
  });

  it('keeps float64 leaf values and float32 thresholds as they are', () => {
    // Prepare
    const threshold = Math.fround(0.1);
    const precise = tree({
      threshold: Float32Array.of(threshold, 0, 0, 0, -1.25, 0),
      value: Float64Array.of(0, 0.1, 1e-17, 1 / 3, 0, 0),
    });

    // Act
    const layout = treeEnsembleLayout(regressor({ trees: [precise] }));

    // Assess
    expect(layout.nodesValues[0]).toBe(threshold);
    expect(layout.targetWeights).toEqual([1e-17, 0.1, 1 / 3]);
  });
});

describe('exportPipelineToOnnx with a tree ensemble', () => {
  it('lays out a binary classifier: one-hot blocks, Concat, one imputation and scaling, float32 rounding, the ensemble, Sigmoid head', () => {
    // Act
    const ops = operators(exportPipelineToOnnx(pipeline, model()));

    // Assess
    expect(ops).toEqual([
      'ai.onnx.ml:LabelEncoder',
      ':OneHot',
      ':Squeeze',
      ':Cast',
      ':Concat',
      ':IsNaN',
      ':Where',
      ':Sub',
      ':Div',
      ':Cast',
      ':Cast',
      'ai.onnx.ml:TreeEnsembleRegressor',
      ':Cast',
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

  it('imputes and scales all columns at once: per-column fill, mean and scale, identity on one-hot columns', () => {
    // Prepare
    const wide: FeaturePipeline = {
      features: [
        pipeline.features[1],
        pipeline.features[0],
        { kind: 'numeric', column: 'unimputed', fill: Number.NaN, mean: -1, scale: 0.5 },
      ],
      width: 5,
    } as FeaturePipeline;

    // Act
    const graph = decode(exportPipelineToOnnx(wide, model({ width: 5 })));
    const vector = (name: string) => graph.initializer.find((tensor) => tensor.name === name)?.doubleData;
    const concat = graph.node.find((node) => node.opType === 'Concat');

    // Assess: contract (3 one-hot columns), tenure months, unimputed
    expect(concat?.input).toEqual(['contract_onehot', 'tenure months', 'unimputed']);
    expect(vector('fill')).toEqual([0, 0, 0, 12, Number.NaN]);
    expect(vector('mean')).toEqual([0, 0, 0, 20, -1]);
    expect(vector('scale')).toEqual([1, 1, 1, 8, 0.5]);
  });

  it('concatenates categorical blocks alone when there is no numeric column', () => {
    // Prepare
    const categorical: FeaturePipeline = { features: [pipeline.features[1]], width: 3 } as FeaturePipeline;

    // Act
    const ops = operators(exportPipelineToOnnx(categorical, regressor({ trees: [leaf(1)], width: 3 })));

    // Assess
    expect(ops.slice(3)).toEqual([':Cast', ':Concat', ':Cast', ':Cast', 'ai.onnx.ml:TreeEnsembleRegressor']);
  });

  it('keeps value and initializer names apart from columns that look like them', () => {
    // Prepare
    const clash: FeaturePipeline = {
      features: ['features', 'features_raw', 'fill', 'raw_scores', 'scores'].map((column) => ({
        kind: 'numeric',
        column,
        fill: 0,
        mean: 0,
        scale: 1,
      })),
      width: 5,
    } as FeaturePipeline;

    // Act
    const graph = decode(exportPipelineToOnnx(clash, model({ width: 5 })));

    // Assess: no node or initializer takes an input's name, no value is written twice
    const written = [
      ...graph.node.flatMap((node) => node.output ?? []),
      ...graph.initializer.map((t) => t.name),
    ];
    for (const column of ['features', 'features_raw', 'fill', 'raw_scores', 'scores']) {
      expect(written).not.toContain(column);
    }
    expect(new Set(written).size).toBe(written.length);
  });

  it('rounds the features to float32 and back before the ensemble, which writes float32 raw scores', () => {
    // Act
    const graph = decode(exportPipelineToOnnx(pipeline, model()));
    const [toFloat, toDouble, ensemble, toScores] = graph.node.slice(9, 13);
    const castTo = (node: Onnx.INodeProto | undefined) => Number(node?.attribute?.[0]?.i);

    // Assess
    expect(toFloat?.input).toEqual(['features']);
    expect(castTo(toFloat)).toBe(onnx.TensorProto.DataType.FLOAT);
    expect(toDouble?.input).toEqual(toFloat?.output);
    expect(castTo(toDouble)).toBe(onnx.TensorProto.DataType.DOUBLE);
    expect(ensemble?.input).toEqual(toDouble?.output);
    expect(ensemble?.output).toEqual(['raw_scores']);
    expect(toScores?.input).toEqual(['raw_scores']);
    expect(castTo(toScores)).toBe(onnx.TensorProto.DataType.DOUBLE);
  });

  it('sets the ensemble: float64 tensors for thresholds, weights and base scores; SUM; no transform', () => {
    // Act
    const attributes = ensembleAttributes(exportPipelineToOnnx(pipeline, model()));
    const ints = (name: string) => attributes.get(name)?.ints?.map(Number);
    const doubles = (name: string) => {
      const tensor = attributes.get(name)?.t;
      expect(tensor?.dataType).toBe(onnx.TensorProto.DataType.DOUBLE);
      return tensor?.doubleData;
    };

    // Assess
    expect([...attributes.keys()].sort()).toEqual([
      'aggregate_function',
      'base_values_as_tensor',
      'n_targets',
      'nodes_falsenodeids',
      'nodes_featureids',
      'nodes_missing_value_tracks_true',
      'nodes_modes',
      'nodes_nodeids',
      'nodes_treeids',
      'nodes_truenodeids',
      'nodes_values_as_tensor',
      'post_transform',
      'target_ids',
      'target_nodeids',
      'target_treeids',
      'target_weights_as_tensor',
    ]);
    expect(Number(attributes.get('n_targets')?.i)).toBe(1);
    expect(utf8.decode(attributes.get('aggregate_function')?.s as Uint8Array)).toBe('SUM');
    expect(utf8.decode(attributes.get('post_transform')?.s as Uint8Array)).toBe('NONE');
    expect(doubles('base_values_as_tensor')).toEqual([-0.1]);
    expect(doubles('nodes_values_as_tensor')).toEqual([0.5, 0, -1.25, 0, 0, 0.5, 0, -1.25, 0, 0]);
    expect(doubles('target_weights_as_tensor')).toEqual([0.25, -0.5, 1.5, 0.25, -0.5, 1.5]);
    expect(ints('nodes_treeids')).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(ints('nodes_missing_value_tracks_true')).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(ints('target_treeids')).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('ends a regressor with the ensemble writing the float32 `variable` output', () => {
    // Act
    const bytes = exportPipelineToOnnx(
      pipeline,
      regressor({ outputs: 2, baseScores: Float64Array.of(1, 2) }),
    );
    const graph = decode(bytes);

    // Assess
    expect(operators(bytes).slice(9)).toEqual([':Cast', ':Cast', 'ai.onnx.ml:TreeEnsembleRegressor']);
    expect(graph.node.at(-1)?.output).toEqual(['variable']);
    expect(Number(ensembleAttributes(bytes).get('n_targets')?.i)).toBe(2);
    expect(inspectOnnxModel(bytes).signature.outputs).toEqual([
      { name: 'variable', isTensor: true, type: 'float32', shape: ['N', 2] },
    ]);
    expect(prepareForServing(bytes).serving).toMatchObject({ kind: 'regressor', valueOutput: 'variable' });
  });

  it('ends a multiclass classifier with Softmax and ArgMax over the widened raw scores', () => {
    // Prepare
    const multiclass = model({
      trees: [tree(), tree(), tree()],
      outputs: 3,
      baseScores: Float64Array.of(0, 0.5, -0.5),
      classes: ['a', 'b', 'c'],
    });

    // Act
    const bytes = exportPipelineToOnnx(pipeline, multiclass);

    // Assess
    expect(operators(bytes).slice(11)).toEqual([
      'ai.onnx.ml:TreeEnsembleRegressor',
      ':Cast',
      ':Softmax',
      ':ArgMax',
      ':Gather',
      ':Cast',
    ]);
    expect(ensembleAttributes(bytes).get('target_ids')?.ints?.map(Number)).toEqual([
      0, 0, 0, 1, 1, 1, 2, 2, 2,
    ]);
  });

  it('describes the model like the linear exports: producer, opsets, inputs, outputs, metadata', () => {
    // Act
    const bytes = exportPipelineToOnnx(pipeline, model({ classes: ['stayed', 'churned'] }), {
      modelName: 'churn',
      producerVersion: '0.1.0',
      targetName: 'churned',
    });
    const info = inspectOnnxModel(bytes);

    // Assess
    expect(info).toMatchObject({
      producerName: 'ml-platform',
      framework: 'ml-platform',
      producerVersion: '0.1.0',
      graphName: 'churn',
      opsets: [
        { domain: '', version: 17 },
        { domain: 'ai.onnx.ml', version: 3 },
      ],
    });
    expect(info.docString).toContain('gradient-boosting (classification), 2 trees (x <= t in float32)');
    expect(info.signature.inputs).toEqual([
      { name: 'tenure months', isTensor: true, type: 'float64', shape: ['N', 1] },
      { name: 'contract', isTensor: true, type: 'string', shape: ['N', 1] },
    ]);
    expect(info.signature.outputs).toEqual([
      { name: 'label', isTensor: true, type: 'string', shape: ['N'] },
      { name: 'probabilities', isTensor: true, type: 'float32', shape: ['N', 2] },
    ]);
    expect(info.metadata).toEqual({
      features: JSON.stringify([
        { name: 'tenure months', kind: 'numeric' },
        { name: 'contract', kind: 'categorical' },
      ]),
      target: 'churned',
      task: 'classification',
      algorithm: 'gradient-boosting',
      class_labels: '["stayed","churned"]',
    });
    expect(prepareForServing(bytes).serving).toMatchObject({
      kind: 'classifier',
      labelOutput: 'label',
      probabilityOutput: 'probabilities',
      classLabels: ['stayed', 'churned'],
    });
  });

  it('imputes nothing when every numeric fill is NaN (trees only): missing values reach the trees', () => {
    // Prepare
    const unimputed: FeaturePipeline = {
      ...pipeline,
      features: [
        { kind: 'numeric', column: 'tenure months', fill: Number.NaN, mean: 20, scale: 8 },
        pipeline.features[1],
      ],
    } as FeaturePipeline;
    const linear: LinearModel = {
      kind: 'linear',
      algorithm: 'ridge',
      task: 'regression',
      weights: new Float64Array(4),
      intercepts: new Float64Array(1),
      outputs: 1,
      width: 4,
      hyperParameters: {},
    };

    // Act
    const ops = operators(exportPipelineToOnnx(unimputed, regressor()));
    const act = () => exportPipelineToOnnx(unimputed, linear);

    // Assess
    expect(ops.slice(4, 8)).toEqual([':Concat', ':Sub', ':Div', ':Cast']);
    expect(act).toThrow(OnnxExportError);
    expect(act).toThrow('fill is not finite');
  });

  it.each([
    ['a comparison that is neither', { comparison: 'gt' as 'lt' }, 'neither leq nor lt'],
    ['too few base scores', { baseScores: new Float64Array(0) }, '0 base scores for 1 outputs'],
    ['a NaN base score', { baseScores: Float64Array.of(Number.NaN) }, 'base score that is not finite'],
    [
      'trees that are not whole rounds',
      { outputs: 3, baseScores: new Float64Array(3), classes: ['a', 'b', 'c'] },
      'not a whole number of rounds',
    ],
    ['a tree without nodes', { trees: [tree({ feature: new Int32Array(0) })] }, 'Tree 0: it has no nodes'],
    [
      'node arrays of different lengths',
      { trees: [tree(), tree({ value: new Float64Array(2) })] },
      'Tree 1: value has 2 entries',
    ],
    ['a cycle', { trees: [tree({ right: Int32Array.of(4, -1, -1, -1, 0, 5) })] }, 'node 0 is reached twice'],
    [
      'a node with two parents',
      { trees: [tree({ right: Int32Array.of(2, -1, -1, -1, 3, 5) })] },
      'node 2 is reached twice',
    ],
    [
      'a child outside the tree',
      { trees: [tree({ left: Int32Array.of(9, -1, -1, -1, 1, 5) })] },
      'child 9 outside [0, 6)',
    ],
    [
      'a split on a column the pipeline does not make',
      { trees: [tree({ feature: Int32Array.of(4, -1, -1, -1, 0, 7) })] },
      'column 4, outside [0, 4)',
    ],
    [
      'a NaN threshold',
      { trees: [tree({ threshold: Float32Array.of(Number.NaN, 0, 0, 0, 0, 0) })] },
      'node 0 has a NaN threshold',
    ],
    [
      'a leaf value that is not finite',
      { trees: [tree({ value: Float64Array.of(0, Number.POSITIVE_INFINITY, 0, 0, 0, 0) })] },
      'leaf 1 has a value',
    ],
    ['a binary classifier with 3 classes', { classes: [0, 1, 2] }, 'needs 2 classes'],
    ['no outputs', { outputs: 0 }, 'has 0 outputs'],
    ['another width than the pipeline', { width: 5 }, 'takes 5 columns'],
  ] as [string, Partial<TreeEnsembleModel>, string][])('refuses %s', (_, overrides, message) => {
    // Act
    const act = () => exportPipelineToOnnx(pipeline, model(overrides));

    // Assess
    expect(act).toThrow(OnnxExportError);
    expect(act).toThrow(message);
  });

  it('finds no problem in a valid ensemble (unreachable garbage ignored)', () => {
    // Act / Assess
    expect(treeEnsembleProblem(model())).toBeNull();
  });
});

describe('exportMatrixModelToOnnx', () => {
  it('takes the feature matrix as one float64 [N, width] input, outputs and metadata as the pipeline export', () => {
    // Act
    const bytes = exportMatrixModelToOnnx(model(), { targetName: 'churned' });
    const info = inspectOnnxModel(bytes);

    // Assess
    expect(operators(bytes).slice(0, 3)).toEqual([':Cast', ':Cast', 'ai.onnx.ml:TreeEnsembleRegressor']);
    expect(decode(bytes).node[0]?.input).toEqual(['features']);
    expect(info.signature.inputs).toEqual([
      { name: 'features', isTensor: true, type: 'float64', shape: ['N', 4] },
    ]);
    expect(info.signature.outputs.map((output) => output.name)).toEqual(['label', 'probabilities']);
    expect(info.metadata).toEqual({
      target: 'churned',
      task: 'classification',
      algorithm: 'gradient-boosting',
      class_labels: '[0,1]',
    });
  });

  it('refuses a model of no columns', () => {
    // Act
    const act = () => exportMatrixModelToOnnx(regressor({ width: 0 }));

    // Assess
    expect(act).toThrow('takes 0 columns');
  });
});
