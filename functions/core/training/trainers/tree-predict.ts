/**
 * Prediction with a tree ensemble (`TreeEnsembleModel`), in float64 sums (float32 ones for a
 * converted XGBoost model, `sumPrecision`) over float32 comparisons: the reference the ONNX export
 * must match. Each branch compares `Math.fround(x)` with its float32
 * threshold (`leq`: ≤, `lt`: <) and sends a missing value (NaN) the learned way; the raw score of
 * output k is baseScores[k] plus the leaf values of trees k, K + k, 2K + k, … (K outputs), added in
 * tree order. Regression: the raw score; binary: P(class 1) = sigmoid(raw), columns [1 − p, p],
 * label 1 exactly when raw > 0 (p > 0.5), as the linear model's rule; multiclass: softmax, the first
 * most probable class.
 */
import type { RegressionTree, TreeEnsembleModel } from '../model-contracts.ts';
import { sigmoid, softmaxRows } from './linear-model.ts';
import type { RawPrediction } from './trainer.ts';

/**
 * The leaf of `tree` that row `offset` of `x` (its first value at `x[offset]`) reaches.
 *
 * @example
 * const leaf = leafOf(model.trees[0], model.comparison, x, r * model.width);
 */
export function leafOf(
  tree: RegressionTree,
  comparison: 'leq' | 'lt',
  x: Float64Array,
  offset: number,
): number {
  const { feature, threshold, missingGoesLeft, left, right } = tree;
  let node = 0;
  let f = feature[0] as number;
  if (comparison === 'leq') {
    while (f >= 0) {
      const v = x[offset + f] as number;
      const goLeft = Number.isNaN(v)
        ? missingGoesLeft[node] === 1
        : Math.fround(v) <= (threshold[node] as number);
      node = (goLeft ? left[node] : right[node]) as number;
      f = feature[node] as number;
    }
  } else {
    while (f >= 0) {
      const v = x[offset + f] as number;
      const goLeft = Number.isNaN(v)
        ? missingGoesLeft[node] === 1
        : Math.fround(v) < (threshold[node] as number);
      node = (goLeft ? left[node] : right[node]) as number;
      f = feature[node] as number;
    }
  }
  return node;
}

/**
 * Raw scores, row-major [rows × outputs], of `rows` rows of row-major `x` (`model.width` columns).
 *
 * @example
 * const raw = predictTrees(model, validation.x, validation.rows); // raw[r * model.outputs + k]
 */
export function predictTrees(model: TreeEnsembleModel, x: Float64Array, rows: number): Float64Array {
  const { outputs, width, trees, baseScores, comparison } = model;
  if (x.length !== rows * width) {
    throw new RangeError(`Expected ${rows} rows of ${width} values, got ${x.length} values.`);
  }
  if (trees.length % outputs !== 0) {
    throw new RangeError(`${trees.length} trees do not make whole rounds of ${outputs} outputs.`);
  }
  // A Float32Array rounds every partial sum to float32, as XGBoost's predictor does.
  const scores =
    model.sumPrecision === 'float32' ? new Float32Array(rows * outputs) : new Float64Array(rows * outputs);
  for (let r = 0; r < rows; r += 1) {
    for (let k = 0; k < outputs; k += 1) scores[r * outputs + k] = baseScores[k] as number;
  }
  for (let t = 0; t < trees.length; t += 1) {
    const tree = trees[t] as RegressionTree;
    const k = t % outputs;
    const { value } = tree;
    for (let r = 0; r < rows; r += 1) {
      const at = r * outputs + k;
      scores[at] = (scores[at] as number) + (value[leafOf(tree, comparison, x, r * width)] as number);
    }
  }
  return scores instanceof Float64Array ? scores : Float64Array.from(scores);
}

/** See `predictRaw`, which checks the input's size and dispatches here. */
export function predictTreeEnsemble(model: TreeEnsembleModel, x: Float64Array, rows: number): RawPrediction {
  const scores = predictTrees(model, x, rows);
  if (model.task === 'regression') return { task: 'regression', values: scores };
  if (model.outputs === 1) {
    const probabilities = new Float64Array(rows * 2);
    const labels = new Int32Array(rows);
    for (let r = 0; r < rows; r += 1) {
      const z = scores[r] as number;
      const p = sigmoid(z);
      probabilities[2 * r] = 1 - p;
      probabilities[2 * r + 1] = p;
      labels[r] = z > 0 ? 1 : 0;
    }
    return { task: 'classification', probabilities, labels };
  }
  const labels = softmaxRows(scores, rows, model.outputs);
  return { task: 'classification', probabilities: scores, labels };
}
