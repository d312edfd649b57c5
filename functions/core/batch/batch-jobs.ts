/**
 * Batch prediction jobs, the async job pattern: a request is checked (the model version is resolved
 * and fixed now, the input must exist) → a PENDING job row → the workflow plans it (RUNNING), runs
 * its chunks and finalizes it: SUCCEEDED with one output file, FAILED with a reason, or CANCELLED.
 * A finished job never changes again.
 */
import { randomUUID } from 'node:crypto';
import { requireAccess } from '../auth/access-rules.ts';
import type { Principal } from '../auth/principal.ts';
import type { DatasetFormat } from '../datasets/dataset-records.ts';
import { ConflictError, NotFoundError, UnprocessableError } from '../errors.ts';
import type { Page, PageRequest } from '../pagination.ts';
import { resolveServingVersion, type ServingReads } from '../registry/aliases.ts';
import { FINISHED, type JobStatus, listJobs, type WorkflowStarter } from '../training/jobs.ts';
import type { OutputSpec } from './output-format.ts';

export { FINISHED, JOB_STATUSES, type JobStatus } from '../training/jobs.ts';

export type BatchInputRequest =
  | { readonly dataset: { readonly name: string; readonly version?: number } }
  | { readonly uploadId: string; readonly format: DatasetFormat };

export interface BatchJobRequest {
  readonly model: string;
  readonly alias?: string;
  readonly version?: number;
  readonly input: BatchInputRequest & { readonly features?: readonly string[] };
  readonly output: OutputSpec;
  /** Share of rows (0–1) that may be refused before the job fails. */
  readonly maxErrorRate: number;
}

export interface BatchJobRecord {
  readonly jobId: string;
  readonly ownerId: string;
  readonly ownerUsername: string;
  readonly ownerRole: 'admin' | 'user';
  readonly request: BatchJobRequest;
  /**
   * Fixed when the job starts: an alias moving later changes nothing. The artifact is pinned (S3
   * object version, SHA-256) and checked at load as real-time serving checks it.
   */
  readonly model: {
    readonly name: string;
    readonly version: number;
    readonly artifactKey: string;
    readonly artifactVersionId?: string;
    readonly sha256: string;
    readonly alias?: string;
  };
  /** The file read: a dataset version's immutable copy or the caller's upload. */
  readonly input: {
    readonly key: string;
    readonly format: DatasetFormat;
    readonly dataset?: { readonly name: string; readonly version: number };
  };
  readonly status: JobStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly startedAt?: string;
  readonly plannedAt?: string;
  readonly finishedAt?: string;
  readonly rowsTotal?: number;
  readonly chunkCount?: number;
  readonly rowsDone: number;
  readonly errorCount: number;
  readonly chunksDone: number;
  readonly outputKey?: string;
  readonly errorsKey?: string;
  readonly outputBytes?: number;
  readonly error?: { readonly step?: string; readonly reason: string };
}

export type BatchJobChange = Partial<
  Omit<BatchJobRecord, 'jobId' | 'ownerId' | 'ownerUsername' | 'ownerRole' | 'request' | 'model' | 'input'>
>;

export interface BatchJobRepository {
  create(job: BatchJobRecord): Promise<void>;
  get(jobId: string): Promise<BatchJobRecord | undefined>;
  listByOwner(ownerId: string, page: PageRequest, status?: JobStatus): Promise<Page<BatchJobRecord>>;
  listAll(page: PageRequest, status?: JobStatus): Promise<Page<BatchJobRecord>>;
  /** Applies `change` unless the job has finished (then resolves to undefined). */
  updateIfActive(jobId: string, change: BatchJobChange): Promise<BatchJobRecord | undefined>;
  /**
   * Adds a chunk's counts once: a retried chunk that was counted already changes nothing. Resolves
   * to undefined when the job has finished.
   */
  recordChunk(
    jobId: string,
    chunk: number,
    counts: { rows: number; errors: number },
    at: string,
  ): Promise<BatchJobRecord | undefined>;
}

/** Where a dataset version's file is, for a caller who may read it. */
export interface BatchDatasetAccess {
  readyFile(
    principal: Principal,
    name: string,
    version?: number,
  ): Promise<{ version: number; key: string; format: DatasetFormat } | undefined>;
}

export interface BatchInputFiles {
  /** Undefined when there is no such object. */
  size(key: string): Promise<number | undefined>;
}

