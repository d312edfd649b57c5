/**
 * Step 3, train: every candidate (each requested algorithm × its grid, or every algorithm for the
 * task × its default grid) fitted on the train rows and scored on the validation rows. Each fitted
 * model is stored under the job and listed on the job row as it finishes.
 */
import { UnprocessableError } from '../../errors.ts';
import type { CandidateResult, JobRecord } from '../jobs.ts';
import { confusionMatrix, defaultMetric, evaluate, type Metric, scoreFor } from '../metrics.ts';
import { encodeModel } from '../model-codec.ts';
import { trainerFor, trainersFor } from '../trainers/index.ts';
import { type HyperParameters, predictRaw, type Task, type Trainer } from '../trainers/trainer.ts';
import {
  activeJob,
  beginStep,
  endStep,
  loadFeatureSet,
  reportProgress,
  runKeys,
  type StepDeps,
} from './job-run.ts';
import type { StepState } from './step-state.ts';

/** The train step moves the job's progress across this range, candidate by candidate. */
const PROGRESS_FROM = 26;
const PROGRESS_TO = 85;
/** How often progress within one candidate's fit reaches the job row. */
const PROGRESS_WRITE_MS = 500;

/** A candidate's metrics on the validation rows; classification adds the confusion matrix. */
export function candidateMetrics(
  y: Float64Array,
  prediction: ReturnType<typeof predictRaw>,
): Record<string, unknown> {
  const metrics: Record<string, unknown> = { ...evaluate(y, prediction) };
  if (prediction.task !== 'classification') return metrics;
  const classes = prediction.probabilities.length / Math.max(1, y.length);
  return { ...metrics, confusion_matrix: confusionMatrix(y, prediction.labels, classes) };
}

interface PlannedCandidate {
  readonly trainer: Trainer;
  readonly hyperParameters: HyperParameters;
}

/** The requested algorithms (default: all that do the task), each with its requested or default grid. */
export function candidatePlan(job: JobRecord, task: Task): PlannedCandidate[] {
  const trainers = job.request.algorithms?.map((a) => trainerFor(a, task)) ?? trainersFor(task);
  return trainers.flatMap((trainer) =>
    (job.request.hyperParameters?.[trainer.algorithm] ?? trainer.defaultGrid(task)).map(
      (hyperParameters) => ({ trainer, hyperParameters }),
    ),
  );
}

const progressAt = (done: number, of: number) =>
  Math.round(PROGRESS_FROM + ((PROGRESS_TO - PROGRESS_FROM) * done) / of);

export async function train(state: StepState, deps: StepDeps): Promise<StepState> {
  let job = await beginStep(await activeJob(state.jobId, deps), 'train', PROGRESS_FROM, deps);
  const featureSetId = state.featureSetId ?? job.featureSetId;
  if (featureSetId === undefined) throw new UnprocessableError('The train step got no feature set.');
  const { train: trainMatrix, validation } = await loadFeatureSet(featureSetId, deps);
  const task = (job.resolved?.task ?? 'classification') as Task;
  const metric = (job.resolved?.metric ?? defaultMetric(task)) as Metric;
  const plan = candidatePlan(job, task);
  const candidates: CandidateResult[] = [];
  let lastWrite = 0;
  for (const [index, { trainer, hyperParameters }] of plan.entries()) {
    const started = performance.now();
    const model = await trainer.train(trainMatrix, hyperParameters, {
      seed: job.request.validation.seed,
      onProgress: async (fraction) => {
        const now = Date.now();
        if (now - lastWrite < PROGRESS_WRITE_MS) return;
        lastWrite = now;
        await reportProgress(job.jobId, progressAt(index + Math.min(1, fraction), plan.length), deps);
      },
    });
    const trainingMs = Math.round(performance.now() - started);
    const prediction = predictRaw(model, validation.x, validation.rows);
    const modelKey = runKeys.candidate(job.jobId, index);
    await deps.store.put(modelKey, new TextEncoder().encode(encodeModel(model)));
    candidates.push({
      algorithm: trainer.algorithm,
      hyperParameters: model.hyperParameters,
      metrics: candidateMetrics(validation.y, prediction),
      score: scoreFor(metric, validation.y, prediction),
      trainingMs,
      modelKey,
    });
    job = await reportProgress(job.jobId, progressAt(index + 1, plan.length), deps, { candidates });
  }
  job = await endStep(job, 'train', PROGRESS_TO, { candidates }, deps);
  return { jobId: job.jobId, featureSetId };
}
