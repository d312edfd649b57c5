/**
 * How candidates are compared: stratified k-fold cross-validation for small data, a hold-out split
 * for large data. `validationPlanFor` picks one from the row count; `repeatedKFold` makes the folds
 * (every row validated exactly once per repeat); `crossValidate` fits one candidate on each fold's
 * training rows and scores it on the fold's validation rows.
 *
 * Why these numbers: below 20,000 rows a 20 % hold-out has under 4,000 rows, and on the public
 * datasets (a few hundred rows) it has 22–90, where one row is 1–4 points of accuracy: selection on
 * it picks noise. 5 folds validate on every row; below 1,000 rows the 5 folds are repeated 3 times
 * with different shuffles, which averages out the luck of one partition at a cost that stays small
 * (15 fits of a model on under 800 rows). From 20,000 rows on, one hold-out already has ≥ 4,000
 * rows and 5 fits per candidate would cost minutes of the train step's 15-minute Lambda budget.
 * Multiclass boosting grows one tree per class per round, so the bound is also on rows × outputs
 * (40,000: 20,000 rows of a binary or regression task, 4,000 rows of 10 classes).
 */
import { confusionMatrix, evaluate, type Metric, scoreFor } from './metrics.ts';
import type { FittedModel, TrainingMatrix } from './model-contracts.ts';
import { Random } from './random.ts';
import { kFoldSplit, type Split, type SplitSource, takeRows } from './split.ts';
import type { HyperParameters, RawPrediction, Trainer, TrainOptions } from './trainers/trainer.ts';
import { predictRaw } from './trainers/trainer.ts';

/** Data with fewer rows than this is cross-validated; larger data keeps the hold-out split. */
export const CROSS_VALIDATION_MAX_ROWS = 20_000;
/** …and fewer rows × outputs (classes, for more than 2) than this. */
export const CROSS_VALIDATION_MAX_ROW_OUTPUTS = 40_000;
/** Data with fewer rows than this repeats the k folds {@link SMALL_DATA_REPEATS} times. */
export const REPEAT_BELOW_ROWS = 1_000;
export const FOLDS = 5;
export const SMALL_DATA_REPEATS = 3;

export type ValidationPlan =
  | { readonly kind: 'cross-validation'; readonly folds: number; readonly repeats: number }
  | { readonly kind: 'hold-out' };

/**
 * The way a job with `rows` training rows compares its candidates; `classes` for classification.
 *
 * @example
 * validationPlanFor(150); // { kind: 'cross-validation', folds: 5, repeats: 3 }
 * validationPlanFor(50_000); // { kind: 'hold-out' }
 * validationPlanFor(5_000, 10); // { kind: 'hold-out' }: 50,000 rows × outputs
 */
export function validationPlanFor(rows: number, classes = 0): ValidationPlan {
  const outputs = classes > 2 ? classes : 1;
  if (rows >= CROSS_VALIDATION_MAX_ROWS || rows * outputs >= CROSS_VALIDATION_MAX_ROW_OUTPUTS) {
    return { kind: 'hold-out' };
  }
  return {
    kind: 'cross-validation',
    folds: FOLDS,
    repeats: rows < REPEAT_BELOW_ROWS ? SMALL_DATA_REPEATS : 1,
  };
}

/**
 * `repeats` × `folds` splits: each repeat is a full k-fold partition (stratified by class when the
 * data has classes) shuffled with its own seed drawn from `seed`, so the same seed gives the same
 * folds and each repeat validates every row exactly once. Fewer rows of a class than folds is fine:
 * those rows land in some folds and not others (as scikit-learn's StratifiedKFold, which warns).
 *
 * @example
 * const splits = repeatedKFold(matrix, 5, 3, { seed: 42 }); // 15 splits, in repeat order
 */
export function repeatedKFold(
  data: SplitSource,
  folds: number,
  repeats: number,
  options: { readonly seed: number },
): Split[] {
  if (!Number.isInteger(repeats) || repeats < 1) {
    throw new RangeError(`The number of repeats must be a positive integer, got ${repeats}.`);
  }
  const seeds = new Random(options.seed);
  const splits: Split[] = [];
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    splits.push(...kFoldSplit(data, folds, { seed: seeds.nextUint32() }));
  }
  return splits;
}

export interface FoldResult {
  readonly score: number;
  readonly prediction: RawPrediction;
  readonly validation: TrainingMatrix;
  /** Boosting rounds the fold's model kept (gradient boosting; early stopping chose them). */
  readonly rounds?: number;
}

export interface CrossValidationOptions extends Pick<TrainOptions, 'seed' | 'signal'> {
  readonly score: (yTrue: Float64Array, prediction: RawPrediction) => number;
  /** Called with the share of folds done, in [0, 1]. */
  readonly onProgress?: (fraction: number) => void | Promise<void>;
}

