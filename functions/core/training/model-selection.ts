/**
 * The train and select steps' rules, apart from storage and the job row: evaluate one candidate
 * (by cross-validation on small data, on the hold-out split on large data), choose among the
 * evaluated candidates (best score, near-ties to the simpler), and refit the chosen one on every
 * training row.
 *
 * The feature set's matrices keep missing numeric values as NaN (`missing-values.ts`): tree
 * candidates learn from them as they are, linear candidates get them imputed with the median.
 */
import { crossValidateBoosting } from './boosting-cross-validation.ts';
import { selectCandidate } from './candidate-selection.ts';
import {
  crossValidate,
  type FoldResult,
  repeatedKFold,
  scorerFor,
  summarizeFolds,
  type ValidationPlan,
} from './cross-validation.ts';
import type { CandidateResult } from './jobs.ts';
import { confusionMatrix, evaluate, type Metric, scoreFor } from './metrics.ts';
import { imputeMissing, learnsMissing } from './missing-values.ts';
import type { FeaturePipeline, FittedModel, TrainingMatrix } from './model-contracts.ts';
import { refit } from './refit.ts';
import { outOfFoldResiduals, type ResidualSample, residualSample } from './residuals.ts';
import type { Split } from './split.ts';
import { complexityOf } from './trainers/complexity.ts';
import { type HyperParameters, predictRaw, type RawPrediction, type Trainer } from './trainers/trainer.ts';

/** A feature set as the train and select steps read it: NaN marks a missing numeric value. */
export interface SelectionData {
  readonly pipeline: FeaturePipeline;
  readonly train: TrainingMatrix;
  /** Empty (0 rows) when the job cross-validates: then `train` holds every row. */
  readonly validation: TrainingMatrix;
}

/** The matrices a trainer learns from: as stored for trees, imputed for the others (computed once). */
export class TrainerInputs {
  readonly #data: SelectionData;
  #imputed: { train: TrainingMatrix; validation: TrainingMatrix } | undefined;

  constructor(data: SelectionData) {
    this.#data = data;
  }

  get data(): SelectionData {
    return this.#data;
  }

