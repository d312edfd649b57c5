/**
 * The batch workflow's steps (state-machines/batch-predictions.asl.json):
 * plan → (Distributed Map) chunk × N → finalize, and fail when a step fails for good.
 *
 * Every file a step writes has a key derived from the job and the chunk index, so a retried step
 * rewrites the same objects; a chunk's counts reach the job row once however often it runs. Only
 * finalize makes the output object, assembled in one multipart upload that S3 shows only once it is
 * complete, and only when the refused rows stay within `maxErrorRate`: no partial output is ever
 * the result. A step for a job that has finished (cancelled, say) does nothing.
 */

import { NotFoundError, UnprocessableError } from '../errors.ts';
import type { BatchOutcome, BatchUsageSink } from '../monitoring/batch-usage.ts';
import type { ServedArtifact } from '../registry/artifact-integrity.ts';
import { type ExecutionEnded, executionEndReason } from '../training/execution-ended.ts';
import { FINISHED } from '../training/jobs.ts';
import type { BatchJobRecord, BatchJobRepository } from './batch-jobs.ts';
import { batchKeys } from './batch-jobs.ts';
import { type ChunkPlan, type PlannedChunk, planChunks } from './chunk-plan.ts';
import { type BatchModel, runChunk } from './chunk-runner.ts';
import { ERRORS_HEADER, errorLine } from './output-format.ts';
import { instanceMapping } from './row-instances.ts';

export interface BatchFiles {
  readonly bucket: string;
  /** The object's bytes, streamed; `range` is [start, end) in bytes. Undefined when it is missing. */
  open(key: string, range?: { start: number; end: number }): Promise<AsyncIterable<Uint8Array> | undefined>;
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, body: string | Uint8Array, contentType: string): Promise<void>;
  /**
   * Writes `target` as the concatenation of `parts`, in order, in one multipart upload: readers see
   * no object until it is complete. Returns its size.
   */
  concatenate(
    target: string,
    parts: readonly string[],
    options: { contentType: string; metadata: Record<string, string> },
  ): Promise<number>;
  delete(keys: readonly string[]): Promise<void>;
}

export interface LoadedBatchModel {
  readonly model: BatchModel;
  release(): void;
}

export interface BatchModelLoader {
  /** The job's pinned artifact, checked against its SHA-256 as real-time serving checks it. */
  load(artifact: ServedArtifact): Promise<LoadedBatchModel>;
}

function artifactOf(job: BatchJobRecord): ServedArtifact {
  return {
    modelName: job.model.name,
    version: job.model.version,
    artifactKey: job.model.artifactKey,
    sha256: job.model.sha256,
    ...(job.model.artifactVersionId === undefined ? {} : { artifactVersionId: job.model.artifactVersionId }),
  };
}

/** The workflow's settings (its parameters in functions/steps/workflows.ts), handed to the plan step. */
export interface BatchStepSettings {
  readonly targetChunkBytes: number;
  /** Plans with at most this many chunks hand them to the Map inline; more go through the S3 manifest. */
  readonly inlineChunkLimit: number;
  readonly maxConcurrency: number;
}

export interface BatchStepDeps {
  readonly jobs: BatchJobRepository;
  readonly files: BatchFiles;
  readonly models: BatchModelLoader;
  /** Counts each finished job in the usage of its model (absent: not counted). */
  readonly usage?: BatchUsageSink;
  readonly now: () => Date;
}

/** Counts a job once, by the step whose write finished it. */
async function countFinished(
  finished: BatchJobRecord | undefined,
  outcome: BatchOutcome,
  deps: Pick<BatchStepDeps, 'usage'>,
): Promise<void> {
  if (finished !== undefined) await deps.usage?.record(finished, outcome);
}

/** What the plan step hands the workflow: small, whatever the number of chunks when they are not inline. */
export interface PlanResult {
  readonly jobId: string;
  readonly active: boolean;
  readonly chunkCount: number;
  readonly maxConcurrency: number;
  readonly manifest: { readonly bucket: string; readonly key: string };
  readonly chunks?: readonly PlannedChunk[];
}

/** plan.json: what every chunk needs besides its byte range. */
interface StoredPlan {
  readonly format: ChunkPlan['format'];
  readonly header?: readonly string[];
  readonly totalRows: number;
  readonly chunkCount: number;
}

interface ChunkSummary {
  readonly index: number;
  readonly rows: number;
  readonly predicted: number;
  readonly errors: number;
}

const decoder = new TextDecoder();
const json = <T>(bytes: Uint8Array | undefined, what: string): T => {
  if (bytes === undefined) throw new NotFoundError(`${what} is missing from storage.`);
  return JSON.parse(decoder.decode(bytes)) as T;
};

async function jobFor(jobId: string, deps: Pick<BatchStepDeps, 'jobs'>): Promise<BatchJobRecord> {
  const job = await deps.jobs.get(jobId);
  if (job === undefined) throw new NotFoundError(`No batch prediction job ${jobId}.`);
  return job;
}

