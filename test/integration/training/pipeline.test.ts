/**
 * The training workflow's steps run in order on real public datasets, with in-memory storage and the
 * real onnxruntime: the registered version must serve the trained model (parity is checked inside
 * the select step) and the job row must tell the story.
 */
import { describe, expect, it } from 'vitest';
import { onnxModelValidator } from '../../../functions/adapters/onnxruntime/model-validator.ts';
import { OnnxModel } from '../../../functions/adapters/onnxruntime/onnx-model.ts';
import { onnxServingRuntime } from '../../../functions/adapters/onnxruntime/serving-runtime.ts';
import type { Principal } from '../../../functions/core/auth/principal.ts';
import { newJobRecord, type TrainingRequest } from '../../../functions/core/training/jobs.ts';
import { features } from '../../../functions/core/training/pipeline/features.ts';
import { markJobFailed } from '../../../functions/core/training/pipeline/job-run.ts';
import { preprocess } from '../../../functions/core/training/pipeline/preprocess.ts';
import { registerModel } from '../../../functions/core/training/pipeline/register.ts';
import { selectModel } from '../../../functions/core/training/pipeline/select.ts';
import { train } from '../../../functions/core/training/pipeline/train.ts';
import { failureReason } from '../../../functions/steps/failure-cause.ts';
import { InMemoryArtifacts, InMemoryModels, InMemoryVersions } from '../../support/in-memory-registry.ts';
import {
  datasetSourceOf,
  InMemoryFeatureSets,
  InMemoryJobs,
  InMemoryStore,
  publicDataset,
} from '../../support/in-memory-training.ts';

const admin: Principal = { userId: 'u-admin', username: 'admin', role: 'admin', via: 'token', scope: 'full' };

function setup() {
  const deps = {
    jobs: new InMemoryJobs(),
    datasets: datasetSourceOf({
      iris: publicDataset('iris'),
      diabetes: publicDataset('diabetes'),
      wine: publicDataset('wine'),
    }),
    store: new InMemoryStore(),
    featureSets: new InMemoryFeatureSets(),
    runtime: onnxServingRuntime,
    models: new InMemoryModels(),
    versions: new InMemoryVersions(),
    artifacts: new InMemoryArtifacts(),
    validator: onnxModelValidator,
    maxModelBytes: 10_000_000,
    codeVersion: 'test',
    now: () => new Date(),
  };
  return deps;
}

function request(overrides: Partial<TrainingRequest>): TrainingRequest {
  return {
    datasetName: 'iris',
    datasetVersion: 1,
    target: 'target',
    task: 'auto',
    validation: { holdoutFraction: 0.2, seed: 42 },
    modelName: 'iris-model',
    ...overrides,
  };
}

async function runAll(jobId: string, deps: ReturnType<typeof setup>) {
  let state = await preprocess({ jobId }, deps);
  state = await features(state, deps);
  state = await train(state, deps);
  state = await selectModel(state, deps);
  return registerModel(state, deps);
}

