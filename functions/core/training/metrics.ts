/**
 * Model evaluation metrics, computed as scikit-learn computes them (its conventions noted per
 * function), and the rules that pick the best candidate by one of them. Class labels are class
 * indices (0 … classes − 1), as in `TrainingMatrix.y` and `ClassificationPrediction.labels`.
 * A metric that is undefined for the data (no rows; ROC AUC with one class present) is NaN.
 */
import type { RawPrediction, Task } from './trainers/trainer.ts';

export const CLASSIFICATION_METRICS = [
  'accuracy',
  'balanced_accuracy',
  'precision_macro',
  'recall_macro',
  'f1_macro',
  'roc_auc',
  'log_loss',
] as const;
export const REGRESSION_METRICS = ['rmse', 'mae', 'r2'] as const;

export type ClassificationMetric = (typeof CLASSIFICATION_METRICS)[number];
export type RegressionMetric = (typeof REGRESSION_METRICS)[number];
export type Metric = ClassificationMetric | RegressionMetric;

/** scikit-learn's `log_loss` clipping of probabilities (its default before 1.3). */
export const LOG_LOSS_EPSILON = 1e-15;

type Labels = ArrayLike<number>;

function checkSameLength(a: ArrayLike<unknown>, b: ArrayLike<unknown>): void {
  if (a.length !== b.length)
    throw new RangeError(`Length mismatch: ${a.length} true values, ${b.length} predicted.`);
}

function classCountOf(...labelSets: Labels[]): number {
  let max = -1;
  for (const labels of labelSets) {
    for (let i = 0; i < labels.length; i += 1) {
      const label = labels[i] as number;
      if (!Number.isInteger(label) || label < 0) throw new RangeError(`Invalid class index ${label}.`);
      if (label > max) max = label;
    }
  }
  return max + 1;
}

/**
 * Counts, rows = true class, columns = predicted class, `classes × classes` (by default, enough for
 * every label seen).
 *
 * @example
 * confusionMatrix([0, 1, 1], [0, 0, 1]); // [[1, 0], [1, 1]]
 */
export function confusionMatrix(yTrue: Labels, yPred: Labels, classes?: number): number[][] {
  checkSameLength(yTrue, yPred);
  const size = Math.max(classes ?? 0, classCountOf(yTrue, yPred));
  const matrix = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (let i = 0; i < yTrue.length; i += 1) {
    const row = matrix[yTrue[i] as number] as number[];
    const col = yPred[i] as number;
    row[col] = (row[col] as number) + 1;
  }
  return matrix;
}

/** Share of rows predicted right. */
export function accuracy(yTrue: Labels, yPred: Labels): number {
  checkSameLength(yTrue, yPred);
  if (yTrue.length === 0) return Number.NaN;
  let right = 0;
  for (let i = 0; i < yTrue.length; i += 1) if (yTrue[i] === yPred[i]) right += 1;
  return right / yTrue.length;
}

/** Per-class true positives, predicted counts and true counts. */
function perClassCounts(yTrue: Labels, yPred: Labels) {
  checkSameLength(yTrue, yPred);
  const classes = classCountOf(yTrue, yPred);
  const truePositives = new Float64Array(classes);
  const predicted = new Float64Array(classes);
  const actual = new Float64Array(classes);
  for (let i = 0; i < yTrue.length; i += 1) {
    const t = yTrue[i] as number;
    const p = yPred[i] as number;
    actual[t] = (actual[t] as number) + 1;
    predicted[p] = (predicted[p] as number) + 1;
    if (t === p) truePositives[t] = (truePositives[t] as number) + 1;
  }
  return { classes, truePositives, predicted, actual };
}

/**
 * Mean recall over the classes present in `yTrue` (scikit-learn's `balanced_accuracy_score`).
 *
 * @example
 * balancedAccuracy([0, 0, 0, 1], [0, 0, 0, 0]); // 0.5
 */
export function balancedAccuracy(yTrue: Labels, yPred: Labels): number {
  const { classes, truePositives, actual } = perClassCounts(yTrue, yPred);
  let sum = 0;
  let present = 0;
  for (let k = 0; k < classes; k += 1) {
    if ((actual[k] as number) === 0) continue;
    sum += (truePositives[k] as number) / (actual[k] as number);
    present += 1;
  }
  return present === 0 ? Number.NaN : sum / present;
}

export interface MacroScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/**
 * Macro-averaged precision, recall and F1 over the classes present in `yTrue` or `yPred` (as
 * scikit-learn's `average='macro'` with no `labels`), with `zero_division=0`: a class never
 * predicted has precision 0, a class never true has recall 0. F1 per class is 2·TP / (2·TP + FP + FN).
 *
 * @example
 * macroScores([0, 1, 2, 2], [0, 2, 2, 2]); // precision (1 + 0 + 2/3) / 3, recall (1 + 0 + 1) / 3
 */
