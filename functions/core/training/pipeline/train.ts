/**
 * Step 3, train: every candidate (each requested algorithm × its grid, or every algorithm for the
 * task × its default grid) scored: by repeated stratified k-fold cross-validation when the feature
 * set holds every row (small data: `cross-validation.ts`), else fitted on the train rows and scored
 * on the validation rows. Each candidate is listed on the job row (with its folds' mean and spread)
 * as it finishes; the select step refits the chosen one on every row, so no candidate model is kept.
 * A regression candidate's out-of-sample predictions (a sample) go to its file beside the job.
 */
import { UnprocessableError } from '../../errors.ts';
import { validationPlanFor } from '../cross-validation.ts';
import type { CandidateResult, JobRecord } from '../jobs.ts';
import { defaultMetric, type Metric } from '../metrics.ts';
import { crossValidates, evaluateCandidate, selectionSplits, TrainerInputs } from '../model-selection.ts';
import { trainerFor, trainersFor } from '../trainers/index.ts';
import type { HyperParameters, Task, Trainer } from '../trainers/trainer.ts';
import {
  activeJob,
  beginStep,
  endStep,
  jsonCodec,
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
  const inputs = new TrainerInputs(await loadFeatureSet(featureSetId, deps));
  const task = (job.resolved?.task ?? 'classification') as Task;
  const metric = (job.resolved?.metric ?? defaultMetric(task)) as Metric;
  const seed = job.request.validation.seed;
  const plan = candidatePlan(job, task);
  const selection =
    job.resolved?.selection ?? validationPlanFor(inputs.data.train.rows, inputs.data.train.classes?.length);
  // Every candidate is scored on the same folds, so their scores compare.
  const crossValidation =
    crossValidates(inputs.data) && selection.kind === 'cross-validation'
      ? { plan: selection, splits: selectionSplits(inputs.data, selection, seed) }
      : undefined;
  const candidates: CandidateResult[] = [];
  let lastWrite = 0;
  for (const [index, { trainer, hyperParameters }] of plan.entries()) {
    const { result, residuals } = await evaluateCandidate(trainer, hyperParameters, inputs, {
      metric,
      seed,
      ...(crossValidation ? { crossValidation } : {}),
      onProgress: async (fraction) => {
        const now = Date.now();
        if (now - lastWrite < PROGRESS_WRITE_MS) return;
        lastWrite = now;
        await reportProgress(job.jobId, progressAt(index + Math.min(1, fraction), plan.length), deps);
      },
    });
    // Kept beside the job, not on its row: only the chosen candidate's reaches the job (select step).
    if (residuals) await deps.store.put(runKeys.candidate(job.jobId, index), jsonCodec.encode({ residuals }));
    candidates.push(result);
    job = await reportProgress(job.jobId, progressAt(index + 1, plan.length), deps, { candidates });
  }
  job = await endStep(job, 'train', PROGRESS_TO, { candidates }, deps);
  return { jobId: job.jobId, featureSetId };
}
