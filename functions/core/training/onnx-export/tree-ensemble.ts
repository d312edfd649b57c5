/**
 * A fitted tree ensemble → the nodes that turn the [N, width] float64 feature matrix into its raw
 * scores [N, outputs]: Cast to float32 and back (the comparisons' precision) → one `ai.onnx.ml`
 * TreeEnsembleRegressor (opset 3) with every tree, base scores and SUM. Flow: check each tree is a
 * tree → number its reachable nodes in preorder → the operator's parallel attribute lists.
 *
 * Precision, measured on onnxruntime 1.30: the regressor's kernel for float32 input keeps its
 * thresholds, leaf weights and sums in float32 (1,000 leaves of 0.1 drift by 1e-3), while its kernel
 * for float64 input works in float64 and, given the `*_as_tensor` float64 attributes, keeps the
 * leaf weights and base scores exactly. So the input is float64 holding float32 values
 * (Cast → float → double: the comparison `fround(x) <= threshold` of the TypeScript model, NaN
 * kept), thresholds are the float32 values widened exactly, and the raw score is the float64 sum,
 * rounded to float32 once, by the operator's float32 output.
 *
 * A model that sums in float32 (`sumPrecision`, a converted XGBoost model) needs XGBoost's order:
 * base score first, then each tree's leaf, rounding to float32 after every addition. Neither
 * kernel does that (the float32 one adds the base score last and splits large ensembles across
 * threads), so every tree gets its own target: the regressor's [N, trees] output holds each leaf
 * exactly, the first round's trees with the base score added (one addition of two float32 values
 * in float64, rounded once: the float32 sum bit for bit). CumSum over the rounds then adds them in
 * float32, in tree order, one at a time, and the last round's partial sums are the raw scores.
 */
import type { RegressionTree, TreeEnsembleModel } from '../model-contracts.ts';
import { attribute, DataType, type GraphBuilder } from './graph-builder.ts';

export const ML_DOMAIN = 'ai.onnx.ml';

/** The TreeEnsembleRegressor's node and target lists, index-aligned as the operator reads them. */
export interface TreeEnsembleLayout {
  readonly nodesTreeIds: number[];
  readonly nodesNodeIds: number[];
  readonly nodesFeatureIds: number[];
  readonly nodesModes: string[];
  /** Branch thresholds (float32 values); 0 on leaves. */
  readonly nodesValues: number[];
  /** The true branch is the left child (x ≤ t or x < t). */
  readonly nodesTrueNodeIds: number[];
  readonly nodesFalseNodeIds: number[];
  /** 1: a missing value takes the true (left) branch. */
  readonly nodesMissingValueTracksTrue: number[];
  readonly targetTreeIds: number[];
  readonly targetNodeIds: number[];
  readonly targetIds: number[];
  readonly targetWeights: number[];
}

/**
 * Checks a tree ensemble's own fields (not its classes); returns the first problem found, or null.
 * A tree must be a tree from node 0: every reachable node reached once, branches on a feature in
 * [0, width) with a threshold that is not NaN, leaves with a finite value. Unreachable nodes are
 * ignored (they are not exported).
 */
export function treeEnsembleProblem(model: TreeEnsembleModel): string | null {
  if (model.comparison !== 'leq' && model.comparison !== 'lt') {
    return `The comparison "${String(model.comparison)}" is neither leq nor lt.`;
  }
  if (model.baseScores.length !== model.outputs) {
    return `The model has ${model.baseScores.length} base scores for ${model.outputs} outputs.`;
  }
  if (!model.baseScores.every(Number.isFinite)) return 'The model has a base score that is not finite.';
  if (model.trees.length % model.outputs !== 0) {
    return `The model has ${model.trees.length} trees, not a whole number of rounds of ${model.outputs}.`;
  }
  for (const [index, tree] of model.trees.entries()) {
    const problem = treeProblem(tree, model.width);
    if (problem !== null) return `Tree ${index}: ${problem}`;
  }
  return null;
}

