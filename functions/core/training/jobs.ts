/**
 * Training jobs, the async job pattern: a request becomes a PENDING job row, the workflow runs it
 * (RUNNING, with the current step and a progress that moves), and it ends SUCCEEDED with a
 * registered model version, FAILED with a reason a person can act on, or CANCELLED.
 */
import { randomUUID } from 'node:crypto';
import { canAccess, isAdmin, listingOwner, requireAccess } from '../auth/access-rules.ts';
import type { Principal } from '../auth/principal.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  QuotaExceededError,
  UnprocessableError,
} from '../errors.ts';
import type { Page, PageRequest } from '../pagination.ts';
import type { CrossValidationSummary, ValidationPlan } from './cross-validation.ts';
import type { ResidualSample } from './residuals.ts';

export const JOB_STATUSES = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const FINISHED: ReadonlySet<JobStatus> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export const STEPS = ['preprocess', 'features', 'train', 'select', 'register'] as const;
export type StepName = (typeof STEPS)[number];

export interface TrainingRequest {
  readonly datasetName: string;
  /** Default: the dataset's newest ready version. */
  readonly datasetVersion?: number;
  readonly target: string;
  readonly task: 'classification' | 'regression' | 'auto';
  /** Default: every algorithm that supports the task. */
  readonly algorithms?: readonly string[];
  /** Default: accuracy (classification), rmse (regression). */
  readonly metric?: string;
  readonly validation: { readonly holdoutFraction: number; readonly seed: number };
  /** Per algorithm: a grid to search instead of the default one. */
  readonly hyperParameters?: Readonly<Record<string, readonly Readonly<Record<string, number>>[]>>;
  readonly modelName: string;
  /** Registers the version `approved` when the chosen candidate's metric reaches the threshold (admins' jobs). */
  readonly autoApprove?: { readonly threshold: number };
  readonly featureSettings?: { readonly maxCategories: number };
}

export interface CandidateResult {
  readonly algorithm: string;
  readonly hyperParameters: Readonly<Record<string, number>>;
  readonly metrics: Readonly<Record<string, unknown>>;
  readonly score: number;
  readonly trainingMs: number;
  /**
   * S3 key of the fitted model's parameters: the chosen candidate's refit model, or a candidate
   * fitted elsewhere (SageMaker's XGBoost). Cross-validated candidates have no single model.
   */
  readonly modelKey?: string;
  /** Cross-validated candidates: the selection metric on every fold, its mean and spread. */
  readonly crossValidation?: CrossValidationSummary;
  /** The chosen candidate: rows its registered model was fitted on (all rows after the refit). */
  readonly trainingRows?: number;
  /** The chosen candidate: how long the refit on all rows took. */
  readonly refitMs?: number;
  /** The chosen candidate of a regression job: a sample of its out-of-sample predictions. */
  readonly residuals?: ResidualSample;
}

export interface StepTiming {
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly ms?: number;
}

export interface JobRecord {
  readonly jobId: string;
  readonly ownerId: string;
  readonly ownerUsername: string;
  readonly ownerRole: 'admin' | 'user';
  readonly request: TrainingRequest;
  readonly status: JobStatus;
  readonly step?: StepName;
  readonly progress: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly stepTimings: Readonly<Partial<Record<StepName, StepTiming>>>;
  /** Resolved by preprocessing: the dataset version used and the task inferred for `auto`. */
  readonly resolved?: {
    readonly datasetVersion: number;
    readonly task: 'classification' | 'regression';
    readonly metric: string;
    /** How candidates were compared: k-fold cross-validation (small data) or the hold-out split. */
    readonly selection?: ValidationPlan;
  };
  readonly featureSetId?: string;
  readonly featureSetReused?: boolean;
  readonly candidates?: readonly CandidateResult[];
  readonly chosen?: CandidateResult;
  readonly registered?: { readonly model: string; readonly version: number; readonly status: string };
  readonly error?: { readonly step?: StepName; readonly reason: string };
}

export interface JobRepository {
  create(job: JobRecord): Promise<void>;
  get(jobId: string): Promise<JobRecord | undefined>;
  listByOwner(ownerId: string, page: PageRequest, status?: JobStatus): Promise<Page<JobRecord>>;
  listAll(page: PageRequest, status?: JobStatus): Promise<Page<JobRecord>>;
  /** Applies `change` unless the job has finished (then resolves to undefined). */
  updateIfActive(
    jobId: string,
    change: Partial<Omit<JobRecord, 'jobId' | 'ownerId' | 'request'>>,
  ): Promise<JobRecord | undefined>;
}

export interface WorkflowStarter {
  /** Starts the job's execution, named by the job id (a retry with the same id starts nothing new). */
  start(jobId: string, input: Record<string, unknown>): Promise<void>;
  stop(jobId: string, cause: string): Promise<void>;
}

/** What job creation needs to know about the dataset, without depending on how datasets are stored. */
export interface DatasetAccess {
  /** The dataset's newest ready version, or the given one; undefined when the caller may not use it. */
  readyVersion(
    principal: Principal,
    name: string,
    version?: number,
  ): Promise<{ version: number; columns: readonly string[] } | undefined>;
}

export interface JobDeps {
  readonly jobs: JobRepository;
  readonly workflow: WorkflowStarter;
  readonly datasets: DatasetAccess;
  /** To refuse, before training, a model name that belongs to someone else. */
  readonly models: { get(name: string): Promise<{ ownerId: string } | undefined> };
  /** PENDING or RUNNING jobs one user may have at once; unlimited when absent. */
  readonly maxActiveJobsPerUser?: number;
  readonly now: () => Date;
}

export function jobNotFound(jobId: string): string {
  return `No training job ${jobId}.`;
}

