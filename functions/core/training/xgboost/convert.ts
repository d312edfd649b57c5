/**
 * An XGBoost gradient-boosted tree model (as `readXgboostModel` reads it) becomes this platform's
 * `TreeEnsembleModel`, which the ONNX export and the reference prediction share:
 * - comparison `lt`: XGBoost sends a row left when `x < split_condition`, comparing float32 values
 *   (its DMatrix holds float32), so thresholds stay the float32 values XGBoost stored;
 * - a missing value (NaN) follows `default_left`;
 * - leaf values are the float32 `split_conditions` of leaves (XGBoost keeps a leaf's value there, with
 *   the learning rate applied; `base_weights` holds the same number as a training statistic);
 * - the raw score is summed as XGBoost's predictor sums it: from the float32 base margin, adding one
 *   tree's leaf at a time in float32 (`sumPrecision: 'float32'`);
 * - the base score becomes a margin the way XGBoost's objective does it when it loads a model:
 *   `logit(base_score)` (in float32) for `binary:logistic`, `base_score` as it is for regression and for each class
 *   of `multi:softprob` / `multi:softmax` (models written by XGBoost < 1.0 stored binary base scores
 *   as margins already);
 * - trees are reordered round-major (tree r·K + k adds to output k) from XGBoost's `tree_info`, which
 *   also covers `num_parallel_tree` > 1 (several trees per class and round);
 * - by default only the rounds up to the `best_iteration` attribute that early stopping saved are
 *   kept, as XGBoost's scikit-learn wrapper and SageMaker's endpoint predict (`iterations: 'all'`
 *   keeps every tree, as `Booster.predict` does).
 * Other boosters (gblinear, dart), objectives, categorical splits and multi-target trees are refused
 * with an `UnprocessableError` saying which.
 */
import { UnprocessableError } from '../../errors.ts';
import type { RegressionTree, TreeEnsembleModel } from '../model-contracts.ts';
import { readXgboostModel, type XgboostModel, type XgboostTree } from './model-file.ts';

/** The objectives the converter understands, by the task they train for. */
export const SUPPORTED_OBJECTIVES = {
  'reg:squarederror': 'regression',
  /** The name of reg:squarederror before XGBoost 1.0. */
  'reg:linear': 'regression',
  'binary:logistic': 'binary',
  'multi:softprob': 'multiclass',
  'multi:softmax': 'multiclass',
} as const satisfies Record<string, 'regression' | 'binary' | 'multiclass'>;

type Objective = keyof typeof SUPPORTED_OBJECTIVES;

export interface XgboostConversionOptions {
  /**
   * Input columns the ensemble reads (the feature pipeline's width). Default: the model's
   * `num_feature`. A model trained on more columns than this is refused.
   */
  readonly width?: number;
  /** Classifiers' labels, index i ↔ class i. Default: 0 … K − 1 (0, 1 for binary models). */
  readonly classes?: readonly (string | number)[];
  /** `best` (default): rounds up to the saved `best_iteration`; `all`: every tree. */
  readonly iterations?: 'best' | 'all';
}

function refuse(message: string): never {
  throw new UnprocessableError(message);
}

function isObjective(name: string): name is Objective {
  return Object.hasOwn(SUPPORTED_OBJECTIVES, name);
}

/** The margin XGBoost starts every row's score from, per output. */
function baseMargins(model: XgboostModel, kind: 'regression' | 'binary' | 'multiclass', outputs: number) {
  const stored = model.baseScore;
  if (stored.length !== 1 && stored.length !== outputs) {
    refuse(`The model has ${stored.length} base scores for ${outputs} outputs.`);
  }
  return Float64Array.from({ length: outputs }, (_, k) => {
    const score = Math.fround((stored.length === 1 ? stored[0] : stored[k]) as number);
    if (kind !== 'binary' || model.baseScoreIsMargin) return score;
    if (!(score > 0 && score < 1)) refuse(`base_score ${score} of a binary:logistic model is not in (0, 1).`);
    // XGBoost's ProbToMargin, in float32 as XGBoost computes it: -logf(1.0f / p - 1.0f).
    return Math.fround(-Math.log(Math.fround(Math.fround(1 / score) - 1)));
  });
}

/**
 * One XGBoost tree in the contract's arrays, walked from the root so that every reachable node is
 * checked once (children in range, no node reached twice). Nodes XGBoost's pruner deleted stay in its
 * arrays but are unreachable: they become leaves worth 0 here.
 */
function convertTree(
  source: XgboostTree,
  index: number,
  width: number,
): { tree: RegressionTree; depth: number } {
  const nodes = source.leftChildren.length;
  const where = `Tree ${index} of the XGBoost model`;
  if (nodes === 0) refuse(`${where} has no nodes.`);
  if (source.sizeLeafVector > 0) {
    refuse(`${where} has vector leaves (a multi-target model); only one output per tree converts.`);
  }
  const feature = new Int32Array(nodes).fill(-1);
  const threshold = new Float32Array(nodes);
  const missingGoesLeft = new Uint8Array(nodes);
  const left = new Int32Array(nodes).fill(-1);
  const right = new Int32Array(nodes).fill(-1);
  const value = new Float64Array(nodes);
  const seen = new Uint8Array(nodes);
  const stack: [number, number][] = [[0, 0]];
  let depth = 0;
  while (stack.length > 0) {
    const [n, d] = stack.pop() as [number, number];
    if (seen[n] === 1) refuse(`${where} is not a tree (node ${n} is reached twice).`);
    seen[n] = 1;
    depth = Math.max(depth, d);
    const l = source.leftChildren[n] as number;
    const r = source.rightChildren[n] as number;
    const condition = source.splitConditions[n] as number;
    if (l === -1) {
      if (!Number.isFinite(condition)) refuse(`${where}: leaf ${n} has no finite value.`);
      value[n] = Math.fround(condition);
      continue;
    }
    if ((source.splitTypes[n] ?? 0) !== 0) {
      refuse(`${where} has a categorical split (node ${n}); only numerical splits convert.`);
    }
    const f = source.splitIndices[n] as number;
    if (!Number.isInteger(f) || f < 0 || f >= width) {
      refuse(`${where} splits on feature ${f}; the feature set has ${width} columns.`);
    }
    if (!(l > 0 && l < nodes && r > 0 && r < nodes)) refuse(`${where}: node ${n} has children out of range.`);
    if (Number.isNaN(condition)) refuse(`${where}: node ${n} has no threshold.`);
    feature[n] = f;
    threshold[n] = condition;
    missingGoesLeft[n] = (source.defaultLeft[n] as number) ? 1 : 0;
    left[n] = l;
    right[n] = r;
    stack.push([l, d + 1], [r, d + 1]);
  }
  return { tree: { feature, threshold, missingGoesLeft, left, right, value }, depth };
}