function mappingFor(job: BatchJobRecord, model: BatchModel, header: readonly string[] | undefined) {
  return instanceMapping(model.inputs, header, {
    passthrough: job.request.output.passthrough,
    ...(job.request.input.features === undefined ? {} : { features: job.request.input.features }),
  });
}

export async function planBatchJob(
  jobId: string,
  settings: BatchStepSettings,
  deps: BatchStepDeps,
): Promise<PlanResult> {
  const { files } = deps;
  const job = await jobFor(jobId, deps);
  const skipped: PlanResult = {
    jobId,
    active: false,
    chunkCount: 0,
    maxConcurrency: settings.maxConcurrency,
    manifest: { bucket: files.bucket, key: batchKeys.manifest(jobId) },
  };
  if (FINISHED.has(job.status)) return skipped;
  const at = deps.now().toISOString();
  if (
    (await deps.jobs.updateIfActive(jobId, {
      status: 'RUNNING',
      startedAt: job.startedAt ?? at,
      updatedAt: at,
    })) === undefined
  )
    return skipped;

  const body = await files.open(job.input.key);
  if (body === undefined) throw new NotFoundError('The input file is missing from storage.');
  const plan = await planChunks(body, {
    format: job.input.format,
    targetChunkBytes: settings.targetChunkBytes,
  });
  if (plan.totalRows === 0)
    throw new UnprocessableError('The input file has no rows to predict.', { field: 'input' });
  // Refuses now, before any chunk runs, a file that cannot feed the model.
  const loaded = await deps.models.load(artifactOf(job));
  try {
    mappingFor(job, loaded.model, plan.header);
  } finally {
    loaded.release();
  }
  const stored: StoredPlan = {
    format: plan.format,
    ...(plan.header === undefined ? {} : { header: plan.header }),
    totalRows: plan.totalRows,
    chunkCount: plan.chunks.length,
  };
  await files.put(batchKeys.plan(jobId), JSON.stringify(stored), 'application/json');
  await files.put(batchKeys.manifest(jobId), JSON.stringify(plan.chunks), 'application/json');
  const plannedAt = deps.now().toISOString();
  await deps.jobs.updateIfActive(jobId, {
    rowsTotal: plan.totalRows,
    chunkCount: plan.chunks.length,
    plannedAt,
    updatedAt: plannedAt,
  });
  return {
    ...skipped,
    active: true,
    chunkCount: plan.chunks.length,
    ...(plan.chunks.length <= settings.inlineChunkLimit ? { chunks: plan.chunks } : {}),
  };
}

export interface ChunkTask {
  readonly jobId: string;
  readonly chunk: PlannedChunk;
}

export async function runBatchChunk(
  task: ChunkTask,
  deps: BatchStepDeps,
): Promise<ChunkSummary & { readonly skipped?: true }> {
  const { jobId, chunk } = task;
  const job = await jobFor(jobId, deps);
  if (FINISHED.has(job.status))
    return { index: chunk.index, rows: 0, predicted: 0, errors: 0, skipped: true };
  const plan = json<StoredPlan>(await deps.files.get(batchKeys.plan(jobId)), 'The job plan');
  const body = await deps.files.open(job.input.key, { start: chunk.start, end: chunk.end });
  if (body === undefined) throw new NotFoundError('The input file is missing from storage.');
  const loaded = await deps.models.load(artifactOf(job));
  let result: Awaited<ReturnType<typeof runChunk>>;
  try {
    result = await runChunk(body, chunk, {
      format: plan.format,
      ...(plan.header === undefined ? {} : { header: plan.header }),
      mapping: mappingFor(job, loaded.model, plan.header),
      model: loaded.model,
      output: job.request.output,
      modelVersion: job.model.version,
      writeHeader: chunk.index === 0,
    });
  } finally {
    loaded.release();
  }
  const contentType = job.request.output.format === 'csv' ? 'text/csv' : 'application/x-ndjson';
  const errorText = (chunk.index === 0 ? ERRORS_HEADER : '') + result.errors.map(errorLine).join('');
  await deps.files.put(batchKeys.part(jobId, chunk.index), result.output, contentType);
  await deps.files.put(batchKeys.errorsPart(jobId, chunk.index), errorText, 'text/csv');
  const summary: ChunkSummary = {
    index: chunk.index,
    rows: result.rows,
    predicted: result.predicted,
    errors: result.errors.length,
  };
  // Written last: a summary means the chunk's parts are complete.
  await deps.files.put(batchKeys.summary(jobId, chunk.index), JSON.stringify(summary), 'application/json');
  await deps.jobs.recordChunk(
    jobId,
    chunk.index,
    { rows: result.rows, errors: result.errors.length },
    deps.now().toISOString(),
  );
  return summary;
}

export interface FinalizeResult {
  readonly jobId: string;
  readonly status: BatchJobRecord['status'];
  readonly reason?: string;
}

