/**
 * Ends a job whose workflow execution ended without the workflow ending the job: the execution's
 * end (FAILED, TIMED_OUT, ABORTED) arrives as an event → the job, if still PENDING or RUNNING, becomes
 * FAILED with a reason naming how the execution ended. A timeout or an abort skips the ASL's Catch,
 * and a process that dies takes its execution with it, so without this the job would stay RUNNING.
 *
 * Safe to run twice and in any order with the workflow's own failure path: the write is conditional on
 * the job still being active, so a job that has ended (SUCCEEDED, FAILED by its Catch, CANCELLED)
 * stays as it is, and an execution with no job (started by hand with a bad input) changes nothing.
 */
import type { JobRecord, JobRepository } from './jobs.ts';
import { FINISHED } from './jobs.ts';

/** The execution statuses whose end this use case reconciles (EventBridge's rule matches these). */
export const UNFINISHED_EXECUTION_ENDS = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type ExecutionEnd = (typeof UNFINISHED_EXECUTION_ENDS)[number];

export interface ExecutionEnded {
  /** The execution's name: the job id. */
  readonly jobId: string;
  readonly status: ExecutionEnd;
  readonly error?: string;
  readonly cause?: string;
}

export type ExecutionEndedOutcome =
  | { readonly outcome: 'ended'; readonly job: JobRecord }
  | { readonly outcome: 'already-finished' | 'no-such-job'; readonly jobId: string };

const MAX_REASON_CHARS = 1000;

const HEADLINES: Readonly<Record<ExecutionEnd, string>> = {
  TIMED_OUT: 'The workflow ran past its time limit and was stopped',
  ABORTED: 'The workflow execution was stopped before the job ended',
  FAILED: "The workflow execution failed outside its steps' error handling",
};

/** What the execution says about its end: a Lambda error payload's message, else the cause, else the error. */
function detailOf(event: Pick<ExecutionEnded, 'error' | 'cause'>): string | undefined {
  const cause = event.cause?.trim();
  if (cause) {
    try {
      const parsed = JSON.parse(cause) as { errorMessage?: unknown };
      if (typeof parsed.errorMessage === 'string' && parsed.errorMessage.length > 0)
        return parsed.errorMessage;
    } catch {
      // A plain-text cause is the detail itself.
    }
    return cause;
  }
  return event.error?.trim() || undefined;
}

/** A reason a person can act on: how the execution ended, and what it said about it. */
export function executionEndReason(event: Pick<ExecutionEnded, 'status' | 'error' | 'cause'>): string {
  const detail = detailOf(event);
  const headline = HEADLINES[event.status];
  const sentence = detail === undefined ? `${headline}.` : `${headline}: ${detail.replace(/\.$/, '')}.`;
  const reason = event.status === 'FAILED' ? sentence : `${sentence} Start the job again.`;
  return reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS - 1)}…` : reason;
}

/**
 * @example
 * await endJobOfExecution({ jobId, status: 'TIMED_OUT' }, { jobs, now: () => new Date() });
 * // → { outcome: 'ended', job: { status: 'FAILED', error: { step: 'train', reason: 'The workflow ran past…' } } }
 */
export async function endJobOfExecution(
  event: ExecutionEnded,
  deps: { readonly jobs: JobRepository; readonly now: () => Date },
): Promise<ExecutionEndedOutcome> {
  const job = await deps.jobs.get(event.jobId);
  if (job === undefined) return { outcome: 'no-such-job', jobId: event.jobId };
  if (FINISHED.has(job.status)) return { outcome: 'already-finished', jobId: event.jobId };
  const at = deps.now().toISOString();
  const ended = await deps.jobs.updateIfActive(event.jobId, {
    status: 'FAILED',
    finishedAt: at,
    updatedAt: at,
    error: { ...(job.step ? { step: job.step } : {}), reason: executionEndReason(event) },
  });
  // Undefined: the workflow's own failure path (or a cancel) ended the job between the read and the write.
  return ended === undefined
    ? { outcome: 'already-finished', jobId: event.jobId }
    : { outcome: 'ended', job: ended };
}
