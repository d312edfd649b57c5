/**
 * The final fit: the chosen candidate's hyper-parameters on every training row, so the registered
 * model has seen all the data the user gave (selection only decided which hyper-parameters).
 *
 * Gradient boosting has one more choice, the number of rounds. The refit trains exactly that many
 * rounds on all rows, early stopping off: under cross-validation the round count with the lowest
 * validation loss averaged over the folds (`boosting-cross-validation.ts`, as xgboost.cv), on large
 * data the round early stopping kept for the hold-out candidate (on its own 10 % split). Why not
 * early stopping again on an inner split of all rows: it would hold out 10 % of the rows once more
 * (the model would not see all of them, the point of the refit) and take its stopping round from one
 * small split, the noise cross-validation removed. The folds fitted 80 % of the rows, so on all rows
 * the best round count is if anything a little higher: the carried-over count errs toward fewer
 * rounds, the simpler model. Several counts (one per fold) are averaged.
 */
import type { FittedModel, TrainingMatrix } from './model-contracts.ts';
import type { HyperParameters, Trainer, TrainOptions } from './trainers/trainer.ts';

/**
 * The hyper-parameters of the final fit: the candidate's own (less `rounds`, which a fitted tree
 * model reports but no trainer takes), and for gradient boosting the rounds fixed (`maxRounds` =
 * round(mean of `rounds`), at least 1) with early stopping off.
 *
 * @example
 * refitHyperParameters('gradient-boosting', { maxLeaves: 15 }, [40, 52, 47]);
 * // { maxLeaves: 15, maxRounds: 46, earlyStoppingRounds: 0, validationFraction: 0 }
 */
export function refitHyperParameters(
  algorithm: string,
  hyperParameters: HyperParameters,
  rounds: readonly number[] = [],
): HyperParameters {
  const { rounds: _reported, ...own } = hyperParameters;
  if (algorithm !== 'gradient-boosting' || rounds.length === 0) return own;
  const mean = rounds.reduce((sum, r) => sum + r, 0) / rounds.length;
  return {
    ...own,
    maxRounds: Math.max(1, Math.round(mean)),
    earlyStoppingRounds: 0,
    validationFraction: 0,
  };
}

/**
 * Fits the chosen candidate on every row of `all`.
 *
 * @example
 * const model = await refit(trainer, allRows, { C: 1 }, [], { seed: 42 });
 * model.hyperParameters; // the hyper-parameters the registered version records
 */
export async function refit(
  trainer: Trainer,
  all: TrainingMatrix,
  hyperParameters: HyperParameters,
  rounds: readonly number[],
  options: TrainOptions,
): Promise<FittedModel> {
  return trainer.train(all, refitHyperParameters(trainer.algorithm, hyperParameters, rounds), options);
}
