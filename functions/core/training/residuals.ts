/**
 * A regression candidate's out-of-sample predictions beside the true values, for a residual plot
 * (predicted against actual, or residual against predicted): the train step keeps one per candidate
 * in the job's working files and the select step attaches the chosen candidate's to the job. Rows
 * come from the hold-out split, or from the first repeat's out-of-fold predictions when the job
 * cross-validates (every row predicted once, by the model that did not see it), never from rows a
 * model was fitted on. A bounded, evenly spaced sample keeps the job row small.
 */
import type { FoldResult } from './cross-validation.ts';

/** Rows kept at most: enough to see the shape of the errors, ~5 KB of JSON. */
export const RESIDUAL_SAMPLE_SIZE = 200;

export interface ResidualSample {
  /** True target values, aligned with `predicted`. */
  readonly actual: readonly number[];
  readonly predicted: readonly number[];
}

/** Six significant digits: a plot needs no more, and the job row stays small. */
const compact = (value: number) => Number(value.toPrecision(6));

/**
 * At most `size` pairs with both values finite, evenly spaced over the rows (the same rows on every
 * run: no randomness).
 *
 * @example
 * residualSample([1, 2, 3, 4], [1.1, 1.9, 3.2, 3.8], 2); // { actual: [1, 3], predicted: [1.1, 3.2] }
 */
export function residualSample(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  size: number = RESIDUAL_SAMPLE_SIZE,
): ResidualSample {
  if (actual.length !== predicted.length) {
    throw new RangeError(`Length mismatch: ${actual.length} true values, ${predicted.length} predicted.`);
  }
  const rows: number[] = [];
  for (let i = 0; i < actual.length; i += 1) {
    if (Number.isFinite(actual[i]) && Number.isFinite(predicted[i])) rows.push(i);
  }
  const step = Math.max(1, rows.length / size);
  const kept = Array.from(
    { length: Math.min(size, rows.length) },
    (_, k) => rows[Math.floor(k * step)] as number,
  );
  return {
    actual: kept.map((i) => compact(actual[i] as number)),
    predicted: kept.map((i) => compact(predicted[i] as number)),
  };
}

/**
 * The out-of-fold predictions of the first repeat's `foldsPerRepeat` folds, sampled; undefined for
 * classification folds.
 */
export function outOfFoldResiduals(
  folds: readonly FoldResult[],
  foldsPerRepeat: number,
  size: number = RESIDUAL_SAMPLE_SIZE,
): ResidualSample | undefined {
  const actual: number[] = [];
  const predicted: number[] = [];
  for (const fold of folds.slice(0, foldsPerRepeat)) {
    if (fold.prediction.task !== 'regression') return undefined;
    actual.push(...fold.validation.y);
    predicted.push(...fold.prediction.values);
  }
  return actual.length === 0 ? undefined : residualSample(actual, predicted, size);
}