export interface BatchJobDeps {
  readonly jobs: BatchJobRepository;
  readonly workflow: WorkflowStarter;
  readonly registry: ServingReads;
  readonly datasets: BatchDatasetAccess;
  readonly files: BatchInputFiles;
  readonly now: () => Date;
}

export function batchJobNotFound(jobId: string): string {
  return `No batch prediction job ${jobId}.`;
}

/**
 * Where a caller's uploaded input goes: under their own id, so no one else's upload can be named;
 * under `uploads/`, which the bucket's lifecycle rule expires after two days.
 */
export function uploadKey(ownerId: string, uploadId: string, format: DatasetFormat): string {
  return `uploads/batch-predictions/${ownerId}/${uploadId}.${format}`;
}

/** Where the Distributed Map's ResultWriter puts each run's results (the ASL names it too). */
export const MAP_RESULTS_PREFIX = 'batch-predictions/map-results';

export const batchKeys = {
  plan: (jobId: string) => `batch-predictions/jobs/${jobId}/plan.json`,
  manifest: (jobId: string) => `batch-predictions/jobs/${jobId}/manifest.json`,
  part: (jobId: string, chunk: number) =>
    `batch-predictions/jobs/${jobId}/parts/${String(chunk).padStart(6, '0')}.out`,
  errorsPart: (jobId: string, chunk: number) =>
    `batch-predictions/jobs/${jobId}/parts/${String(chunk).padStart(6, '0')}.errors`,
  summary: (jobId: string, chunk: number) =>
    `batch-predictions/jobs/${jobId}/parts/${String(chunk).padStart(6, '0')}.json`,
  output: (jobId: string, format: string) => `batch-predictions/jobs/${jobId}/output/predictions.${format}`,
  errors: (jobId: string) => `batch-predictions/jobs/${jobId}/output/errors.csv`,
};

async function resolveInput(
  principal: Principal,
  request: BatchJobRequest,
  deps: BatchJobDeps,
): Promise<BatchJobRecord['input']> {
  const input = request.input;
  if ('dataset' in input) {
    const file = await deps.datasets.readyFile(principal, input.dataset.name, input.dataset.version);
    if (file === undefined) {
      throw new NotFoundError(
        input.dataset.version === undefined
          ? `No ready dataset named ${input.dataset.name}.`
          : `Dataset ${input.dataset.name} has no ready version ${input.dataset.version}.`,
      );
    }
    return {
      key: file.key,
      format: file.format,
      dataset: { name: input.dataset.name, version: file.version },
    };
  }
  const key = uploadKey(principal.userId, input.uploadId, input.format);
  if ((await deps.files.size(key)) === undefined) {
    throw new UnprocessableError(
      `Nothing was uploaded for upload ${input.uploadId} (${input.format}); PUT the file to its upload URL first.`,
      { field: 'body.input.uploadId' },
    );
  }
  return { key, format: input.format };
}

export async function startBatchJob(
  principal: Principal,
  request: BatchJobRequest,
  deps: BatchJobDeps,
): Promise<BatchJobRecord> {
  const choice = await resolveServingVersion(
    principal,
    request.model,
    {
      ...(request.version === undefined ? {} : { version: request.version }),
      ...(request.alias === undefined ? {} : { alias: request.alias }),
    },
    deps.registry,
  );
  const input = await resolveInput(principal, request, deps);
  const at = deps.now().toISOString();
  const job: BatchJobRecord = {
    jobId: randomUUID(),
    ownerId: principal.userId,
    ownerUsername: principal.username,
    ownerRole: principal.role,
    request,
    model: {
      name: request.model,
      version: choice.version.version,
      artifactKey: choice.version.artifactKey,
      ...(choice.version.artifactVersionId === undefined
        ? {}
        : { artifactVersionId: choice.version.artifactVersionId }),
      sha256: choice.version.sha256,
      ...(choice.alias === undefined ? {} : { alias: choice.alias }),
    },
    input,
    status: 'PENDING',
    createdAt: at,
    updatedAt: at,
    rowsDone: 0,
    errorCount: 0,
    chunksDone: 0,
  };
  await deps.jobs.create(job);
  try {
    await deps.workflow.start(job.jobId, { jobId: job.jobId });
  } catch (error) {
    // The row must not claim a job that never runs.
    const failedAt = deps.now().toISOString();
    await deps.jobs.updateIfActive(job.jobId, {
      status: 'FAILED',
      finishedAt: failedAt,
      updatedAt: failedAt,
      error: { reason: 'The workflow could not be started; try again.' },
    });
    throw error;
  }
  return job;
}