describe('training workflow steps', () => {
  it('trains iris (multiclass), registers a version that serves raw rows, and records the story', async () => {
    const deps = setup();
    await deps.jobs.create(
      newJobRecord('job-1', admin, request({ autoApprove: { threshold: 0.8 } }), new Date().toISOString()),
    );

    await runAll('job-1', deps);

    const job = deps.jobs.rows.get('job-1');
    expect(job).toMatchObject({
      status: 'SUCCEEDED',
      progress: 100,
      resolved: { task: 'classification', metric: 'accuracy' },
    });
    expect(job?.candidates?.length).toBeGreaterThanOrEqual(3);
    expect(Object.keys(job?.stepTimings ?? {})).toEqual([
      'preprocess',
      'features',
      'train',
      'select',
      'register',
    ]);
    expect(job?.chosen?.metrics.accuracy).toBeGreaterThan(0.9);
    expect(job?.chosen?.metrics.confusion_matrix).toHaveLength(3);
    expect(job?.registered).toMatchObject({ model: 'iris-model', version: 1, status: 'approved' });

    const version = await deps.versions.get('iris-model', 1);
    expect(version?.lineage).toMatchObject({
      datasetName: 'iris',
      trainingJobId: 'job-1',
      algorithm: 'logistic-regression',
    });
    const baseline = version?.metadata.driftBaseline as {
      column: string;
      kind: string;
      frequencies: unknown;
    }[];
    expect(baseline.map((b) => [b.column, b.kind])).toEqual([
      ['sepal_length_cm', 'numeric'],
      ['sepal_width_cm', 'numeric'],
      ['petal_length_cm', 'numeric'],
      ['petal_width_cm', 'numeric'],
    ]);
    // Cross-validated on every row (150 < 20,000), then refit on all of them.
    expect(job?.resolved?.selection).toEqual({ kind: 'cross-validation', folds: 5, repeats: 3 });
    expect(job?.candidates?.every((c) => c.crossValidation?.scores.length === 15)).toBe(true);
    expect(job?.chosen?.trainingRows).toBe(150);
    expect(version?.metadata.trainingRows).toBe(150);
    expect(version?.signature.inputs.map((i) => i.name)).toEqual([
      'sepal_length_cm',
      'sepal_width_cm',
      'petal_length_cm',
      'petal_width_cm',
    ]);
    const served = await OnnxModel.create(
      deps.artifacts.objects.get(version?.artifactKey ?? '') ?? new Uint8Array(),
    );
    const result = await served.predict([
      { sepal_length_cm: 5.1, sepal_width_cm: 3.5, petal_length_cm: 1.4, petal_width_cm: 0.2 },
      { sepal_length_cm: 6.7, sepal_width_cm: 3.0, petal_length_cm: 5.2, petal_width_cm: 2.3 },
      { sepal_length_cm: 5.0, sepal_width_cm: 3.4, petal_length_cm: null, petal_width_cm: null },
    ]);
    await served.dispose();
    expect(result.predictions.slice(0, 2)).toEqual(['setosa', 'virginica']);
    // Missing values are imputed inside the graph: the row still gets a class and probabilities.
    expect(['setosa', 'versicolor', 'virginica']).toContain(result.predictions[2]);
    expect(result.probabilities?.[2]?.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(result.classLabels).toEqual(['setosa', 'versicolor', 'virginica']);
  });

  it('trains a regression (diabetes) and reuses the feature set in a second job', async () => {
    const deps = setup();
    const diabetes = request({ datasetName: 'diabetes', modelName: 'diabetes-model' });
    await deps.jobs.create(newJobRecord('job-a', admin, diabetes, new Date().toISOString()));
    await deps.jobs.create(newJobRecord('job-b', admin, diabetes, new Date().toISOString()));

    await runAll('job-a', deps);
    await runAll('job-b', deps);

    const [a, b] = [deps.jobs.rows.get('job-a'), deps.jobs.rows.get('job-b')];
    expect(a?.resolved?.task).toBe('regression');
    expect(a?.chosen?.metrics.r2).toBeGreaterThan(0.3);
    // The residual plot's sample: 200 of the 442 out-of-fold predictions, as good as the metric says.
    const residuals = a?.chosen?.residuals;
    expect(residuals?.actual).toHaveLength(200);
    const actual = residuals?.actual ?? [];
    const mean = actual.reduce((sum, v) => sum + v, 0) / actual.length;
    const total = actual.reduce((sum, v) => sum + (v - mean) ** 2, 0);
    const error = actual.reduce((sum, v, i) => sum + (v - (residuals?.predicted[i] ?? 0)) ** 2, 0);
    expect(1 - error / total).toBeCloseTo(a?.chosen?.metrics.r2 as number, 1);
    expect(a?.featureSetReused).toBe(false);
    expect(b?.featureSetReused).toBe(true);
    expect(b?.featureSetId).toBe(a?.featureSetId);
    expect(deps.featureSets.rows.size).toBe(1);
    expect(b?.registered?.version).toBe(2);
    expect(a?.registered?.status).toBe('pending');
  });

  it('leaves one version when the register step is replayed', async () => {
    const deps = setup();
    await deps.jobs.create(
      newJobRecord(
        'job-r',
        admin,
        request({ datasetName: 'wine', modelName: 'wine' }),
        new Date().toISOString(),
      ),
    );
    let state = await preprocess({ jobId: 'job-r' }, deps);
    state = await features(state, deps);
    state = await features(state, deps);
    state = await train(state, deps);
    state = await selectModel(state, deps);
    const row = deps.jobs.rows.get('job-r');
    // Simulate a crash after the version was written but before the job row was updated.
    await registerModel(state, deps);
    deps.jobs.rows.set('job-r', { ...(row as NonNullable<typeof row>), status: 'RUNNING' });
    await registerModel(state, deps);
    expect((await deps.versions.list('wine', { limit: 10 })).items).toHaveLength(1);
  });

  it('fails with a reason a person can act on, and the catch path records it', async () => {
    const deps = setup();
    await deps.jobs.create(
      newJobRecord('job-x', admin, request({ target: 'no_such_column' }), new Date().toISOString()),
    );
    const error = await preprocess({ jobId: 'job-x' }, deps).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    await markJobFailed(
      {
        jobId: 'job-x',
        reason: failureReason({
          Error: 'UnprocessableError',
          Cause: JSON.stringify({ errorMessage: (error as Error).message }),
        }),
      },
      deps,
    );
    expect(deps.jobs.rows.get('job-x')).toMatchObject({
      status: 'FAILED',
      error: { step: 'preprocess', reason: 'The dataset has no column "no_such_column".' },
    });
  });

  it('stops at the next step once the job is cancelled', async () => {
    const deps = setup();
    await deps.jobs.create(newJobRecord('job-c', admin, request({}), new Date().toISOString()));
    const state = await preprocess({ jobId: 'job-c' }, deps);
    const job = deps.jobs.rows.get('job-c');
    deps.jobs.rows.set('job-c', { ...(job as NonNullable<typeof job>), status: 'CANCELLED' });
    await expect(features(state, deps)).rejects.toThrow(/CANCELLED/);
  });
});

describe('markJobFailed', () => {
  it("reads a failed SageMaker training job's FailureReason from the Cause", async () => {
    const deps = setup();
    await deps.jobs.create(newJobRecord('job-s', admin, request({}), new Date().toISOString()));
    await markJobFailed(
      {
        jobId: 'job-s',
        reason: failureReason({
          Error: 'States.TaskFailed',
          Cause: JSON.stringify({
            TrainingJobName: 'mlp-dev-abc',
            FailureReason: 'ClientError: no data in channel train',
          }),
        }),
      },
      deps,
    );
    expect(deps.jobs.rows.get('job-s')?.error?.reason).toBe(
      'SageMaker training job mlp-dev-abc failed: ClientError: no data in channel train',
    );
  });
});