const percent = (share: number) => `${Math.round(share * 10000) / 100}%`;

export async function finalizeBatchJob(
  jobId: string,
  deps: Pick<BatchStepDeps, 'jobs' | 'files' | 'now' | 'usage'>,
): Promise<FinalizeResult> {
  const { files } = deps;
  const job = await jobFor(jobId, deps);
  if (FINISHED.has(job.status)) return { jobId, status: job.status };
  const plan = json<StoredPlan>(await files.get(batchKeys.plan(jobId)), 'The job plan');
  const indexes = Array.from({ length: plan.chunkCount }, (_, i) => i);
  const summaries = await Promise.all(
    indexes.map(async (i) =>
      json<ChunkSummary>(await files.get(batchKeys.summary(jobId, i)), `The result of chunk ${i}`),
    ),
  );
  const rows = summaries.reduce((sum, s) => sum + s.rows, 0);
  const errors = summaries.reduce((sum, s) => sum + s.errors, 0);
  const errorsKey = batchKeys.errors(jobId);
  await files.concatenate(
    errorsKey,
    indexes.map((i) => batchKeys.errorsPart(jobId, i)),
    { contentType: 'text/csv', metadata: { 'job-id': jobId } },
  );
  const at = deps.now().toISOString();
  const counts = {
    rowsDone: rows,
    errorCount: errors,
    chunksDone: plan.chunkCount,
    errorsKey,
    updatedAt: at,
  };
  const errorRate = rows === 0 ? 0 : errors / rows;
  if (errorRate > job.request.maxErrorRate) {
    const reason = `${errors} of ${rows} rows were refused (${percent(errorRate)}), more than maxErrorRate (${percent(job.request.maxErrorRate)}); see the errors file. No output was written.`;
    const refused = await deps.jobs.updateIfActive(jobId, {
      ...counts,
      status: 'FAILED',
      finishedAt: at,
      error: { step: 'finalize', reason },
    });
    await countFinished(refused, 'refused', deps);
    return { jobId, status: 'FAILED', reason };
  }
  const format = job.request.output.format;
  const outputKey = batchKeys.output(jobId, format);
  const outputBytes = await files.concatenate(
    outputKey,
    indexes.map((i) => batchKeys.part(jobId, i)),
    {
      contentType: format === 'csv' ? 'text/csv' : 'application/x-ndjson',
      metadata: { 'job-id': jobId, model: job.model.name, 'model-version': String(job.model.version) },
    },
  );
  const done = await deps.jobs.updateIfActive(jobId, {
    ...counts,
    status: 'SUCCEEDED',
    outputKey,
    outputBytes,
    finishedAt: deps.now().toISOString(),
  });
  if (done === undefined) return { jobId, status: (await jobFor(jobId, deps)).status };
  await countFinished(done, 'succeeded', deps);
  // The parts are copies now; the output stands without them.
  await files.delete(indexes.flatMap((i) => [batchKeys.part(jobId, i), batchKeys.errorsPart(jobId, i)]));
  return { jobId, status: 'SUCCEEDED' };
}

/** `outcome`: `refused` when a step refused the user's data or request, `failed` on a platform fault. */
export async function failBatchJob(
  jobId: string,
  reason: string,
  deps: Pick<BatchStepDeps, 'jobs' | 'now' | 'usage'>,
  outcome: Exclude<BatchOutcome, 'succeeded'> = 'failed',
) {
  const at = deps.now().toISOString();
  const failed = await deps.jobs.updateIfActive(jobId, {
    status: 'FAILED',
    finishedAt: at,
    updatedAt: at,
    error: { reason },
  });
  await countFinished(failed, outcome, deps);
  return { jobId, status: 'FAILED' as const };
}

/**
 * The job of a batch execution that ended without the workflow ending it (timed out, aborted, failed
 * outside its Catch, or taken along by a stopped local process) ends FAILED with how it ended. A job
 * that has finished (SUCCEEDED, FAILED by its Catch, CANCELLED: a cancel aborts the execution) stays.
 */
export async function endBatchJobOfExecution(
  event: ExecutionEnded,
  deps: Pick<BatchStepDeps, 'jobs' | 'now'>,
): Promise<{ readonly outcome: 'ended' | 'already-finished' | 'no-such-job'; readonly jobId: string }> {
  const job = await deps.jobs.get(event.jobId);
  if (job === undefined) return { outcome: 'no-such-job', jobId: event.jobId };
  if (FINISHED.has(job.status)) return { outcome: 'already-finished', jobId: event.jobId };
  const at = deps.now().toISOString();
  const ended = await deps.jobs.updateIfActive(event.jobId, {
    status: 'FAILED',
    finishedAt: at,
    updatedAt: at,
    error: { reason: executionEndReason(event) },
  });
  return { outcome: ended === undefined ? 'already-finished' : 'ended', jobId: event.jobId };
}
