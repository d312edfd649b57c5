/** The per-user limit on unfinished training jobs, checked when a job is created. */
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../../functions/core/auth/principal.ts';
import { QuotaExceededError } from '../../../../functions/core/errors.ts';
import {
  type JobDeps,
  startTrainingJob,
  type TrainingRequest,
} from '../../../../functions/core/training/jobs.ts';
import { InMemoryJobs } from '../../../support/in-memory-training.ts';

const alice: Principal = { userId: 'u-alice', username: 'alice', role: 'user', via: 'token', scope: 'full' };
const bob: Principal = { userId: 'u-bob', username: 'bob', role: 'user', via: 'token', scope: 'full' };

const request: TrainingRequest = {
  datasetName: 'iris',
  target: 'species',
  task: 'auto',
  modelName: 'iris-model',
  validation: { holdoutFraction: 0.2, seed: 1 },
} as TrainingRequest;

function setup(maxActiveJobsPerUser: number | undefined) {
  const jobs = new InMemoryJobs();
  const started: string[] = [];
  const deps: JobDeps = {
    jobs,
    workflow: {
      start: async (jobId) => {
        started.push(jobId);
      },
      stop: async () => undefined,
    },
    datasets: { readyVersion: async () => ({ version: 1, columns: ['sepal', 'species'] }) },
    models: { get: async () => undefined },
    ...(maxActiveJobsPerUser === undefined ? {} : { maxActiveJobsPerUser }),
    now: () => new Date('2026-12-01T00:00:00Z'),
  };
  return { jobs, started, deps };
}

describe('the active training jobs quota', () => {
  it('refuses the job over the limit with 409, starting and writing nothing', async () => {
    const { jobs, started, deps } = setup(2);
    await startTrainingJob(alice, request, deps);
    await startTrainingJob(alice, request, deps);
    const refused = startTrainingJob(alice, request, deps);
    await expect(refused).rejects.toThrow(QuotaExceededError);
    await expect(refused).rejects.toMatchObject({
      status: 409,
      details: { quota: 'activeTrainingJobs', limit: 2, used: 2 },
    });
    expect(jobs.rows.size).toBe(2);
    expect(started).toHaveLength(2);
    // Another user has their own allowance.
    await expect(startTrainingJob(bob, request, deps)).resolves.toMatchObject({ status: 'PENDING' });
  });

  it('counts only unfinished jobs: one ending makes room', async () => {
    const { jobs, deps } = setup(1);
    const first = await startTrainingJob(alice, request, deps);
    await expect(startTrainingJob(alice, request, deps)).rejects.toThrow(QuotaExceededError);
    await jobs.updateIfActive(first.jobId, { status: 'SUCCEEDED' });
    await expect(startTrainingJob(alice, request, deps)).resolves.toMatchObject({ status: 'PENDING' });
  });

  it('has no limit when none is configured', async () => {
    const { deps } = setup(undefined);
    for (let i = 0; i < 5; i += 1) await startTrainingJob(alice, request, deps);
  });
});
