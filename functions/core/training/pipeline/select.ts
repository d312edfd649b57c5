/**
 * Step 4, select: the candidate to register (the best score, near-ties to the simpler model:
 * model-selection.ts), refit on every training row, exported with its preprocessing as one ONNX
 * graph, and checked in the serving runtime: the graph must answer as the TypeScript model does on
 * raw rows sent as a prediction request would send them (every row when cross-validated, the
 * validation rows otherwise), missing values included, and with the columns preprocessing dropped,
 * which the model accepts and ignores. A regression job's chosen candidate carries its
 * out-of-sample prediction sample (residuals.ts) for the residual plot.
 */
import { NotFoundError, UnprocessableError } from '../../errors.ts';
import type { CandidateResult } from '../jobs.ts';
import type { Metric } from '../metrics.ts';
import { pipelineFor } from '../missing-values.ts';
import { decodeModel, encodeModel } from '../model-codec.ts';
import type { FittedModel } from '../model-contracts.ts';
import { chooseCandidate, crossValidates, refitChosen, TrainerInputs } from '../model-selection.ts';
import { exportPipelineToOnnx } from '../onnx-export/export-pipeline.ts';
import type { ResidualSample } from '../residuals.ts';
import { trainerFor } from '../trainers/index.ts';
import { predictRaw, type RawPrediction, type Task } from '../trainers/trainer.ts';
import {
  activeJob,
  beginStep,
  endStep,
  FEATURE_CODE_VERSION,
  jsonCodec,
  loadFeatureSet,
  loadPrepared,
  runKeys,
  type StepDeps,
} from './job-run.ts';
import type { ServingRuntime } from './ports.ts';
import { requestRows } from './prepared-data.ts';
import type { StepState } from './step-state.ts';

/** The largest difference allowed between the served graph and the trained model. */
export const PARITY_TOLERANCE = 1e-5;

export interface SelectDeps extends StepDeps {
  readonly runtime: ServingRuntime;
}

/**
 * The worst difference between the reference prediction and the served one: relative for
 * regression values, absolute for class probabilities; infinite when the served answer lacks some.
 */
export function parityGap(
  expected: RawPrediction,
  served: { predictions: readonly unknown[]; probabilities?: readonly (readonly number[])[] },
): number {
  let worst = 0;
  if (expected.task === 'regression') {
    expected.values.forEach((value, i) => {
      const got = served.predictions[i];
      const v = Array.isArray(got) ? Number(got[0]) : Number(got);
      worst = Math.max(worst, Math.abs(v - value) / Math.max(1, Math.abs(value)));
    });
    return worst;
  }
  const classes = expected.probabilities.length / Math.max(1, expected.labels.length);
  for (let row = 0; row < expected.labels.length; row += 1) {
    for (let c = 0; c < classes; c += 1) {
      const got = served.probabilities?.[row]?.[c] ?? Number.NaN;
      worst = Math.max(worst, Math.abs(got - (expected.probabilities[row * classes + c] ?? Number.NaN)));
    }
  }
  return Number.isNaN(worst) ? Number.POSITIVE_INFINITY : worst;
}

/** The candidate's out-of-sample predictions, as the train step kept them; none for classification. */
async function residualsOf(
  jobId: string,
  index: number,
  deps: StepDeps,
): Promise<ResidualSample | undefined> {
  if (index < 0) return undefined;
  const bytes = await deps.store.get(runKeys.candidate(jobId, index));
  return bytes === undefined
    ? undefined
    : jsonCodec.decode<{ residuals: ResidualSample }>(bytes, 'The candidate').residuals;
}

export async function selectModel(state: StepState, deps: SelectDeps): Promise<StepState> {
  let job = await beginStep(await activeJob(state.jobId, deps), 'select', 86, deps);
  const metric = (job.resolved?.metric ?? 'accuracy') as Metric;
  const best = chooseCandidate(metric, job.candidates ?? []);
  if (best === undefined) throw new UnprocessableError('No candidate could be trained.');
  const featureSetId = state.featureSetId ?? job.featureSetId ?? '';
  const inputs = new TrainerInputs(await loadFeatureSet(featureSetId, deps));
  const prepared = await loadPrepared(job.jobId, deps);
  const ignored = prepared.dropped.map((d) => d.column);
  const task = (job.resolved?.task ?? 'classification') as Task;

  let model: FittedModel;
  let chosen: CandidateResult;
  let parity: { x: Float64Array; rows: number; requestRows: readonly number[] };
  if (best.modelKey !== undefined) {
    // Trained elsewhere (SageMaker's XGBoost, on the hold-out's train rows): exported as it is.
    const modelBytes = await deps.store.get(best.modelKey);
    if (modelBytes === undefined) throw new NotFoundError('The chosen model is missing from storage.');
    model = decodeModel(new TextDecoder().decode(modelBytes));
    const { validation } = inputs.data;
    chosen = { ...best, trainingRows: prepared.train.length };
    parity = { x: validation.x, rows: validation.rows, requestRows: prepared.validation };
  } else {
    const trainer = trainerFor(best.algorithm, task);
    const refitted = await refitChosen(trainer, best, inputs, { seed: job.request.validation.seed });
    model = refitted.model;
    const modelKey = runKeys.refit(job.jobId);
    await deps.store.put(modelKey, new TextEncoder().encode(encodeModel(model)));
    chosen = {
      ...best,
      hyperParameters: model.hyperParameters,
      modelKey,
      trainingRows: refitted.rows.rows,
      refitMs: refitted.ms,
    };
    // The refit model against its graph: on every row when cross-validated, else on the hold-out rows.
    const seen = inputs.for(trainer.algorithm);
    parity = crossValidates(inputs.data)
      ? { x: seen.train.x, rows: seen.train.rows, requestRows: prepared.train }
      : { x: seen.validation.x, rows: seen.validation.rows, requestRows: prepared.validation };
  }
  // Trees get missing values as NaN and route them themselves; linear models get them imputed.
  const onnx = exportPipelineToOnnx(pipelineFor(model, inputs.data.pipeline), model, {
    modelName: job.request.modelName,
    targetName: job.request.target,
    producerVersion: FEATURE_CODE_VERSION,
    ignoredInputs: ignored,
  });

  const expected = predictRaw(model, parity.x, parity.rows);
  // Sent as full rows (the dropped columns too, as null): the served model must take what its data had.
  const dropped = Object.fromEntries(ignored.map((column) => [column, null]));
  const asSent = requestRows(prepared, parity.requestRows);
  const rows = ignored.length === 0 ? asSent : asSent.map((row) => ({ ...row, ...dropped }));
  const served = await deps.runtime.predict(onnx, rows);
  const worst = parityGap(expected, served);
  if (!(worst <= PARITY_TOLERANCE)) {
    throw new Error(
      `The exported model differs from the trained one by ${worst} (tolerance ${PARITY_TOLERANCE}).`,
    );
  }
  await deps.store.put(runKeys.model(job.jobId), onnx);
  const residuals = await residualsOf(job.jobId, (job.candidates ?? []).indexOf(best), deps);
  job = await endStep(job, 'select', 92, { chosen: residuals ? { ...chosen, residuals } : chosen }, deps);
  return { jobId: job.jobId, featureSetId, modelKey: runKeys.model(job.jobId) };
}
