import { type BatchDownloads, type BatchJobRecord, rowsPerSecond } from '#core/batch/batch-jobs.ts';

/** A job as the API shows it: storage keys and the owner's role at submission stay internal. */
export function batchJobView(job: BatchJobRecord, now: Date, downloads?: BatchDownloads) {
  const speed = rowsPerSecond(job, now);
  const duration =
    job.startedAt !== undefined && job.finishedAt !== undefined
      ? Date.parse(job.finishedAt) - Date.parse(job.startedAt)
      : undefined;
  return {
    jobId: job.jobId,
    ownerId: job.ownerId,
    ownerUsername: job.ownerUsername,
    status: job.status,
    model: {
      name: job.model.name,
      version: job.model.version,
      ...(job.model.alias === undefined ? {} : { alias: job.model.alias }),
    },
    input: { format: job.input.format, ...(job.input.dataset ? { dataset: job.input.dataset } : {}) },
    output: job.request.output,
    maxErrorRate: job.request.maxErrorRate,
    rows: {
      ...(job.rowsTotal === undefined ? {} : { total: job.rowsTotal }),
      done: job.rowsDone,
      errors: job.errorCount,
    },
    chunks: { ...(job.chunkCount === undefined ? {} : { total: job.chunkCount }), done: job.chunksDone },
    ...(speed === undefined ? {} : { rowsPerSecond: speed }),
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    ...(job.startedAt ? { startedAt: job.startedAt } : {}),
    ...(job.plannedAt ? { plannedAt: job.plannedAt } : {}),
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
    ...(duration === undefined ? {} : { durationMs: duration }),
    ...(job.outputBytes === undefined ? {} : { outputBytes: job.outputBytes }),
    ...(job.error ? { error: job.error } : {}),
    ...(downloads ? { downloads } : {}),
  };
}