/** The boosting rounds a fitted model kept, when it is a tree ensemble of this platform's trainer. */
export function roundsOf(model: FittedModel): number | undefined {
  const rounds = model.hyperParameters.rounds;
  return model.kind === 'trees' && typeof rounds === 'number' ? rounds : undefined;
}

/**
 * Fits the candidate on each split's training rows and scores it on its validation rows, in split
 * order, every fit with the same seed (a fold's model depends only on its rows).
 *
 * @example
 * const folds = await crossValidate(logisticRegressionTrainer, matrix, { C: 1 }, splits, {
 *   seed: 42,
 *   score: (y, prediction) => scoreFor('accuracy', y, prediction),
 * });
 */
export async function crossValidate(
  trainer: Trainer,
  data: TrainingMatrix,
  hyperParameters: HyperParameters,
  splits: readonly Split[],
  options: CrossValidationOptions,
): Promise<FoldResult[]> {
  const results: FoldResult[] = [];
  for (const [index, split] of splits.entries()) {
    const fitted = await trainer.train(takeRows(data, split.train), hyperParameters, {
      seed: options.seed,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const validation = takeRows(data, split.validation);
    const prediction = predictRaw(fitted, validation.x, validation.rows);
    const rounds = roundsOf(fitted);
    results.push({
      score: options.score(validation.y, prediction),
      prediction,
      validation,
      ...(rounds === undefined ? {} : { rounds }),
    });
    await options.onProgress?.((index + 1) / splits.length);
  }
  return results;
}

/** A candidate's cross-validated scores: what the job row shows and what selection reads. */
export interface CrossValidationSummary {
  readonly folds: number;
  readonly repeats: number;
  /** The selection metric on each split, in split order. */
  readonly scores: readonly number[];
  readonly mean: number;
  /** Sample standard deviation of `scores` (n − 1); 0 for a single score. */
  readonly std: number;
  /** `std / √n`: how far the mean may move with other folds; the tie-break's tolerance. */
  readonly standardError: number;
  /** Gradient boosting: the rounds each fold was scored with (one count for all folds). */
  readonly rounds?: readonly number[];
}

/**
 * Mean, spread and standard error of scores (NaN scores make every statistic NaN: such a candidate
 * never wins, as `isBetter` treats NaN).
 *
 * @example
 * spreadOf([0.9, 1, 0.95]); // { mean: 0.95, std: 0.05, standardError: 0.0289 }
 */
export function spreadOf(scores: readonly number[]): { mean: number; std: number; standardError: number } {
  const n = scores.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, standardError: Number.NaN };
  const mean = scores.reduce((sum, v) => sum + v, 0) / n;
  const std = n > 1 ? Math.sqrt(scores.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, standardError: std / Math.sqrt(n) };
}

/**
 * The fold results of one candidate as the job row shows them: every metric averaged over the
 * folds, and for classification the confusion matrix of the first repeat's out-of-fold predictions
 * (every row predicted once, by the fold model that did not see it).
 *
 * @example
 * const { summary, metrics } = summarizeFolds(folds, 'accuracy', { folds: 5, repeats: 3 });
 */
export function summarizeFolds(
  results: readonly FoldResult[],
  metric: Metric,
  plan: { readonly folds: number; readonly repeats: number },
): { summary: CrossValidationSummary; metrics: Record<string, unknown> } {
  const scores = results.map((fold) => fold.score);
  const rounds = results.flatMap((fold) => (fold.rounds === undefined ? [] : [fold.rounds]));
  const sums = new Map<string, number>();
  for (const fold of results) {
    for (const [name, value] of Object.entries(evaluate(fold.validation.y, fold.prediction))) {
      sums.set(name, (sums.get(name) ?? 0) + (value as number));
    }
  }
  const metrics: Record<string, unknown> = {};
  for (const [name, sum] of sums) metrics[name] = sum / Math.max(1, results.length);
  metrics[metric] = spreadOf(scores).mean;
  const first = results.slice(0, plan.folds);
  const classes = first[0]?.validation.classes?.length ?? 0;
  if (classes > 0) {
    const total: number[][] = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
    for (const fold of first) {
      if (fold.prediction.task !== 'classification') continue;
      const matrix = confusionMatrix(fold.validation.y, fold.prediction.labels, classes);
      matrix.forEach((row, i) => {
        row.forEach((count, j) => {
          (total[i] as number[])[j] = ((total[i] as number[])[j] as number) + count;
        });
      });
    }
    metrics.confusion_matrix = total;
  }
  return {
    summary: {
      folds: plan.folds,
      repeats: plan.repeats,
      scores,
      ...spreadOf(scores),
      ...(rounds.length > 0 ? { rounds } : {}),
    },
    metrics,
  };
}

/** The selection metric of a prediction, for {@link CrossValidationOptions.score}. */
export function scorerFor(metric: Metric): (yTrue: Float64Array, prediction: RawPrediction) => number {
  return (yTrue, prediction) => scoreFor(metric, yTrue, prediction);
}
