import { describe, expect, it } from 'vitest';
import { onnxServingRuntime } from '../../../../../functions/adapters/onnxruntime/serving-runtime.ts';
import type { Principal } from '../../../../../functions/core/auth/principal.ts';
import { features } from '../../../../../functions/core/training/pipeline/features.ts';
import { preprocess } from '../../../../../functions/core/training/pipeline/preprocess.ts';
import { registerModel } from '../../../../../functions/core/training/pipeline/register.ts';
import { selectModel } from '../../../../../functions/core/training/pipeline/select.ts';
import { train } from '../../../../../functions/core/training/pipeline/train.ts';
import { admin, createJob, stepDepsWith, trainingRequest } from '../../../../support/training-run.ts';

const user: Principal = { userId: 'u-1', username: 'ann', role: 'user', via: 'token', scope: 'full' };

async function selected(request = trainingRequest({ algorithms: ['logistic-regression'] }), owner = admin) {
  const deps = stepDepsWith();
  const jobId = await createJob(deps, request, 'job-1', owner);
  let state = await features(await preprocess({ jobId }, deps), deps);
  state = await selectModel(await train(state, deps), { ...deps, runtime: onnxServingRuntime });
  return { deps, jobId, state };
}

describe('register step', () => {
  it('registers a version with metrics, lineage and a drift baseline, and ends the job', async () => {
    const { deps, jobId, state } = await selected();

    await registerModel(state, deps);

    const job = deps.jobs.rows.get(jobId);
    expect(job).toMatchObject({
      status: 'SUCCEEDED',
      progress: 100,
      registered: { model: 'model', version: 1, status: 'pending' },
    });
    const version = await deps.versions.get('model', 1);
    expect(version?.metrics).toEqual(job?.chosen?.metrics);
    // Refit on all 40 rows after cross-validated selection.
    expect(version?.metadata).toMatchObject({
      target: 'y',
      trainingRows: 40,
      validationRows: 0,
      selection: { kind: 'cross-validation', folds: 5, repeats: 3 },
    });
    expect(
      (version?.metadata.driftBaseline as { column: string }[] | undefined)?.map((b) => b.column),
    ).toEqual(['x', 'colour']);
    expect(version?.lineage).toMatchObject({ trainingJobId: jobId, algorithm: 'logistic-regression' });
    expect(deps.models.rows.get('model')?.ownerId).toBe(admin.userId);
  });

  it('approves the version of an admin job whose candidate reached the threshold; a user job stays pending', async () => {
    const approved = await selected(
      trainingRequest({ algorithms: ['logistic-regression'], autoApprove: { threshold: 0.5 } }),
    );
    await registerModel(approved.state, approved.deps);
    expect(approved.deps.jobs.rows.get(approved.jobId)?.registered?.status).toBe('approved');

    const pending = await selected(
      trainingRequest({ algorithms: ['logistic-regression'], autoApprove: { threshold: 0.5 } }),
      user,
    );
    await registerModel(pending.state, pending.deps);
    expect(pending.deps.jobs.rows.get(pending.jobId)?.registered?.status).toBe('pending');
  });

  it('finds the version it registered before when replayed', async () => {
    const { deps, jobId, state } = await selected();
    const before = deps.jobs.rows.get(jobId);
    await registerModel(state, deps);
    deps.jobs.rows.set(jobId, { ...(before as NonNullable<typeof before>) });
    await registerModel(state, deps);
    expect((await deps.versions.list('model', { limit: 10 })).items).toHaveLength(1);
  });
});
