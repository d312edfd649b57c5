import { describe, expect, it } from 'vitest';
import { features } from '../../../../../functions/core/training/pipeline/features.ts';
import { loadFeatureSet } from '../../../../../functions/core/training/pipeline/job-run.ts';
import { preprocess } from '../../../../../functions/core/training/pipeline/preprocess.ts';
import { createJob, stepDepsWith } from '../../../../support/training-run.ts';

describe('features step', () => {
  it('fits the pipeline on the train rows and saves both matrices', async () => {
    const deps = stepDepsWith();
    const jobId = await createJob(deps);
    const state = await features(await preprocess({ jobId }, deps), deps);

    expect(state.trainRows).toBe(30);
    const set = await loadFeatureSet(state.featureSetId ?? '', deps);
    // x (numeric) + colour (blue, red, unknown).
    expect(set.pipeline.width).toBe(4);
    expect(set.pipeline.features.map((f) => f.kind)).toEqual(['numeric', 'categorical']);
    expect(set.train).toMatchObject({ rows: 30, cols: 4, classes: ['no', 'yes'] });
    expect(set.validation.x).toHaveLength(10 * 4);
    expect(deps.jobs.rows.get(jobId)).toMatchObject({
      step: 'features',
      progress: 25,
      featureSetId: state.featureSetId,
      featureSetReused: false,
    });
  });

  it('reuses the feature set an earlier job with the same settings made', async () => {
    const deps = stepDepsWith();
    const first = await features(await preprocess({ jobId: await createJob(deps) }, deps), deps);
    const secondJob = await createJob(deps, undefined, 'job-2');
    const second = await features(await preprocess({ jobId: secondJob }, deps), deps);

    expect(second.featureSetId).toBe(first.featureSetId);
    expect(deps.featureSets.rows.size).toBe(1);
    expect(deps.jobs.rows.get(secondJob)?.featureSetReused).toBe(true);
  });
});