function treeProblem(tree: RegressionTree, width: number): string | null {
  const size = tree.feature.length;
  if (size === 0) return 'it has no nodes.';
  for (const name of ['threshold', 'missingGoesLeft', 'left', 'right', 'value'] as const) {
    if (tree[name].length !== size) return `${name} has ${tree[name].length} entries for ${size} nodes.`;
  }
  const seen = new Uint8Array(size);
  const stack = [0];
  while (stack.length > 0) {
    const node = stack.pop() as number;
    if (seen[node] === 1) return `node ${node} is reached twice.`;
    seen[node] = 1;
    const feature = tree.feature[node] as number;
    if (feature === -1) {
      if (!Number.isFinite(tree.value[node])) return `leaf ${node} has a value that is not finite.`;
      continue;
    }
    if (!Number.isInteger(feature) || feature < 0 || feature >= width) {
      return `node ${node} splits on column ${feature}, outside [0, ${width}).`;
    }
    if (Number.isNaN(tree.threshold[node])) return `node ${node} has a NaN threshold.`;
    for (const child of [tree.left[node] as number, tree.right[node] as number]) {
      if (!(child >= 0 && child < size)) return `node ${node} has a child ${child} outside [0, ${size}).`;
      stack.push(child);
    }
  }
  return null;
}

/**
 * The operator's attribute lists for a checked model: tree t is tree t of `model.trees`, its nodes
 * numbered in preorder (left first) from 0; tree t adds to output `t % outputs`. A model without
 * trees gets one leaf of weight 0 per output: onnxruntime needs a node, and leaves an output no
 * tree adds to at 0, its base score ignored.
 */
export function treeEnsembleLayout(
  model: TreeEnsembleModel,
  targetOf: (treeId: number) => number = (treeId) => treeId % model.outputs,
): TreeEnsembleLayout {
  const layout: TreeEnsembleLayout = {
    nodesTreeIds: [],
    nodesNodeIds: [],
    nodesFeatureIds: [],
    nodesModes: [],
    nodesValues: [],
    nodesTrueNodeIds: [],
    nodesFalseNodeIds: [],
    nodesMissingValueTracksTrue: [],
    targetTreeIds: [],
    targetNodeIds: [],
    targetIds: [],
    targetWeights: [],
  };
  const branch = model.comparison === 'leq' ? 'BRANCH_LEQ' : 'BRANCH_LT';
  const trees: readonly RegressionTree[] =
    model.trees.length > 0 ? model.trees : Array.from({ length: model.outputs }, () => EMPTY_TREE);
  trees.forEach((tree, treeId) => {
    const order = preorder(tree);
    const id = new Map(order.map((node, position) => [node, position]));
    order.forEach((node, nodeId) => {
      const feature = tree.feature[node] as number;
      const leaf = feature === -1;
      layout.nodesTreeIds.push(treeId);
      layout.nodesNodeIds.push(nodeId);
      layout.nodesFeatureIds.push(leaf ? 0 : feature);
      layout.nodesModes.push(leaf ? 'LEAF' : branch);
      layout.nodesValues.push(leaf ? 0 : (tree.threshold[node] as number));
      layout.nodesTrueNodeIds.push(leaf ? 0 : (id.get(tree.left[node] as number) as number));
      layout.nodesFalseNodeIds.push(leaf ? 0 : (id.get(tree.right[node] as number) as number));
      layout.nodesMissingValueTracksTrue.push(!leaf && tree.missingGoesLeft[node] === 1 ? 1 : 0);
      if (leaf) {
        layout.targetTreeIds.push(treeId);
        layout.targetNodeIds.push(nodeId);
        layout.targetIds.push(targetOf(treeId));
        layout.targetWeights.push(tree.value[node] as number);
      }
    });
  });
  return layout;
}

const EMPTY_TREE: RegressionTree = {
  feature: Int32Array.of(-1),
  threshold: Float32Array.of(0),
  missingGoesLeft: Uint8Array.of(0),
  left: Int32Array.of(-1),
  right: Int32Array.of(-1),
  value: Float64Array.of(0),
};