/**
 * Converts a model read by `readXgboostModel`.
 *
 * @example
 * const ensemble = xgboostToTreeEnsemble(readXgboostModel(bytes), { width: pipeline.width, classes });
 */
export function xgboostToTreeEnsemble(
  model: XgboostModel,
  options: XgboostConversionOptions = {},
): TreeEnsembleModel {
  if (model.booster !== 'gbtree') {
    refuse(
      `The XGBoost model uses the ${model.booster} booster; only gbtree (gradient-boosted trees) converts` +
        (model.booster === 'dart' ? ' (dart scales its trees by dropout weights).' : '.'),
    );
  }
  if (!isObjective(model.objective)) {
    refuse(
      `The XGBoost objective ${model.objective} is not supported; supported: ` +
        `${Object.keys(SUPPORTED_OBJECTIVES).join(', ')}.`,
    );
  }
  const kind = SUPPORTED_OBJECTIVES[model.objective];
  if (model.numTarget > 1)
    refuse(`The model has ${model.numTarget} targets; only single-target models convert.`);
  const outputs = kind === 'multiclass' ? model.numClass : 1;
  if (kind === 'multiclass' && outputs < 2) refuse(`A ${model.objective} model with ${outputs} classes.`);

  const width = options.width ?? model.numFeature;
  if (!Number.isInteger(width) || width < 1) refuse(`The model has ${width} input columns.`);
  if (model.numFeature > width) {
    refuse(`The model was trained on ${model.numFeature} columns; the feature set has ${width}.`);
  }
  const classCount = kind === 'binary' ? 2 : outputs;
  const classes = options.classes ?? Array.from({ length: classCount }, (_, k) => k);
  if (kind !== 'regression' && classes.length !== classCount) {
    refuse(`The model predicts ${classCount} classes; the feature set has ${classes.length}.`);
  }

  // Layers: XGBoost's unit of iteration, K outputs × num_parallel_tree trees, in storage order.
  const perLayer = outputs * model.numParallelTree;
  const total = model.trees.length;
  if (total === 0 || total % perLayer !== 0) {
    refuse(`${total} trees do not make whole rounds of ${outputs} outputs × ${model.numParallelTree} trees.`);
  }
  const rounds = total / perLayer;
  const best = Number(model.attributes.best_iteration);
  const useBest = options.iterations !== 'all' && Number.isInteger(best) && best >= 0 && best < rounds;
  const keptRounds = useBest ? best + 1 : rounds;

  const byOutput: RegressionTree[][] = Array.from({ length: outputs }, () => []);
  let maxDepth = 0;
  for (let t = 0; t < keptRounds * perLayer; t += 1) {
    const output = model.treeInfo[t] as number;
    if (!Number.isInteger(output) || output < 0 || output >= outputs) {
      refuse(`Tree ${t} of the XGBoost model adds to output ${output}; the model has ${outputs}.`);
    }
    const { tree, depth } = convertTree(model.trees[t] as XgboostTree, t, width);
    maxDepth = Math.max(maxDepth, depth);
    byOutput[output]?.push(tree);
  }
  const perOutput = keptRounds * model.numParallelTree;
  if (byOutput.some((trees) => trees.length !== perOutput)) {
    refuse('The XGBoost model does not have the same number of trees for every output.');
  }
  const trees: RegressionTree[] = [];
  for (let j = 0; j < perOutput; j += 1) for (const list of byOutput) trees.push(list[j] as RegressionTree);

  return {
    kind: 'trees',
    algorithm: 'xgboost',
    task: kind === 'regression' ? 'regression' : 'classification',
    comparison: 'lt',
    trees,
    outputs,
    baseScores: baseMargins(model, kind, outputs),
    width,
    ...(kind === 'regression' ? {} : { classes: [...classes] }),
    sumPrecision: 'float32',
    hyperParameters: {
      rounds: keptRounds,
      trainedRounds: rounds,
      numParallelTree: model.numParallelTree,
      maxDepth,
      baseScore: Math.fround(model.baseScore[0] as number),
      ...(Number.isInteger(best) && best >= 0 ? { bestIteration: best } : {}),
    },
  };
}

/**
 * Reads and converts an XGBoost model file (JSON, UBJSON or the deprecated binary format).
 *
 * @example
 * const ensemble = convertXgboostModel(await readFile('model.ubj'), { width: 12, classes: ['no', 'yes'] });
 */
export function convertXgboostModel(
  bytes: Uint8Array,
  options: XgboostConversionOptions = {},
): TreeEnsembleModel {
  return xgboostToTreeEnsemble(readXgboostModel(bytes), options);
}
