import { describe, expect, it } from 'vitest';
import { features } from '../../../../../functions/core/training/pipeline/features.ts';
import { loadFeatureSet } from '../../../../../functions/core/training/pipeline/job-run.ts';
import { preprocess } from '../../../../../functions/core/training/pipeline/preprocess.ts';
import { createJob, datasetOf, stepDepsWith } from '../../../../support/training-run.ts';

describe('features step', () => {
  it('fits the pipeline on every row of a cross-validated job and saves the matrix', async () => {
    const deps = stepDepsWith();
    const jobId = await createJob(deps);
    const state = await features(await preprocess({ jobId }, deps), deps);

    // 40 rows: cross-validated, so the feature set holds every row and no hold-out.
    expect(state.trainRows).toBe(40);
    const set = await loadFeatureSet(state.featureSetId ?? '', deps);
    // x (numeric) + colour (blue, red, unknown).
    expect(set.pipeline.width).toBe(4);
    expect(set.pipeline.features.map((f) => f.kind)).toEqual(['numeric', 'categorical']);
    expect(set.train).toMatchObject({ rows: 40, cols: 4, classes: ['no', 'yes'] });
    expect(set.validation.x).toHaveLength(0);
    expect(deps.jobs.rows.get(jobId)).toMatchObject({
      step: 'features',
      progress: 25,
      featureSetId: state.featureSetId,
      featureSetReused: false,
    });
  });

  it('keeps a missing number as NaN in the matrix, for trees to route (linear models impute it)', async () => {
    const x = Array.from({ length: 40 }, (_, i) => (i % 5 === 0 ? null : String(i)));
    const colour = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 'red' : 'blue'));
    const y = Array.from({ length: 40 }, (_, i) => (i >= 20 ? 'yes' : 'no'));
    const deps = stepDepsWith(
      datasetOf({ x, colour, y }, { x: 'integer', colour: 'categorical', y: 'categorical' }),
    );
    const jobId = await createJob(deps);
    const state = await features(await preprocess({ jobId }, deps), deps);

    const set = await loadFeatureSet(state.featureSetId ?? '', deps);
    const column = Array.from({ length: 40 }, (_, row) => set.train.x[row * 4] as number);
    expect(column.map((v, row) => Number.isNaN(v) === (row % 5 === 0))).toEqual(new Array(40).fill(true));
    expect(set.pipeline.features[0]).toMatchObject({ kind: 'numeric', fill: 20 });
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