/** Reachable nodes from the root, each before its children, the left subtree first. */
function preorder(tree: RegressionTree): number[] {
  const order: number[] = [];
  const stack = [0];
  while (stack.length > 0) {
    const node = stack.pop() as number;
    order.push(node);
    if ((tree.feature[node] as number) !== -1)
      stack.push(tree.right[node] as number, tree.left[node] as number);
  }
  return order;
}

/**
 * Adds the ensemble over `features` (float64 [N, width]); returns `output`'s unique name: the raw
 * scores, float32 [N, outputs].
 */
export function treeEnsembleNodes(
  graph: GraphBuilder,
  features: string,
  model: TreeEnsembleModel,
  output: string,
): string {
  const single = graph.node1({
    op: 'Cast',
    inputs: [features],
    outputs: ['features_float32'],
    attributes: [attribute.int('to', DataType.FLOAT)],
  });
  const rounded = graph.node1({
    op: 'Cast',
    inputs: [single],
    outputs: ['features_rounded'],
    attributes: [attribute.int('to', DataType.DOUBLE)],
  });
  if (model.sumPrecision === 'float32') return float32SumNodes(graph, rounded, model, output);
  return graph.node1(regressorNode(rounded, output, treeEnsembleLayout(model), [...model.baseScores]));
}

/** XGBoost's sum (see the module comment): [N, trees] leaves → CumSum over rounds → the last round. */
function float32SumNodes(graph: GraphBuilder, features: string, model: TreeEnsembleModel, output: string) {
  const { outputs } = model;
  const treeCount = model.trees.length > 0 ? model.trees.length : outputs;
  const rounds = treeCount / outputs;
  const firstRound = Array.from({ length: treeCount }, (_, t) =>
    t < outputs ? Math.fround(model.baseScores[t] as number) : 0,
  );
  const leaves = graph.node1(
    regressorNode(
      features,
      'tree_leaves',
      treeEnsembleLayout(model, (treeId) => treeId),
      firstRound,
    ),
  );
  const byRound = graph.node1({
    op: 'Reshape',
    inputs: [leaves, graph.int64('leaves_by_round_shape', [-1, rounds, outputs])],
    outputs: ['leaves_by_round'],
  });
  const running = graph.node1({
    op: 'CumSum',
    inputs: [byRound, graph.int64('round_axis', [1], [])],
    outputs: ['running_scores'],
  });
  return graph.node1({
    op: 'Gather',
    inputs: [running, graph.int64('last_round', [rounds - 1], [])],
    outputs: [output],
    attributes: [attribute.int('axis', 1)],
  });
}

function regressorNode(
  features: string,
  output: string,
  layout: TreeEnsembleLayout,
  baseValues: readonly number[],
) {
  return {
    op: 'TreeEnsembleRegressor',
    domain: ML_DOMAIN,
    inputs: [features],
    outputs: [output],
    attributes: [
      attribute.int('n_targets', baseValues.length),
      attribute.string('aggregate_function', 'SUM'),
      attribute.string('post_transform', 'NONE'),
      attribute.doubles('base_values_as_tensor', [...baseValues]),
      attribute.ints('nodes_treeids', layout.nodesTreeIds),
      attribute.ints('nodes_nodeids', layout.nodesNodeIds),
      attribute.ints('nodes_featureids', layout.nodesFeatureIds),
      attribute.strings('nodes_modes', layout.nodesModes),
      attribute.doubles('nodes_values_as_tensor', layout.nodesValues),
      attribute.ints('nodes_truenodeids', layout.nodesTrueNodeIds),
      attribute.ints('nodes_falsenodeids', layout.nodesFalseNodeIds),
      attribute.ints('nodes_missing_value_tracks_true', layout.nodesMissingValueTracksTrue),
      attribute.ints('target_treeids', layout.targetTreeIds),
      attribute.ints('target_nodeids', layout.targetNodeIds),
      attribute.ints('target_ids', layout.targetIds),
      attribute.doubles('target_weights_as_tensor', layout.targetWeights),
    ],
  };
}
