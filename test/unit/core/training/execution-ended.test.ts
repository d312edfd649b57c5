import { describe, expect, it } from 'vitest';
import {
  endJobOfExecution,
  executionEndReason,
} from '../../../../functions/core/training/execution-ended.ts';
import { type JobRecord, newJobRecord } from '../../../../functions/core/training/jobs.ts';
import { InMemoryJobs } from '../../../support/in-memory-training.ts';

const owner = { userId: 'u-1', username: 'alice', role: 'user' as const };
const request = {
  datasetName: 'iris',
  target: 'target',
  task: 'auto' as const,
  validation: { holdoutFraction: 0.2, seed: 1 },
  modelName: 'iris',
};
const now = () => new Date('2026-12-04T12:00:00.000Z');

function jobsWith(change: Partial<JobRecord> = {}) {
  const jobs = new InMemoryJobs();
  const job = { ...newJobRecord('job-1', owner, request, '2026-12-04T11:00:00.000Z'), ...change };
  jobs.rows.set(job.jobId, job);
  return jobs;
}

describe('endJobOfExecution', () => {
  it('fails a running job with the reason and the step it was on', async () => {
    // Prepare
    const jobs = jobsWith({ status: 'RUNNING', step: 'train', progress: 43 });

    // Act
    const result = await endJobOfExecution(
      { jobId: 'job-1', status: 'ABORTED', cause: 'The local platform stopped during the execution.' },
      { jobs, now },
    );

    // Assess
    expect(result.outcome).toBe('ended');
    expect(jobs.rows.get('job-1')).toMatchObject({
      status: 'FAILED',
      step: 'train',
      progress: 43,
      finishedAt: '2026-12-04T12:00:00.000Z',
      updatedAt: '2026-12-04T12:00:00.000Z',
      error: {
        step: 'train',
        reason:
          'The workflow execution was stopped before the job ended: The local platform stopped during the execution. Start the job again.',
      },
    });
  });

  it('fails a job still PENDING (the execution died before its first step), with no step', async () => {
    // Prepare
    const jobs = jobsWith();

    // Act
    await endJobOfExecution({ jobId: 'job-1', status: 'TIMED_OUT' }, { jobs, now });

    // Assess
    const job = jobs.rows.get('job-1');
    expect(job?.status).toBe('FAILED');
    expect(job?.error).toEqual({
      reason: 'The workflow ran past its time limit and was stopped. Start the job again.',
    });
  });

  it.each(['SUCCEEDED', 'FAILED', 'CANCELLED'] as const)('leaves a %s job untouched', async (status) => {
    // Prepare
    const jobs = jobsWith({ status, error: { reason: 'its own' }, finishedAt: '2026-12-04T11:30:00.000Z' });
    const before = jobs.rows.get('job-1');

    // Act
    const result = await endJobOfExecution({ jobId: 'job-1', status: 'FAILED', error: 'X' }, { jobs, now });

    // Assess
    expect(result).toEqual({ outcome: 'already-finished', jobId: 'job-1' });
    expect(jobs.rows.get('job-1')).toBe(before);
  });

  it('ignores an execution with no job', async () => {
    // Prepare
    const jobs = jobsWith();

    // Act
    const result = await endJobOfExecution({ jobId: 'job-2', status: 'FAILED' }, { jobs, now });

    // Assess
    expect(result).toEqual({ outcome: 'no-such-job', jobId: 'job-2' });
    expect([...jobs.rows.keys()]).toEqual(['job-1']);
  });

  it('is safe to retry: the second delivery of the same event changes nothing', async () => {
    // Prepare
    const jobs = jobsWith({ status: 'RUNNING', step: 'features' });
    const event = { jobId: 'job-1', status: 'TIMED_OUT' as const };
    await endJobOfExecution(event, { jobs, now });
    const afterFirst = jobs.rows.get('job-1');

    // Act
    const second = await endJobOfExecution(event, { jobs, now: () => new Date('2026-12-04T13:00:00Z') });

    // Assess
    expect(second.outcome).toBe('already-finished');
    expect(jobs.rows.get('job-1')).toBe(afterFirst);
  });

  it('keeps the outcome of the workflow when it ends the job between the read and the write', async () => {
    // Prepare: the Catch path marks the job FAILED right after this use case has read it.
    const jobs = jobsWith({ status: 'RUNNING', step: 'train' });
    const read = jobs.get.bind(jobs);
    jobs.get = async (jobId: string) => {
      const job = await read(jobId);
      jobs.rows.set(jobId, { ...(job as JobRecord), status: 'FAILED', error: { reason: 'from the Catch' } });
      return job;
    };

    // Act
    const result = await endJobOfExecution({ jobId: 'job-1', status: 'FAILED' }, { jobs, now });

    // Assess
    expect(result.outcome).toBe('already-finished');
    expect(jobs.rows.get('job-1')?.error).toEqual({ reason: 'from the Catch' });
  });
});

describe('executionEndReason', () => {
  it("reads a Lambda error payload's message out of the cause", () => {
    // Act
    const reason = executionEndReason({
      status: 'FAILED',
      error: 'Lambda.Unknown',
      cause: JSON.stringify({ errorType: 'Error', errorMessage: 'Task timed out after 60.00 seconds' }),
    });

    // Assess
    expect(reason).toBe(
      "The workflow execution failed outside its steps' error handling: Task timed out after 60.00 seconds.",
    );
  });

  it('falls back to the error name, and bounds the length', () => {
    // Act
    const named = executionEndReason({ status: 'FAILED', error: 'States.Runtime' });
    const long = executionEndReason({ status: 'ABORTED', cause: 'x'.repeat(5000) });

    // Assess
    expect(named).toBe("The workflow execution failed outside its steps' error handling: States.Runtime.");
    expect(long.length).toBeLessThanOrEqual(1000);
  });
});
