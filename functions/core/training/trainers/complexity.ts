/**
 * How complex a candidate is, for breaking near-ties toward the simpler model: a tuple compared
 * element by element, smaller is simpler. The first element ranks the model family (a linear model
 * is simpler than a tree ensemble); then, per trainer:
 * - logistic regression: C (inverse regularisation: a smaller C is a stronger penalty);
 * - linear regression / ridge: −alpha (a larger alpha is a stronger penalty);
 * - gradient boosting: leaves per tree (maxLeaves, or 2^maxDepth when that is smaller), then −l2,
 *   then −minSamplesLeaf (larger leaves are smoother), then the boosting rounds kept.
 * An algorithm this table does not know ranks after every known one.
 */
import type { HyperParameters } from './trainer.ts';

export type Complexity = readonly number[];

const FAMILY: Readonly<Record<string, number>> = {
  'linear-regression': 0,
  ridge: 0,
  'logistic-regression': 0,
  'gradient-boosting': 1,
  xgboost: 1,
};

function value(hp: HyperParameters, name: string, fallback: number): number {
  const v = hp[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/**
 * The complexity of a candidate from its resolved hyper-parameters (`rounds`: boosting rounds kept,
 * e.g. the mean over cross-validation folds).
 *
 * @example
 * complexityOf('logistic-regression', { C: 0.1 }); // [0, 0.1]
 * compareComplexity(complexityOf('ridge', { alpha: 10 }), complexityOf('ridge', { alpha: 1 })); // < 0
 */
export function complexityOf(algorithm: string, hp: HyperParameters, rounds?: number): Complexity {
  const family = FAMILY[algorithm] ?? Number.MAX_SAFE_INTEGER;
  switch (algorithm) {
    case 'logistic-regression':
      return [family, value(hp, 'C', 1)];
    case 'linear-regression':
    case 'ridge':
      return [family, -value(hp, 'alpha', 0)];
    case 'gradient-boosting':
    case 'xgboost': {
      const maxLeaves = value(hp, 'maxLeaves', 31);
      const maxDepth = value(hp, 'maxDepth', 0);
      const leaves = maxDepth > 0 ? Math.min(maxLeaves, 2 ** maxDepth) : maxLeaves;
      return [
        family,
        leaves,
        -value(hp, 'l2', 0),
        -value(hp, 'minSamplesLeaf', 20),
        rounds ?? value(hp, 'rounds', value(hp, 'maxRounds', 0)),
      ];
    }
    default:
      return [family];
  }
}

/** Negative when `a` is simpler than `b`, positive when more complex, 0 when neither. */
export function compareComplexity(a: Complexity, b: Complexity): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