export function newJobRecord(
  jobId: string,
  owner: { userId: string; username: string; role: 'admin' | 'user' },
  request: TrainingRequest,
  at: string,
): JobRecord {
  return {
    jobId,
    ownerId: owner.userId,
    ownerUsername: owner.username,
    ownerRole: owner.role,
    request,
    status: 'PENDING',
    progress: 0,
    createdAt: at,
    updatedAt: at,
    stepTimings: {},
  };
}

/** Checks a request against the dataset before anything is written. */
export async function startTrainingJob(
  principal: Principal,
  request: TrainingRequest,
  deps: JobDeps,
): Promise<JobRecord> {
  if (request.autoApprove !== undefined && !isAdmin(principal)) {
    throw new ForbiddenError('Only admins may start jobs that approve their own model versions.');
  }
  const dataset = await deps.datasets.readyVersion(principal, request.datasetName, request.datasetVersion);
  if (dataset === undefined) {
    throw new NotFoundError(
      request.datasetVersion === undefined
        ? `No ready dataset named ${request.datasetName}.`
        : `Dataset ${request.datasetName} has no ready version ${request.datasetVersion}.`,
    );
  }
  const model = await deps.models.get(request.modelName);
  if (model !== undefined && !canAccess(principal, model, 'write')) {
    // Checked now rather than at the register step, so no training runs for a version that cannot be kept.
    throw new ConflictError(
      `A model named ${request.modelName} belongs to another user; choose another modelName.`,
      {
        field: 'body.modelName',
      },
    );
  }
  await assertActiveJobsBelowQuota(principal, deps);
  if (!dataset.columns.includes(request.target)) {
    throw new UnprocessableError(
      `The dataset has no column "${request.target}" (columns: ${dataset.columns.join(', ')}).`,
      { field: 'body.target' },
    );
  }
  const job = newJobRecord(
    randomUUID(),
    { userId: principal.userId, username: principal.username, role: principal.role },
    { ...request, datasetVersion: dataset.version },
    deps.now().toISOString(),
  );
  await deps.jobs.create(job);
  try {
    await deps.workflow.start(job.jobId, { jobId: job.jobId });
  } catch (error) {
    // The row must not claim a job that never runs.
    await deps.jobs.updateIfActive(job.jobId, {
      status: 'FAILED',
      finishedAt: deps.now().toISOString(),
      updatedAt: deps.now().toISOString(),
      error: { reason: 'The workflow could not be started; try again.' },
    });
    throw error;
  }
  return job;
}

/**
 * The owner's unfinished jobs are counted before a new one is written. Two requests at the same
 * moment can both pass (no counter is held across the job's life), so a user can briefly exceed the
 * quota by the number of concurrent requests; the next request sees them all.
 */
async function assertActiveJobsBelowQuota(
  principal: Principal,
  deps: Pick<JobDeps, 'jobs' | 'maxActiveJobsPerUser'>,
): Promise<void> {
  const limit = deps.maxActiveJobsPerUser;
  if (limit === undefined) return;
  let active = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.jobs.listByOwner(principal.userId, { limit: 100, cursor });
    active += page.items.filter((job) => !FINISHED.has(job.status)).length;
    cursor = page.nextCursor;
  } while (cursor !== undefined && active < limit);
  if (active >= limit) {
    throw new QuotaExceededError(
      `You have ${active} training jobs pending or running; the limit is ${limit}. Wait for one to finish or cancel one.`,
      { quota: 'activeTrainingJobs', limit, used: active },
    );
  }
}

export async function getTrainingJob(principal: Principal, jobId: string, deps: Pick<JobDeps, 'jobs'>) {
  return requireAccess(principal, await deps.jobs.get(jobId), 'read', jobNotFound(jobId));
}

/** A jobs table's listings, as training and batch prediction job repositories both offer them. */
export interface JobListings<T> {
  listByOwner(ownerId: string, page: PageRequest, status?: JobStatus): Promise<Page<T>>;
  listAll(page: PageRequest, status?: JobStatus): Promise<Page<T>>;
}

/** The caller's jobs, or (admins) everyone's or one owner's, optionally of one status. */
export async function listJobs<T>(
  principal: Principal,
  query: PageRequest & { ownerId?: string; status?: JobStatus },
  jobs: JobListings<T>,
): Promise<Page<T>> {
  const ownerId = listingOwner(principal, query.ownerId);
  const page = { limit: query.limit, cursor: query.cursor };
  return ownerId === undefined
    ? jobs.listAll(page, query.status)
    : jobs.listByOwner(ownerId, page, query.status);
}

export async function listTrainingJobs(
  principal: Principal,
  query: PageRequest & { ownerId?: string; status?: JobStatus },
  deps: Pick<JobDeps, 'jobs'>,
): Promise<Page<JobRecord>> {
  return listJobs(principal, query, deps.jobs);
}

export async function cancelTrainingJob(
  principal: Principal,
  jobId: string,
  deps: JobDeps,
): Promise<JobRecord> {
  const job = requireAccess(principal, await deps.jobs.get(jobId), 'write', jobNotFound(jobId));
  if (FINISHED.has(job.status)) {
    if (job.status === 'CANCELLED') return job;
    throw new ConflictError(`The job has finished (${job.status}); there is nothing to cancel.`);
  }
  const at = deps.now().toISOString();
  const cancelled = await deps.jobs.updateIfActive(jobId, {
    status: 'CANCELLED',
    finishedAt: at,
    updatedAt: at,
  });
  await deps.workflow.stop(jobId, `Cancelled by ${principal.username}`);
  return cancelled ?? ((await deps.jobs.get(jobId)) as JobRecord);
}
