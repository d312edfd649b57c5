import { describe, expect, it } from 'vitest';
import { features } from '../../../../../functions/core/training/pipeline/features.ts';
import { preprocess } from '../../../../../functions/core/training/pipeline/preprocess.ts';
import { train } from '../../../../../functions/core/training/pipeline/train.ts';
import { createJob, stepDepsWith, trainingRequest } from '../../../../support/training-run.ts';

async function trained(request = trainingRequest()) {
  const deps = stepDepsWith();
  const jobId = await createJob(deps, request);
  const state = await train(await features(await preprocess({ jobId }, deps), deps), deps);
  return { deps, jobId, state, job: deps.jobs.rows.get(jobId) };
}

describe('train step', () => {
  it('fits every candidate of the requested grid, stores each and scores it on validation', async () => {
    const { deps, state, job } = await trained(
      trainingRequest({
        algorithms: ['logistic-regression'],
        hyperParameters: { 'logistic-regression': [{ C: 0.1 }, { C: 10 }] },
      }),
    );

    expect(state.featureSetId).toBe(job?.featureSetId);
    expect(job?.candidates?.map((c) => [c.algorithm, c.hyperParameters.C])).toEqual([
      ['logistic-regression', 0.1],
      ['logistic-regression', 10],
    ]);
    for (const candidate of job?.candidates ?? []) {
      expect(deps.store.objects.has(candidate.modelKey)).toBe(true);
      expect(candidate.score).toBe(candidate.metrics.accuracy);
      expect(candidate.metrics.confusion_matrix).toHaveLength(2);
    }
    expect(job).toMatchObject({ step: 'train', progress: 85 });
  });

  it('tries every algorithm that does the task when the request names none', async () => {
    const { job } = await trained();
    const algorithms = new Set(job?.candidates?.map((c) => c.algorithm));
    expect([...algorithms].sort()).toEqual(['gradient-boosting', 'logistic-regression']);
  });
});
