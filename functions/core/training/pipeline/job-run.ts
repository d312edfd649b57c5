/**
 * A training job's run, as every workflow step sees it (the SageMaker branch's included): load the
 * job while it is still active, begin a step, move its progress, end it, record a failure; where
 * the run keeps its files and how it encodes them; the prepared data and the feature set read back.
 *
 * A step writes its outputs under keys derived from the job (a replayed step overwrites, never
 * duplicates) and every job-row write goes through `updateIfActive`, so a cancelled job stops at
 * the step's next write.
 */
import { NotFoundError } from '../../errors.ts';
import { FINISHED, type JobRecord, type JobRepository, type StepName } from '../jobs.ts';
import type { FeaturePipeline, TrainingMatrix } from '../model-contracts.ts';
import { decodeArrays } from './matrix-codec.ts';
import type { DatasetSource, FeatureSetRepository, WorkingStore } from './ports.ts';
import type { PreparedData } from './prepared-data.ts';

/** Bump when a change to preprocessing or features would make stored feature sets wrong. */
export const FEATURE_CODE_VERSION = 'features-2';

export interface StepDeps {
  readonly jobs: JobRepository;
  readonly datasets: DatasetSource;
  readonly store: WorkingStore;
  readonly featureSets: FeatureSetRepository;
  readonly now: () => Date;
}

export class JobNotActiveError extends Error {
  constructor(jobId: string, status: string) {
    super(`Job ${jobId} is ${status}; the step stops here.`);
    this.name = 'JobNotActiveError';
  }
}

/** Where a job's working files live in the working store. */
export const runKeys = {
  prepared: (jobId: string) => `jobs/${jobId}/prepared.json`,
  /** A candidate's own file: a regression candidate's out-of-sample prediction sample (residuals.ts). */
  candidate: (jobId: string, index: number) => `jobs/${jobId}/candidates/${index}.json`,
  /** The chosen candidate refit on every training row. */
  refit: (jobId: string) => `jobs/${jobId}/refit-model.json`,
  model: (jobId: string) => `jobs/${jobId}/model.onnx`,
  featurePipeline: (featureSetId: string) => `feature-sets/${featureSetId}/pipeline.json`,
  featureData: (featureSetId: string) => `feature-sets/${featureSetId}/data.bin`,
};

/** The JSON files of a run (prepared data, feature pipelines); `what` names a missing one in the error. */
export const jsonCodec = {
  encode: (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value)),
  decode: <T>(bytes: Uint8Array | undefined, what: string): T => {
    if (bytes === undefined) throw new NotFoundError(`${what} is missing from storage.`);
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  },
};

/** The job, unless it has finished (then the step stops with a {@link JobNotActiveError}). */
export async function activeJob(jobId: string, deps: Pick<StepDeps, 'jobs'>): Promise<JobRecord> {
  const job = await deps.jobs.get(jobId);
  if (job === undefined) throw new NotFoundError(`No training job ${jobId}.`);
  if (FINISHED.has(job.status)) throw new JobNotActiveError(jobId, job.status);
  return job;
}

async function update(
  jobId: string,
  change: Partial<Omit<JobRecord, 'jobId' | 'ownerId' | 'request'>>,
  deps: Pick<StepDeps, 'jobs'>,
): Promise<JobRecord> {
  const updated = await deps.jobs.updateIfActive(jobId, change);
  if (updated === undefined) throw new JobNotActiveError(jobId, 'finished');
  return updated;
}

/** Marks a step as started (and the job RUNNING), or stops if the job was cancelled meanwhile. */
export async function beginStep(
  job: JobRecord,
  step: StepName,
  progress: number,
  deps: Pick<StepDeps, 'jobs' | 'now'>,
): Promise<JobRecord> {
  const at = deps.now().toISOString();
  return update(
    job.jobId,
    {
      status: 'RUNNING',
      step,
      progress: Math.max(job.progress, progress),
      updatedAt: at,
      ...(job.startedAt === undefined ? { startedAt: at } : {}),
      stepTimings: { ...job.stepTimings, [step]: { startedAt: at } },
    },
    deps,
  );
}

