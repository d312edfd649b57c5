/**
 * Choosing the candidate to register from its scores: the best mean wins, except that candidates
 * within the best one's tolerance of it are near-ties, and among those the simplest wins
 * (`trainers/complexity.ts`), then the better mean, then the earlier candidate.
 *
 * The tolerance is the best candidate's standard error over its cross-validation folds (the
 * "one-standard-error rule": a difference smaller than the mean's own uncertainty is not evidence
 * that the more complex model is better). A hold-out (data of 20,000 rows or more) gives one score
 * and no spread: there only scores within {@link HOLD_OUT_TIE_EPSILON} of the best tie.
 */
import { higherIsBetter, isBetter, type Metric } from './metrics.ts';
import { type Complexity, compareComplexity } from './trainers/complexity.ts';

/** Scores this close count as equal when there is no spread to measure (a hold-out split). */
export const HOLD_OUT_TIE_EPSILON = 1e-9;

export interface ScoredCandidate {
  /** Mean over the folds, or the hold-out score. */
  readonly score: number;
  /** Standard error of `score`; undefined for a hold-out score. */
  readonly standardError?: number;
  readonly complexity: Complexity;
}

/**
 * The index of the candidate to keep, or -1 when none has a score (all NaN or none given).
 *
 * @example
 * selectCandidate('accuracy', [
 *   { score: 0.95, standardError: 0.02, complexity: [1, 31] },
 *   { score: 0.94, standardError: 0.02, complexity: [0, 1] },
 * ]); // 1: within one standard error of the best, and simpler
 */
export function selectCandidate(metric: Metric, candidates: readonly ScoredCandidate[]): number {
  let best = -1;
  candidates.forEach((candidate, index) => {
    const incumbent = candidates[best];
    if (incumbent === undefined || isBetter(metric, candidate.score, incumbent.score)) best = index;
  });
  const leader = candidates[best];
  if (leader === undefined || Number.isNaN(leader.score)) return -1;
  const tolerance =
    leader.standardError !== undefined && Number.isFinite(leader.standardError)
      ? Math.max(leader.standardError, HOLD_OUT_TIE_EPSILON)
      : HOLD_OUT_TIE_EPSILON;
  const sign = higherIsBetter(metric) ? 1 : -1;
  let chosen = best;
  candidates.forEach((candidate, index) => {
    if (Number.isNaN(candidate.score)) return;
    // How much worse than the leader, in the metric's "better" direction (≥ 0).
    const gap = sign * (leader.score - candidate.score);
    if (gap > tolerance) return;
    const incumbent = candidates[chosen] as ScoredCandidate;
    const simpler = compareComplexity(candidate.complexity, incumbent.complexity);
    if (simpler < 0 || (simpler === 0 && isBetter(metric, candidate.score, incumbent.score))) {
      chosen = index;
    }
  });
  return chosen;
}
