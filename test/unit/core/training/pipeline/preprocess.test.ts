import { describe, expect, it } from 'vitest';
import { UnprocessableError } from '../../../../../functions/core/errors.ts';
import { loadPrepared } from '../../../../../functions/core/training/pipeline/job-run.ts';
import { inferTask, preprocess } from '../../../../../functions/core/training/pipeline/preprocess.ts';
import {
  admin,
  createJob,
  datasetOf,
  separableDataset,
  stepDepsWith,
  trainingRequest,
} from '../../../../support/training-run.ts';

describe('preprocess step', () => {
  it('resolves the task and metric, chooses cross-validation for small data, and records the step on the job', async () => {
    const deps = stepDepsWith(separableDataset(40));
    const jobId = await createJob(deps);

    const state = await preprocess({ jobId }, deps);

    expect(state).toEqual({ jobId, preparedKey: `jobs/${jobId}/prepared.json` });
    const prepared = await loadPrepared(jobId, deps);
    expect(prepared).toMatchObject({ task: 'classification', metric: 'accuracy', classes: ['no', 'yes'] });
    // Under 20,000 rows: every row is cross-validated, none held out.
    expect(prepared.train).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(prepared.validation).toHaveLength(0);
    expect(prepared.selection).toEqual({ kind: 'cross-validation', folds: 5, repeats: 3 });
    expect(prepared.columns.map((c) => [c.name, c.kind])).toEqual([
      ['x', 'numeric'],
      ['colour', 'categorical'],
    ]);
    expect(deps.jobs.rows.get(jobId)).toMatchObject({
      status: 'RUNNING',
      step: 'preprocess',
      progress: 15,
      resolved: {
        datasetVersion: 1,
        task: 'classification',
        metric: 'accuracy',
        selection: { kind: 'cross-validation', folds: 5, repeats: 3 },
      },
      stepTimings: { preprocess: { ms: 0 } },
    });
  });

  it('drops the rows without a target and the columns no model can use, saying why', async () => {
    const n = 30;
    const dataset = datasetOf(
      {
        id: Array.from({ length: n }, (_, i) => `id-${i}`),
        same: Array.from({ length: n }, () => 'k'),
        empty: Array.from({ length: n }, () => null),
        x: Array.from({ length: n }, (_, i) => String(i)),
        y: Array.from({ length: n }, (_, i) => (i < 5 ? null : String(i * 1.5))),
      },
      { id: 'identifier', same: 'categorical', empty: 'empty', x: 'integer', y: 'numeric' },
    );
    const deps = stepDepsWith(dataset);
    const jobId = await createJob(deps);

    await preprocess({ jobId }, deps);

    const prepared = await loadPrepared(jobId, deps);
    expect(prepared.task).toBe('regression');
    expect(prepared.y).toHaveLength(n - 5);
    expect(prepared.dropped).toEqual([
      { column: 'id', reason: 'identifier-like' },
      { column: 'same', reason: 'constant' },
      { column: 'empty', reason: 'empty' },
    ]);
    expect(prepared.columns.map((c) => c.name)).toEqual(['x']);
  });

  it('refuses a single-class target and too few rows', async () => {
    const single = stepDepsWith(
      datasetOf(
        { x: Array.from({ length: 20 }, (_, i) => String(i)), y: Array.from({ length: 20 }, () => 'a') },
        { x: 'integer', y: 'categorical' },
      ),
    );
    await expect(preprocess({ jobId: await createJob(single) }, single)).rejects.toThrow(
      '"y" has a single class; nothing to learn.',
    );
    const few = stepDepsWith(separableDataset(8));
    await expect(preprocess({ jobId: await createJob(few) }, few)).rejects.toThrow(UnprocessableError);
  });

  it('refuses a regression target with a single value, which any model fits "perfectly"', async () => {
    const deps = stepDepsWith(
      datasetOf(
        { x: Array.from({ length: 20 }, (_, i) => String(i)), y: Array.from({ length: 20 }, () => '3.5') },
        { x: 'integer', y: 'numeric' },
      ),
    );
    await expect(
      preprocess({ jobId: await createJob(deps, trainingRequest({ task: 'regression' })) }, deps),
    ).rejects.toThrow('"y" has a single value (3.5); nothing to learn.');
  });

  it('refuses, once the task is resolved, an algorithm or a grid the job could not use', async () => {
    const wrong = stepDepsWith();
    const algorithm = await createJob(wrong, trainingRequest({ algorithms: ['linear-regression'] }));
    await expect(preprocess({ jobId: algorithm }, wrong)).rejects.toThrow(
      'The algorithm "linear-regression" does not do classification.',
    );
    const grid = await createJob(
      wrong,
      trainingRequest({ hyperParameters: { 'linear-regression': [{ alpha: 1 }] } }),
      'job-2',
    );
    await expect(preprocess({ jobId: grid }, wrong)).rejects.toThrow(
      /hyperParameters names linear-regression, which this classification job does not train/,
    );
  });

  it('makes the job row when an execution started by hand carries the request', async () => {
    const deps = stepDepsWith();
    await preprocess({ jobId: 'by-hand', input: { request: trainingRequest(), owner: admin } }, deps);
    expect(deps.jobs.rows.get('by-hand')).toMatchObject({ ownerId: admin.userId, step: 'preprocess' });
    await expect(preprocess({ jobId: 'unknown' }, deps)).rejects.toThrow(/neither a known jobId/);
  });

  it('infers classification for categorical and few-valued integer targets', () => {
    expect(inferTask('categorical', 2)).toBe('classification');
    expect(inferTask('integer', 20)).toBe('classification');
    expect(inferTask('integer', 21)).toBe('regression');
    expect(inferTask('numeric', 3)).toBe('regression');
  });
});
