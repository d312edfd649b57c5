/**
 * Batch predictions in the usage counts: a finished batch job is one request of its owner, with the
 * rows it read, on the model version it pinned and the alias that chose it, in the minute it
 * finished; its outcome is 2xx (succeeded), 4xx (refused: the user's data, e.g. past maxErrorRate)
 * or 5xx (failed on a platform fault). It adds no latency sample: a job's hours are not a request's
 * latency, and the percentiles stay those of real-time predictions.
 */
import type { BatchJobRecord } from '../batch/batch-jobs.ts';
import { emptyCounts, minuteOf, type UsageAggregate } from './usage-records.ts';

export type BatchOutcome = 'succeeded' | 'refused' | 'failed';

export function batchJobUsage(job: BatchJobRecord, outcome: BatchOutcome, at: Date): UsageAggregate {
  return {
    minute: minuteOf(at.getTime()),
    model: job.model.name,
    version: job.model.version,
    alias: job.model.alias ?? '',
    caller: `user:${job.ownerId}`,
    callerName: job.ownerUsername,
    ...emptyCounts(),
    requests: 1,
    rows: job.rowsDone,
    succeeded: outcome === 'succeeded' ? 1 : 0,
    clientErrors: outcome === 'refused' ? 1 : 0,
    serverErrors: outcome === 'failed' ? 1 : 0,
  };
}

/** Where a finished job's usage goes (the usage table); a failed write is the sink's to report. */
export interface BatchUsageSink {
  record(job: BatchJobRecord, outcome: BatchOutcome): Promise<void>;
}
