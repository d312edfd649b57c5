/**
 * The live metric of a version from (predicted, actual) pairs: accuracy for classifiers (a pair is
 * right when both print the same, so `2` and `"2"` match as labels do), R² for regression
 * (1 − residual / total sum of squares; null when the actuals do not vary, where R² is undefined).
 */
export type LiveMetricName = 'accuracy' | 'r2';

export interface LabelledPair {
  readonly predicted: unknown;
  readonly actual: unknown;
}

export function accuracy(pairs: readonly LabelledPair[]): number | null {
  if (pairs.length === 0) return null;
  let right = 0;
  for (const { predicted, actual } of pairs) if (String(predicted) === String(actual)) right += 1;
  return right / pairs.length;
}

export function rSquared(pairs: readonly LabelledPair[]): number | null {
  const numeric = pairs
    .map(({ predicted, actual }) => [Number(predicted), Number(actual)] as const)
    .filter(([p, a]) => Number.isFinite(p) && Number.isFinite(a));
  if (numeric.length < 2) return null;
  const mean = numeric.reduce((sum, [, a]) => sum + a, 0) / numeric.length;
  let residual = 0;
  let total = 0;
  for (const [p, a] of numeric) {
    residual += (a - p) ** 2;
    total += (a - mean) ** 2;
  }
  return total === 0 ? null : 1 - residual / total;
}

export function liveMetric(name: LiveMetricName, pairs: readonly LabelledPair[]): number | null {
  return name === 'accuracy' ? accuracy(pairs) : rSquared(pairs);
}
