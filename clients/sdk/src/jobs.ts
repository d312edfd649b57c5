/** Start a training job and wait for it, with a callback for each change of step or progress. */
import { type PlatformClient, type Schemas, unwrap } from './client.ts';

export type TrainingJob = Schemas['TrainingJob'];
export type CreateTrainingJobRequest = Schemas['CreateTrainingJobRequest'];

const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export interface WaitOptions {
  /** Called with the first answer and whenever status, step or progress change. */
  readonly onProgress?: (job: TrainingJob) => void;
  /** Default 1000 ms. */
  readonly intervalMs?: number;
  /** Give up after this long (default: never). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export class WaitTimeoutError extends Error {
  readonly job: TrainingJob;

  constructor(job: TrainingJob, timeoutMs: number) {
    super(`Training job ${job.jobId} was still ${job.status} after ${timeoutMs} ms.`);
    this.name = 'WaitTimeoutError';
    this.job = job;
  }
}

/**
 * @example
 * const job = unwrap(await client.api.POST('/v1/training-jobs', { body: { dataset: 'iris', target: 'species', modelName: 'iris' } }));
 */
export async function startTrainingJob(
  client: PlatformClient,
  request: CreateTrainingJobRequest,
): Promise<TrainingJob> {
  return unwrap(await client.api.POST('/v1/training-jobs', { body: request }));
}

/**
 * Polls the job until it is SUCCEEDED, FAILED or CANCELLED, and returns it (a failed job is returned,
 * not thrown: its `error` says which step failed and why).
 * @throws WaitTimeoutError after `timeoutMs`; the signal's reason when aborted; ApiError for a refused read.
 * @example
 * const done = await waitForTrainingJob(client, job.jobId, { onProgress: (j) => console.log(j.step, j.progress) });
 */
export async function waitForTrainingJob(
  client: PlatformClient,
  jobId: string,
  options: WaitOptions = {},
): Promise<TrainingJob> {
  return pollUntilFinished(
    (signal) =>
      client.api.GET('/v1/training-jobs/{jobId}', {
        params: { path: { jobId } },
        ...(signal ? { signal } : {}),
      }),
    (job) => `${job.status}/${job.step ?? ''}/${job.progress}`,
    options,
    (job) => new WaitTimeoutError(job, options.timeoutMs ?? 0),
  );
}

/**
 * Reads a job until its status is SUCCEEDED, FAILED or CANCELLED, calling `onProgress` with the
 * first answer and whenever `seen(job)` changes. Shared by the training and batch-prediction waits.
 */
export async function pollUntilFinished<J extends { readonly status: string }>(
  read: (signal: AbortSignal | undefined) => Promise<{ data?: J; error?: unknown; response: Response }>,
  seen: (job: J) => string,
  options: {
    readonly onProgress?: (job: J) => void;
    readonly intervalMs?: number;
    readonly timeoutMs?: number;
    readonly signal?: AbortSignal;
  },
  timedOut: (job: J) => Error,
): Promise<J> {
  const intervalMs = options.intervalMs ?? 1000;
  const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
  let last = '';
  for (;;) {
    options.signal?.throwIfAborted();
    const job = unwrap(await read(options.signal));
    const now = seen(job);
    if (now !== last) {
      last = now;
      options.onProgress?.(job);
    }
    if (FINISHED.has(job.status)) return job;
    if (deadline !== undefined && Date.now() >= deadline) throw timedOut(job);
    await sleep(intervalMs, options.signal);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