export async function getBatchJob(principal: Principal, jobId: string, deps: Pick<BatchJobDeps, 'jobs'>) {
  return requireAccess(principal, await deps.jobs.get(jobId), 'read', batchJobNotFound(jobId));
}

export async function listBatchJobs(
  principal: Principal,
  query: PageRequest & { ownerId?: string; status?: JobStatus },
  deps: Pick<BatchJobDeps, 'jobs'>,
): Promise<Page<BatchJobRecord>> {
  return listJobs(principal, query, deps.jobs);
}

export async function cancelBatchJob(
  principal: Principal,
  jobId: string,
  deps: Pick<BatchJobDeps, 'jobs' | 'workflow' | 'now'>,
): Promise<BatchJobRecord> {
  const job = requireAccess(principal, await deps.jobs.get(jobId), 'write', batchJobNotFound(jobId));
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
  return cancelled ?? ((await deps.jobs.get(jobId)) as BatchJobRecord);
}

/** Rows per second over the job's running time so far (or in all, once finished). */
export function rowsPerSecond(job: BatchJobRecord, now: Date): number | undefined {
  if (job.startedAt === undefined || job.rowsDone === 0) return undefined;
  const end = job.finishedAt === undefined ? now.getTime() : Date.parse(job.finishedAt);
  const seconds = (end - Date.parse(job.startedAt)) / 1000;
  return seconds > 0 ? Math.round(job.rowsDone / seconds) : undefined;
}

/** Presigned URLs, so the files never pass through a Lambda. */
export interface BatchTransfers {
  /** The URL is signed for exactly `sizeBytes` bytes. */
  presignedUploadUrl(key: string, expiresInSeconds: number, sizeBytes: number): Promise<string>;
  presignedDownloadUrl(key: string, expiresInSeconds: number, fileName: string): Promise<string>;
}

export const UPLOAD_URL_SECONDS = 60 * 60;
export const DOWNLOAD_URL_SECONDS = 60 * 60;

/** A URL to PUT an input file to; the upload id then names it in a job request. */
export async function createBatchUpload(
  principal: Principal,
  file: { readonly format: DatasetFormat; readonly sizeBytes: number },
  deps: { readonly transfers: BatchTransfers; readonly now: () => Date },
) {
  const { format, sizeBytes } = file;
  const uploadId = randomUUID();
  const expiresAt = new Date(deps.now().getTime() + UPLOAD_URL_SECONDS * 1000).toISOString();
  return {
    uploadId,
    format,
    sizeBytes,
    uploadUrl: await deps.transfers.presignedUploadUrl(
      uploadKey(principal.userId, uploadId, format),
      UPLOAD_URL_SECONDS,
      sizeBytes,
    ),
    method: 'PUT' as const,
    expiresAt,
  };
}

export interface BatchDownloads {
  readonly expiresAt: string;
  /** SUCCEEDED jobs only: the one output file. */
  readonly output?: string;
  /** Once finalize ran (SUCCEEDED, or FAILED past maxErrorRate): the refused rows. */
  readonly errors?: string;
}

/** The job, with download URLs for what it produced; a job that did not succeed offers no output. */
export async function describeBatchJob(
  principal: Principal,
  jobId: string,
  deps: { readonly jobs: BatchJobRepository; readonly transfers: BatchTransfers; readonly now: () => Date },
): Promise<{ job: BatchJobRecord; downloads?: BatchDownloads }> {
  const job = await getBatchJob(principal, jobId, deps);
  const output = job.status === 'SUCCEEDED' ? job.outputKey : undefined;
  const errors = job.status === 'SUCCEEDED' || job.status === 'FAILED' ? job.errorsKey : undefined;
  if (output === undefined && errors === undefined) return { job };
  const expiresAt = new Date(deps.now().getTime() + DOWNLOAD_URL_SECONDS * 1000).toISOString();
  return {
    job,
    downloads: {
      expiresAt,
      ...(output === undefined
        ? {}
        : {
            output: await deps.transfers.presignedDownloadUrl(
              output,
              DOWNLOAD_URL_SECONDS,
              `predictions-${jobId}.${job.request.output.format}`,
            ),
          }),
      ...(errors === undefined
        ? {}
        : {
            errors: await deps.transfers.presignedDownloadUrl(
              errors,
              DOWNLOAD_URL_SECONDS,
              `errors-${jobId}.csv`,
            ),
          }),
    },
  };
}