  for(algorithm: string): { train: TrainingMatrix; validation: TrainingMatrix } {
    if (learnsMissing(algorithm)) return { train: this.#data.train, validation: this.#data.validation };
    this.#imputed ??= {
      train: imputeMissing(this.#data.train, this.#data.pipeline),
      validation: imputeMissing(this.#data.validation, this.#data.pipeline),
    };
    return this.#imputed;
  }
}

/** A candidate's metrics on the validation rows; classification adds the confusion matrix. */
export function candidateMetrics(y: Float64Array, prediction: RawPrediction): Record<string, unknown> {
  const metrics: Record<string, unknown> = { ...evaluate(y, prediction) };
  if (prediction.task !== 'classification') return metrics;
  const classes = prediction.probabilities.length / Math.max(1, y.length);
  return { ...metrics, confusion_matrix: confusionMatrix(y, prediction.labels, classes) };
}

/** Whether the feature set was made for cross-validation (no hold-out rows). */
export function crossValidates(data: SelectionData): boolean {
  return data.validation.rows === 0;
}

/** The folds every candidate of a job is scored on (the same for all, so their scores compare). */
export function selectionSplits(
  data: SelectionData,
  plan: Extract<ValidationPlan, { kind: 'cross-validation' }>,
  seed: number,
): Split[] {
  return repeatedKFold(data.train, plan.folds, plan.repeats, { seed });
}

export interface EvaluateOptions {
  readonly metric: Metric;
  readonly seed: number;
  /** Cross-validation: the plan and its folds; absent, the candidate is scored on the hold-out rows. */
  readonly crossValidation?: {
    readonly plan: Extract<ValidationPlan, { kind: 'cross-validation' }>;
    readonly splits: readonly Split[];
  };
  readonly onProgress?: (fraction: number) => void | Promise<void>;
  readonly signal?: AbortSignal;
}

/**
 * One candidate's scores: cross-validated (mean over the folds, with the spread) or on the hold-out
 * rows. The hold-out's fitted model comes back too (the caller may keep it); a cross-validated
 * candidate has none (the chosen one is refit). A regression candidate also gives a sample of its
 * out-of-sample predictions (residuals.ts).
 *
 * @example
 * const { result } = await evaluateCandidate(trainer, { C: 1 }, inputs, { metric: 'accuracy', seed: 42, crossValidation });
 */
export async function evaluateCandidate(
  trainer: Trainer,
  hyperParameters: HyperParameters,
  inputs: TrainerInputs,
  options: EvaluateOptions,
): Promise<{ result: Omit<CandidateResult, 'modelKey'>; model?: FittedModel; residuals?: ResidualSample }> {
  const { train, validation } = inputs.for(trainer.algorithm);
  const started = performance.now();
  if (options.crossValidation !== undefined) {
    const { plan, splits } = options.crossValidation;
    const common = {
      seed: options.seed,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    };
    let resolved: Readonly<Record<string, number>> | undefined;
    let folds: FoldResult[];
    if (trainer.algorithm === 'gradient-boosting') {
      // The rounds are chosen across the folds (boosting-cross-validation.ts), not inside each one.
      const boosted = await crossValidateBoosting(train, hyperParameters, splits, {
        ...common,
        metric: options.metric,
      });
      folds = boosted.folds;
      resolved = boosted.hyperParameters;
    } else {
      folds = await crossValidate(
        {
          ...trainer,
          // The resolved hyper-parameters of a fold's model: what the job row shows for the candidate.
          train: async (data, hp, trainOptions) => {
            const model = await trainer.train(data, hp, trainOptions);
            resolved ??= model.hyperParameters;
            return model;
          },
        },
        train,
        hyperParameters,
        splits,
        { ...common, score: scorerFor(options.metric) },
      );
    }
    const { summary, metrics } = summarizeFolds(folds, options.metric, plan);
    const { rounds: _rounds, ...own } = resolved ?? hyperParameters;
    const meanRounds =
      summary.rounds === undefined
        ? undefined
        : Math.round(summary.rounds.reduce((a, b) => a + b, 0) / summary.rounds.length);
    const residuals = outOfFoldResiduals(folds, plan.folds);
    return {
      result: {
        algorithm: trainer.algorithm,
        hyperParameters: meanRounds === undefined ? own : { ...own, rounds: meanRounds },
        metrics,
        score: summary.mean,
        trainingMs: Math.round(performance.now() - started),
        crossValidation: summary,
      },
      ...(residuals ? { residuals } : {}),
    };
  }
  const model = await trainer.train(train, hyperParameters, {
    seed: options.seed,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const trainingMs = Math.round(performance.now() - started);
  const prediction = predictRaw(model, validation.x, validation.rows);
  return {
    result: {
      algorithm: trainer.algorithm,
      hyperParameters: model.hyperParameters,
      metrics: candidateMetrics(validation.y, prediction),
      score: scoreFor(options.metric, validation.y, prediction),
      trainingMs,
    },
    model,
    ...(prediction.task === 'regression'
      ? { residuals: residualSample(validation.y, prediction.values) }
      : {}),
  };
}

/**
 * The candidate to register: the best score, near-ties (one standard error of the best's folds,
 * exact ties on a hold-out) to the simpler (`trainers/complexity.ts`). Undefined when none scored.
 */
export function chooseCandidate<C extends CandidateResult>(
  metric: Metric,
  candidates: readonly C[],
): C | undefined {
  const index = selectCandidate(
    metric,
    candidates.map((candidate) => ({
      score: candidate.score,
      ...(candidate.crossValidation ? { standardError: candidate.crossValidation.standardError } : {}),
      complexity: complexityOf(candidate.algorithm, candidate.hyperParameters),
    })),
  );
  return candidates[index];
}

/** Every training row: the cross-validated matrix, or the hold-out's train rows then its validation rows. */
export function allRows(matrix: { train: TrainingMatrix; validation: TrainingMatrix }): TrainingMatrix {
  const { train, validation } = matrix;
  if (validation.rows === 0) return train;
  const x = new Float64Array(train.x.length + validation.x.length);
  x.set(train.x);
  x.set(validation.x, train.x.length);
  const y = new Float64Array(train.rows + validation.rows);
  y.set(train.y);
  y.set(validation.y, train.rows);
  return {
    rows: train.rows + validation.rows,
    cols: train.cols,
    x,
    y,
    ...(train.classes ? { classes: train.classes } : {}),
  };
}

/**
 * The chosen candidate refit on every training row (`refit.ts`: gradient boosting trains the rounds
 * its folds' early stopping found), and the matrix it was fitted on (for the parity check).
 *
 * @example
 * const { model, rows, ms } = await refitChosen(trainer, chosen, inputs, { seed: 42 });
 */
export async function refitChosen(
  trainer: Trainer,
  chosen: Pick<CandidateResult, 'hyperParameters' | 'crossValidation'>,
  inputs: TrainerInputs,
  options: { readonly seed: number; readonly signal?: AbortSignal },
): Promise<{ model: FittedModel; rows: TrainingMatrix; ms: number }> {
  const rows = allRows(inputs.for(trainer.algorithm));
  const rounds =
    chosen.crossValidation?.rounds ??
    (typeof chosen.hyperParameters.rounds === 'number' ? [chosen.hyperParameters.rounds] : []);
  const started = performance.now();
  const model = await refit(trainer, rows, chosen.hyperParameters, rounds, {
    seed: options.seed,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { model, rows, ms: Math.round(performance.now() - started) };
}
