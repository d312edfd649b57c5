import { describe, expect, it } from 'vitest';
import {
  activeJob,
  beginStep,
  endStep,
  JobNotActiveError,
  markJobFailed,
} from '../../../../../functions/core/training/pipeline/job-run.ts';
import { createJob, NOW, stepDepsWith } from '../../../../support/training-run.ts';

describe("a job's run", () => {
  it('begins a step (the job RUNNING, progress never moving back) and ends it with its timing', async () => {
    let now = NOW;
    const deps = { ...stepDepsWith(), now: () => now };
    const jobId = await createJob(deps);

    const begun = await beginStep(await activeJob(jobId, deps), 'features', 16, deps);
    expect(begun).toMatchObject({
      status: 'RUNNING',
      step: 'features',
      progress: 16,
      startedAt: NOW.toISOString(),
    });
    now = new Date(NOW.getTime() + 1500);
    const ended = await endStep(begun, 'features', 25, { featureSetId: 'fs' }, deps);
    expect(ended.stepTimings.features).toEqual({
      startedAt: NOW.toISOString(),
      finishedAt: now.toISOString(),
      ms: 1500,
    });
    const again = await beginStep(ended, 'preprocess', 2, deps);
    expect(again.progress).toBe(25);
  });

  it('stops a step once the job has finished', async () => {
    const deps = stepDepsWith();
    const jobId = await createJob(deps);
    const job = await activeJob(jobId, deps);
    deps.jobs.rows.set(jobId, { ...job, status: 'CANCELLED' });
    await expect(activeJob(jobId, deps)).rejects.toThrow(JobNotActiveError);
    await expect(beginStep(job, 'train', 26, deps)).rejects.toThrow(JobNotActiveError);
  });

  it('records a failure with the step it happened in, and leaves a finished job alone', async () => {
    const deps = stepDepsWith();
    const jobId = await createJob(deps);
    await beginStep(await activeJob(jobId, deps), 'train', 26, deps);
    await markJobFailed({ jobId, reason: 'out of memory' }, deps);
    expect(deps.jobs.rows.get(jobId)).toMatchObject({
      status: 'FAILED',
      error: { step: 'train', reason: 'out of memory' },
    });
    await markJobFailed({ jobId, reason: 'a later cause' }, deps);
    expect(deps.jobs.rows.get(jobId)?.error?.reason).toBe('out of memory');
  });
});
