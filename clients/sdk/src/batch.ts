/**
 * Batch predictions from a local file: presign an upload, PUT the file with progress, start the job
 * (the version is fixed when it starts), wait for it with a progress callback. The output file is
 * at `downloads.output` of the finished job.
 */
import { type PlatformClient, type Schemas, unwrap } from './client.ts';
import { pollUntilFinished } from './jobs.ts';
import { type ProgressCallback, putToPresignedUrl, sourceSize } from './transfer.ts';

export type BatchPrediction = Schemas['BatchPrediction'];
export type BatchFileFormat = 'csv' | 'jsonl';

export interface BatchFromFileOptions {
  /** The rows: a CSV with a header row, or JSON Lines. */
  readonly path: string;
  readonly format: BatchFileFormat;
  readonly output?: { readonly format?: BatchFileFormat; readonly probabilities?: boolean };
  readonly version?: number;
  readonly alias?: string;
  readonly maxErrorRate?: number;
  readonly onUploadProgress?: ProgressCallback;
}

export class BatchWaitTimeoutError extends Error {
  readonly job: BatchPrediction;

  constructor(job: BatchPrediction, timeoutMs: number) {
    super(`Batch prediction ${job.jobId} was still ${job.status} after ${timeoutMs} ms.`);
    this.name = 'BatchWaitTimeoutError';
    this.job = job;
  }
}

/**
 * Uploads the file and starts the job; answers the job as started (202).
 * @example
 * const job = await startBatchPredictionFromFile(client, 'iris', { path: 'rows.csv', format: 'csv' });
 */
export async function startBatchPredictionFromFile(
  client: PlatformClient,
  model: string,
  options: BatchFromFileOptions,
): Promise<BatchPrediction> {
  const sizeBytes = await sourceSize({ path: options.path });
  const upload = unwrap(
    await client.api.POST('/v1/batch-predictions/uploads', { body: { format: options.format, sizeBytes } }),
  );
  await putToPresignedUrl(upload.uploadUrl, { path: options.path }, options.onUploadProgress);
  return unwrap(
    await client.api.POST('/v1/batch-predictions', {
      body: {
        model,
        ...(options.version === undefined ? {} : { version: options.version }),
        ...(options.alias === undefined ? {} : { alias: options.alias }),
        input: { uploadId: upload.uploadId, format: options.format },
        output: {
          format: options.output?.format ?? 'csv',
          passthrough: [],
          probabilities: options.output?.probabilities ?? false,
        },
        maxErrorRate: options.maxErrorRate ?? 0,
      },
    }),
  );
}

/**
 * Polls until SUCCEEDED, FAILED or CANCELLED (a failed job is returned, not thrown); `onProgress`
 * sees each change of status or row counts.
 * @throws BatchWaitTimeoutError after `timeoutMs`; ApiError for a refused read.
 */
export function waitForBatchPrediction(
  client: PlatformClient,
  jobId: string,
  options: {
    readonly onProgress?: (job: BatchPrediction) => void;
    readonly intervalMs?: number;
    readonly timeoutMs?: number;
    readonly signal?: AbortSignal;
  } = {},
): Promise<BatchPrediction> {
  return pollUntilFinished(
    (signal) =>
      client.api.GET('/v1/batch-predictions/{jobId}', {
        params: { path: { jobId } },
        ...(signal ? { signal } : {}),
      }),
    (job) => `${job.status}/${job.rows.total ?? ''}/${job.rows.done}/${job.rows.errors}`,
    options,
    (job) => new BatchWaitTimeoutError(job, options.timeoutMs ?? 0),
  );
}
