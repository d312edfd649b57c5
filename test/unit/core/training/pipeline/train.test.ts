import { describe, expect, it } from 'vitest';
import { features } from '../../../../../functions/core/training/pipeline/features.ts';
import { preprocess } from '../../../../../functions/core/training/pipeline/preprocess.ts';
import { train } from '../../../../../functions/core/training/pipeline/train.ts';
import {
  createJob,
  separableDataset,
  stepDepsWith,
  trainingRequest,
} from '../../../../support/training-run.ts';

async function trained(request = trainingRequest()) {
  const deps = stepDepsWith();
  const jobId = await createJob(deps, request);
  const state = await train(await features(await preprocess({ jobId }, deps), deps), deps);
  return { deps, jobId, state, job: deps.jobs.rows.get(jobId) };
}

describe('train step', () => {
  it('cross-validates every candidate of the requested grid on small data: mean and spread per candidate', async () => {
    const { state, job } = await trained(
      trainingRequest({
        algorithms: ['logistic-regression'],
        hyperParameters: { 'logistic-regression': [{ C: 0.1 }, { C: 10 }] },
      }),
    );

    expect(state.featureSetId).toBe(job?.featureSetId);
    expect(job?.resolved?.selection).toEqual({ kind: 'cross-validation', folds: 5, repeats: 3 });
    expect(job?.candidates?.map((c) => [c.algorithm, c.hyperParameters.C])).toEqual([
      ['logistic-regression', 0.1],
      ['logistic-regression', 10],
    ]);
    for (const candidate of job?.candidates ?? []) {
      // No candidate model is kept: the chosen one is refit on every row by the select step.
      expect(candidate.modelKey).toBeUndefined();
      expect(candidate.crossValidation?.scores).toHaveLength(15);
      expect(candidate.score).toBe(candidate.crossValidation?.mean);
      expect(candidate.score).toBe(candidate.metrics.accuracy);
      // The first repeat's out-of-fold confusion matrix: every one of the 40 rows once.
      const confusion = candidate.metrics.confusion_matrix as number[][];
      expect(confusion.flat().reduce((a, b) => a + b, 0)).toBe(40);
    }
    expect(job).toMatchObject({ step: 'train', progress: 85 });
  });

  it('keeps the hold-out split from 20,000 rows on: one fit per candidate, scored on validation', async () => {
    const deps = stepDepsWith(separableDataset(20_000));
    const jobId = await createJob(
      deps,
      trainingRequest({
        algorithms: ['logistic-regression'],
        hyperParameters: { 'logistic-regression': [{ C: 1 }] },
      }),
    );
    await train(await features(await preprocess({ jobId }, deps), deps), deps);
    const job = deps.jobs.rows.get(jobId);
    expect(job?.resolved?.selection).toEqual({ kind: 'hold-out' });
    const [candidate] = job?.candidates ?? [];
    expect(candidate?.crossValidation).toBeUndefined();
    expect(
      ((candidate?.metrics.confusion_matrix ?? []) as number[][]).flat().reduce((a, b) => a + b, 0),
    ).toBe(5_000);
  });

  it('tries every algorithm that does the task when the request names none', async () => {
    const { job } = await trained();
    const algorithms = new Set(job?.candidates?.map((c) => c.algorithm));
    expect([...algorithms].sort()).toEqual(['gradient-boosting', 'logistic-regression']);
  });
});