/** Moves the job's progress within a step (with any other change the step records as it goes). */
export async function reportProgress(
  jobId: string,
  progress: number,
  deps: Pick<StepDeps, 'jobs' | 'now'>,
  change: Partial<Pick<JobRecord, 'candidates'>> = {},
): Promise<JobRecord> {
  return update(jobId, { ...change, progress, updatedAt: deps.now().toISOString() }, deps);
}

/** Records the step's outcome and timing, or stops if the job was cancelled meanwhile. */
export async function endStep(
  job: JobRecord,
  step: StepName,
  progress: number,
  change: Partial<JobRecord>,
  deps: Pick<StepDeps, 'jobs' | 'now'>,
): Promise<JobRecord> {
  const at = deps.now();
  const startedAt = job.stepTimings[step]?.startedAt ?? at.toISOString();
  return update(
    job.jobId,
    {
      ...change,
      progress,
      updatedAt: at.toISOString(),
      stepTimings: {
        ...job.stepTimings,
        [step]: { startedAt, finishedAt: at.toISOString(), ms: at.getTime() - Date.parse(startedAt) },
      },
    },
    deps,
  );
}

/**
 * The Catch path: the failed step's reason, in words, on the job row (unless it already finished).
 * The workflow's error is read into `reason` by the step handler (`functions/steps/failure-cause.ts`).
 */
export async function markJobFailed(
  event: { readonly jobId: string; readonly reason: string },
  deps: Pick<StepDeps, 'jobs' | 'now'>,
): Promise<{ jobId: string }> {
  const job = await deps.jobs.get(event.jobId);
  if (job === undefined || FINISHED.has(job.status)) return { jobId: event.jobId };
  const at = deps.now().toISOString();
  await deps.jobs.updateIfActive(event.jobId, {
    status: 'FAILED',
    finishedAt: at,
    updatedAt: at,
    error: { ...(job.step ? { step: job.step } : {}), reason: event.reason },
  });
  return { jobId: event.jobId };
}

/** The preprocess step's output. */
export async function loadPrepared(jobId: string, deps: Pick<StepDeps, 'store'>): Promise<PreparedData> {
  return jsonCodec.decode<PreparedData>(await deps.store.get(runKeys.prepared(jobId)), 'Prepared data');
}

export interface LoadedFeatureSet {
  readonly pipeline: FeaturePipeline;
  readonly train: TrainingMatrix;
  readonly validation: TrainingMatrix;
  /** Classification: the class labels, in class-index order. */
  readonly classes?: readonly (string | number)[];
}

/** A feature set's fitted pipeline and its train and validation matrices. */
export async function loadFeatureSet(
  featureSetId: string,
  deps: Pick<StepDeps, 'featureSets' | 'store'>,
): Promise<LoadedFeatureSet> {
  const record = await deps.featureSets.get(featureSetId);
  if (record === undefined) throw new NotFoundError(`Feature set ${featureSetId} is missing.`);
  const pipeline = jsonCodec.decode<FeaturePipeline>(
    await deps.store.get(record.pipelineKey),
    'The feature pipeline',
  );
  const data = await deps.store.get(record.dataKey);
  if (data === undefined) throw new NotFoundError(`The data of feature set ${featureSetId} is missing.`);
  const { arrays, meta } = decodeArrays(data);
  const classes = (meta.classes as (string | number)[] | null) ?? undefined;
  const matrix = (x: Float64Array | undefined, y: Float64Array | undefined): TrainingMatrix => ({
    rows: y?.length ?? 0,
    cols: pipeline.width,
    x: x ?? new Float64Array(),
    y: y ?? new Float64Array(),
    ...(classes ? { classes } : {}),
  });
  return {
    pipeline,
    train: matrix(arrays.trainX, arrays.trainY),
    validation: matrix(arrays.validationX, arrays.validationY),
    ...(classes ? { classes } : {}),
  };
}
