/**
 * Gradient boosting under cross-validation, the way xgboost.cv and lightgbm.cv do it: each fold's
 * model is fitted on all of the fold's training rows (no 10 % carved out for early stopping), its
 * loss on the fold's validation rows is followed round by round, and the number of rounds is the
 * one with the lowest loss averaged over the folds. Every fold is then scored with that many
 * rounds, and the refit trains that many on all rows. A fold stops once its own validation loss has
 * not improved for `earlyStoppingRounds` rounds (default 20; the cost of running every fold to
 * `maxRounds` doubled the train step on the public datasets for no change in what was chosen), so
 * the mean is taken over the rounds every fold trained.
 *
 * Why not let each fold stop early on a split carved from its training rows: on a few hundred rows
 * that split is a few dozen rows, the stopping round it picks is noise, and the fold fits 10 % fewer
 * rows than a linear candidate's fold does, which biases the comparison against trees. One round
 * count for all folds is also what the refit needs.
 */
import type { FoldResult } from './cross-validation.ts';
import type { Metric } from './metrics.ts';
import { scoreFor } from './metrics.ts';
import type { TrainingMatrix, TreeEnsembleModel } from './model-contracts.ts';
import { type Split, takeRows } from './split.ts';
import { fitGradientBoosting } from './trainers/gradient-boosting/gradient-boosting.ts';
import { lossFor } from './trainers/gradient-boosting/losses.ts';
import { type HyperParameters, predictRaw, type TrainOptions } from './trainers/trainer.ts';
import { leafOf } from './trainers/tree-predict.ts';

/** A mean loss improves on the best so far when it is lower by more than this share of it. */
const IMPROVEMENT_TOLERANCE = 1e-7;

/** Mean loss on `validation` after each round of `model` (index r: the first r + 1 rounds). */
export function lossByRound(model: TreeEnsembleModel, validation: TrainingMatrix): Float64Array {
  const { outputs, trees, baseScores, comparison, width } = model;
  const rows = validation.rows;
  const loss = lossFor(model.task, model.task === 'classification' ? (model.classes?.length ?? 0) : 0);
  // Output-major [outputs × rows], the layout the losses read.
  const raw = new Float64Array(outputs * rows);
  for (let k = 0; k < outputs; k += 1) raw.fill(baseScores[k] as number, k * rows, (k + 1) * rows);
  const rounds = trees.length / outputs;
  const curve = new Float64Array(rounds);
  for (let round = 0; round < rounds; round += 1) {
    for (let k = 0; k < outputs; k += 1) {
      const tree = trees[round * outputs + k];
      if (tree === undefined) continue;
      for (let r = 0; r < rows; r += 1) {
        const at = k * rows + r;
        raw[at] =
          (raw[at] as number) + (tree.value[leafOf(tree, comparison, validation.x, r * width)] as number);
      }
    }
    curve[round] = loss.loss(validation.y, raw);
  }
  return curve;
}

/** The first round count (1-based) whose mean loss no later round beats by more than the tolerance. */
export function bestRounds(curves: readonly Float64Array[]): number {
  const rounds = Math.min(...curves.map((curve) => curve.length));
  let best = Number.POSITIVE_INFINITY;
  let bestAt = 1;
  for (let round = 0; round < rounds; round += 1) {
    let sum = 0;
    for (const curve of curves) sum += curve[round] as number;
    const mean = sum / curves.length;
    if (round === 0 || mean < best - IMPROVEMENT_TOLERANCE * Math.abs(best)) {
      best = mean;
      bestAt = round + 1;
    }
  }
  return bestAt;
}

/** The model with its first `rounds` rounds only. */
export function truncated(model: TreeEnsembleModel, rounds: number): TreeEnsembleModel {
  return {
    ...model,
    trees: model.trees.slice(0, rounds * model.outputs),
    hyperParameters: { ...model.hyperParameters, rounds },
  };
}

/**
 * The gradient-boosting candidate on every split: fitted with early stopping off, scored with the
 * round count that minimises the mean validation loss over the splits (recorded as each fold's
 * `rounds`, so the refit trains that many).
 *
 * @example
 * const folds = await crossValidateBoosting(matrix, { maxLeaves: 15 }, splits, { seed: 42, metric: 'accuracy' });
 */
export async function crossValidateBoosting(
  data: TrainingMatrix,
  hyperParameters: HyperParameters,
  splits: readonly Split[],
  options: Pick<TrainOptions, 'seed' | 'signal'> & {
    readonly metric: Metric;
    readonly onProgress?: (fraction: number) => void | Promise<void>;
  },
): Promise<{ folds: FoldResult[]; hyperParameters: Readonly<Record<string, number>> }> {
  const fitted: { model: TreeEnsembleModel; validation: TrainingMatrix }[] = [];
  for (const [index, split] of splits.entries()) {
    const validation = takeRows(data, split.validation);
    const fit = await fitGradientBoosting(
      takeRows(data, split.train),
      { ...hyperParameters, validationFraction: 0 },
      {
        seed: options.seed,
        evaluation: validation,
        keepTrainedRounds: true,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
    fitted.push({ model: fit.model, validation });
    await options.onProgress?.((index + 1) / splits.length);
  }
  const rounds = bestRounds(fitted.map(({ model, validation }) => lossByRound(model, validation)));
  const folds = fitted.map(({ model, validation }): FoldResult => {
    const prediction = predictRaw(truncated(model, rounds), validation.x, validation.rows);
    return { score: scoreFor(options.metric, validation.y, prediction), prediction, validation, rounds };
  });
  const { rounds: _all, ...resolved } = fitted[0]?.model.hyperParameters ?? hyperParameters;
  // What the refit takes: `rounds` rounds on all rows (refit.ts turns early stopping off).
  return { folds, hyperParameters: { ...resolved, rounds } };
}