export function macroScores(yTrue: Labels, yPred: Labels): MacroScores {
  const { classes, truePositives, predicted, actual } = perClassCounts(yTrue, yPred);
  let precision = 0;
  let recall = 0;
  let f1 = 0;
  let labels = 0;
  for (let k = 0; k < classes; k += 1) {
    const tp = truePositives[k] as number;
    const p = predicted[k] as number;
    const a = actual[k] as number;
    if (p === 0 && a === 0) continue;
    labels += 1;
    precision += p === 0 ? 0 : tp / p;
    recall += a === 0 ? 0 : tp / a;
    f1 += (2 * tp) / (p + a);
  }
  if (labels === 0) return { precision: Number.NaN, recall: Number.NaN, f1: Number.NaN };
  return { precision: precision / labels, recall: recall / labels, f1: f1 / labels };
}

/**
 * Area under the ROC curve for one positive class, by the Mann–Whitney statistic with tied scores
 * given their average rank (so a tie between a positive and a negative counts one half). NaN when
 * the rows are all positive or all negative.
 *
 * @example
 * binaryRocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 */
export function binaryRocAuc(isPositive: ArrayLike<number | boolean>, scores: ArrayLike<number>): number {
  checkSameLength(isPositive, scores);
  const n = scores.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i += 1) order[i] = i;
  order.sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let positives = 0;
  let positiveRankSum = 0;
  let start = 0;
  while (start < n) {
    let end = start + 1;
    const score = scores[order[start] as number] as number;
    while (end < n && scores[order[end] as number] === score) end += 1;
    // Ranks start..end−1 (0-based) share the average rank (1-based) (start + 1 + end) / 2.
    const averageRank = (start + 1 + end) / 2;
    for (let i = start; i < end; i += 1) {
      if (isPositive[order[i] as number]) {
        positives += 1;
        positiveRankSum += averageRank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

function checkProbabilities(yTrue: Labels, probabilities: Float64Array): number {
  const rows = yTrue.length;
  if (rows === 0) return 0;
  const classes = probabilities.length / rows;
  if (!Number.isInteger(classes) || classes < 2) {
    throw new RangeError(
      `Expected ${rows} rows of at least 2 class probabilities, got ${probabilities.length} values.`,
    );
  }
  const seen = classCountOf(yTrue);
  if (seen > classes) throw new RangeError(`Class index ${seen - 1} has no probability column.`);
  return classes;
}

/**
 * ROC AUC from class probabilities (row-major [rows × classes]). Two classes: the binary AUC of
 * column 1. More: the macro average of one-vs-rest AUCs (scikit-learn's `multi_class='ovr'`,
 * `average='macro'`), over the classes with both positive and negative rows.
 *
 * @example
 * rocAuc([0, 1, 1, 0], Float64Array.of(0.9, 0.1, 0.2, 0.8, 0.65, 0.35, 0.6, 0.4)); // 0.75
 */
export function rocAuc(yTrue: Labels, probabilities: Float64Array): number {
  const classes = checkProbabilities(yTrue, probabilities);
  const rows = yTrue.length;
  if (rows === 0) return Number.NaN;
  const column = (k: number) => {
    const values = new Float64Array(rows);
    for (let r = 0; r < rows; r += 1) values[r] = probabilities[r * classes + k] as number;
    return values;
  };
  const isClass = (k: number) => Uint8Array.from({ length: rows }, (_, r) => (yTrue[r] === k ? 1 : 0));
  if (classes === 2) return binaryRocAuc(isClass(1), column(1));
  let sum = 0;
  let defined = 0;
  for (let k = 0; k < classes; k += 1) {
    const auc = binaryRocAuc(isClass(k), column(k));
    if (Number.isNaN(auc)) continue;
    sum += auc;
    defined += 1;
  }
  return defined === 0 ? Number.NaN : sum / defined;
}

/**
 * Mean negative log-likelihood of the true classes. As scikit-learn (≤ 1.2 defaults): each
 * probability is clipped to [1e-15, 1 − 1e-15] and the row renormalised before the log.
 *
 * @example
 * logLoss([1, 0], Float64Array.of(0.2, 0.8, 0.6, 0.4)); // −(ln 0.8 + ln 0.6) / 2
 */
export function logLoss(yTrue: Labels, probabilities: Float64Array): number {
  const classes = checkProbabilities(yTrue, probabilities);
  const rows = yTrue.length;
  if (rows === 0) return Number.NaN;
  const clip = (p: number) => Math.min(Math.max(p, LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON);
  let total = 0;
  for (let r = 0; r < rows; r += 1) {
    const offset = r * classes;
    let rowSum = 0;
    for (let k = 0; k < classes; k += 1) rowSum += clip(probabilities[offset + k] as number);
    total -= Math.log(clip(probabilities[offset + (yTrue[r] as number)] as number) / rowSum);
  }
  return total / rows;
}

/** Root mean squared error. */
export function rmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkSameLength(yTrue, yPred);
  if (yTrue.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < yTrue.length; i += 1) sum += ((yTrue[i] as number) - (yPred[i] as number)) ** 2;
  return Math.sqrt(sum / yTrue.length);
}

/** Mean absolute error. */
export function mae(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkSameLength(yTrue, yPred);
  if (yTrue.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < yTrue.length; i += 1) sum += Math.abs((yTrue[i] as number) - (yPred[i] as number));
  return sum / yTrue.length;
}

/**
 * Coefficient of determination 1 − SS_res / SS_tot. A constant `yTrue` gives 1 for a perfect
 * prediction and 0 otherwise (scikit-learn's `force_finite=True`).
 *
 * @example
 * r2([1, 2, 3], [1, 2, 4]); // 0.5
 */
export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkSameLength(yTrue, yPred);
  const n = yTrue.length;
  if (n === 0) return Number.NaN;
  let mean = 0;
  for (let i = 0; i < n; i += 1) mean += yTrue[i] as number;
  mean /= n;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < n; i += 1) {
    const t = yTrue[i] as number;
    residual += (t - (yPred[i] as number)) ** 2;
    total += (t - mean) ** 2;
  }
  if (total === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / total;
}

/** Whether a larger value of the metric is a better model (false for losses and errors). */
export function higherIsBetter(metric: Metric): boolean {
  return metric !== 'log_loss' && metric !== 'rmse' && metric !== 'mae';
}

/** The metrics that apply to a task. */
export function metricsFor(task: Task): readonly Metric[] {
  return task === 'classification' ? CLASSIFICATION_METRICS : REGRESSION_METRICS;
}

/** The metric a model is selected by when the request names none: scikit-learn's `score` (accuracy, R²). */
export function defaultMetric(task: Task): Metric {
  return task === 'classification' ? 'accuracy' : 'r2';
}

/**
 * One metric of a prediction (from `predictRaw`) against the true targets (class indices or values).
 * Throws a `RangeError` when the metric does not apply to the prediction's task.
 *
 * @example
 * const score = scoreFor('f1_macro', validation.y, predictRaw(model, validation.x, validation.rows));
 */
export function scoreFor(metric: Metric, yTrue: ArrayLike<number>, prediction: RawPrediction): number {
  if (prediction.task === 'regression') {
    switch (metric) {
      case 'rmse':
        return rmse(yTrue, prediction.values);
      case 'mae':
        return mae(yTrue, prediction.values);
      case 'r2':
        return r2(yTrue, prediction.values);
      default:
        throw new RangeError(`The metric ${metric} does not apply to regression.`);
    }
  }
  const { labels, probabilities } = prediction;
  switch (metric) {
    case 'accuracy':
      return accuracy(yTrue, labels);
    case 'balanced_accuracy':
      return balancedAccuracy(yTrue, labels);
    case 'precision_macro':
      return macroScores(yTrue, labels).precision;
    case 'recall_macro':
      return macroScores(yTrue, labels).recall;
    case 'f1_macro':
      return macroScores(yTrue, labels).f1;
    case 'roc_auc':
      return rocAuc(yTrue, probabilities);
    case 'log_loss':
      return logLoss(yTrue, probabilities);
    default:
      throw new RangeError(`The metric ${metric} does not apply to classification.`);
  }
}

/**
 * Every metric of the prediction's task, by name (NaN where undefined).
 *
 * @example
 * evaluate(validation.y, prediction); // { accuracy: 0.93, balanced_accuracy: 0.91, …, log_loss: 0.21 }
 */
export function evaluate(
  yTrue: ArrayLike<number>,
  prediction: RawPrediction,
): Partial<Record<Metric, number>> {
  const scores: Partial<Record<Metric, number>> = {};
  for (const metric of metricsFor(prediction.task)) scores[metric] = scoreFor(metric, yTrue, prediction);
  return scores;
}

/**
 * Whether `candidate` beats `incumbent` by `metric` (strictly; NaN never beats, anything beats NaN).
 *
 * @example
 * isBetter('rmse', 1.2, 1.5); // true
 */
export function isBetter(metric: Metric, candidate: number, incumbent: number): boolean {
  if (Number.isNaN(candidate)) return false;
  if (Number.isNaN(incumbent)) return true;
  return higherIsBetter(metric) ? candidate > incumbent : candidate < incumbent;
}
