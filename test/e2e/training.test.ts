/**
 * Training through the local API, end to end: upload a CSV, start a job (202), watch it move
 * through the real ASL workflow run by the local Step Functions emulator, and call the registered
 * version on raw rows.
 */
import { readFileSync } from 'node:fs';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';

let t: TestPlatform;
let alice: string;

beforeAll(async () => {
  t = await startTestPlatform({ functionEnvironment: { SERVING_CACHE_TTL_MS: '0' } });
  alice = await t.token('alice');
});
afterAll(async () => t?.close());

async function uploadDataset(token: string, name: string, csv: string): Promise<number> {
  const started = await t.call('POST', '/v1/datasets', {
    token,
    body: { name, format: 'csv', sizeBytes: Buffer.byteLength(csv) },
  });
  expect(started.status).toBe(201);
  const put = await fetch(started.json.uploadUrl, { method: 'PUT', body: csv });
  expect(put.status).toBe(200);
  const committed = await t.call('POST', `/v1/datasets/${name}/versions/${started.json.version}/commit`, {
    token,
  });
  expect(committed.status).toBe(200);
  return started.json.version;
}

async function waitForJob(location: string, token: string, seen: number[] = []) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const job = await t.call('GET', location, { token });
    expect(job.status).toBe(200);
    seen.push(job.json.progress);
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.json.status)) return job.json;
    if (Date.now() > deadline) throw new Error(`job still ${job.json.status} at ${job.json.progress}%`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const irisCsv = readFileSync(new URL('../../data/public/iris.csv', import.meta.url), 'utf8');

describe('training jobs through the local API', () => {
  it('trains on an uploaded CSV and serves the registered version on raw rows', async () => {
    await uploadDataset(alice, 'iris', irisCsv);
    const started = await t.call('POST', '/v1/training-jobs', {
      token: alice,
      body: { dataset: 'iris', target: 'target', modelName: 'iris-trained' },
    });
    expect(started.status).toBe(202);
    expect(started.headers.get('location')).toBe(`/v1/training-jobs/${started.json.jobId}`);
    expect(started.json.status).toBe('PENDING');

    const progress: number[] = [];
    const job = await waitForJob(started.headers.get('location') ?? '', alice, progress);
    expect(job).toMatchObject({
      status: 'SUCCEEDED',
      progress: 100,
      registered: { model: 'iris-trained', version: 1 },
    });
    expect(job.resolved).toMatchObject({ task: 'classification', metric: 'accuracy', datasetVersion: 1 });
    expect(job.chosen.metrics.accuracy).toBeGreaterThan(0.9);
    expect(job.candidates.length).toBeGreaterThanOrEqual(3);
    expect(Object.keys(job.stepTimings)).toEqual(['preprocess', 'features', 'train', 'select', 'register']);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    const version = await t.call('GET', '/v1/models/iris-trained/versions/1', { token: alice });
    expect(version.json).toMatchObject({
      status: 'pending',
      framework: 'ml-platform',
      lineage: { datasetName: 'iris', trainingJobId: job.jobId },
    });

    const prediction = await t.call('POST', '/v1/models/iris-trained/predict', {
      token: alice,
      body: {
        instances: [
          { sepal_length_cm: 5.1, sepal_width_cm: 3.5, petal_length_cm: 1.4, petal_width_cm: 0.2 },
          { sepal_length_cm: 6.7, sepal_width_cm: 3.0, petal_length_cm: 5.2, petal_width_cm: 2.3 },
        ],
      },
    });
    expect(prediction.status).toBe(200);
    expect(prediction.json.predictions).toEqual(['setosa', 'virginica']);
    expect(prediction.json.classLabels).toEqual(['setosa', 'versicolor', 'virginica']);
  });

  it('reuses the feature set of an earlier job on the same dataset version and settings', async () => {
    const started = await t.call('POST', '/v1/training-jobs', {
      token: alice,
      body: {
        dataset: 'iris',
        target: 'target',
        modelName: 'iris-trained',
        algorithms: ['logistic-regression'],
      },
    });
    const job = await waitForJob(started.headers.get('location') ?? '', alice);
    expect(job).toMatchObject({ status: 'SUCCEEDED', featureSetReused: true, registered: { version: 2 } });
  });

  it('records a failure a person can act on', async () => {
    const constant = ['x,label', ...Array.from({ length: 30 }, (_, i) => `${i},same`)].join('\n');
    await uploadDataset(alice, 'one-class', constant);
    const started = await t.call('POST', '/v1/training-jobs', {
      token: alice,
      body: { dataset: 'one-class', target: 'label', task: 'classification', modelName: 'never' },
    });
    expect(started.status).toBe(202);
    const job = await waitForJob(started.headers.get('location') ?? '', alice);
    expect(job.status).toBe('FAILED');
    expect(job.error.step).toBe('preprocess');
    expect(job.error.reason).toMatch(/single class/);
    expect((await t.call('GET', '/v1/models/never', { token: alice })).status).toBe(404);
    // The user's data, not a platform fault: the execution does not count among failed ones (alarmed on).
    const sfn = new SFNClient({
      region: 'us-east-1',
      endpoint: t.platform.environment.AWS_ENDPOINT_URL_SFN,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const stateMachineArn = t.platform.environment.TRAINING_STATE_MACHINE_ARN ?? '';
    const execution = await sfn.send(
      new DescribeExecutionCommand({
        executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${job.jobId}`,
      }),
    );
    sfn.destroy();
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}').error.Error).toBe('UserDataError');
  });

  it('refuses a target the dataset does not have, and another owner’s dataset', async () => {
    const missing = await t.call('POST', '/v1/training-jobs', {
      token: alice,
      body: { dataset: 'iris', target: 'species', modelName: 'x' },
    });
    expect(missing.status).toBe(422);
    expect(missing.json.field).toBe('body.target');
    await t.call('POST', '/v1/models', { token: await t.token('bob'), body: { name: 'bobs-model' } });
    const othersModel = await t.call('POST', '/v1/training-jobs', {
      token: alice,
      body: { dataset: 'iris', target: 'target', modelName: 'bobs-model' },
    });
    expect(othersModel.status).toBe(409);
    expect(othersModel.json.field).toBe('body.modelName');
    const foreign = await t.call('POST', '/v1/training-jobs', {
      token: await t.token('bob'),
      body: { dataset: 'iris', target: 'target', modelName: 'x' },
    });
    expect(foreign.status).toBe(404);
  });

  it('cancels a running job, which then stays cancelled', async () => {
    const started = await t.call('POST', '/v1/training-jobs', {
      token: alice,
      body: { dataset: 'iris', target: 'target', modelName: 'iris-cancelled' },
    });
    const cancelled = await t.call('POST', `/v1/training-jobs/${started.json.jobId}/cancel`, {
      token: alice,
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.status).toBe('CANCELLED');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const job = await t.call('GET', `/v1/training-jobs/${started.json.jobId}`, { token: alice });
    expect(job.json.status).toBe('CANCELLED');
    expect(job.json.registered).toBeUndefined();
  });

  it('lists jobs, newest first, and hides them from other users', async () => {
    const mine = await t.call('GET', '/v1/training-jobs?limit=10', { token: alice });
    expect(mine.json.items.length).toBeGreaterThanOrEqual(4);
    const theirs = await t.call('GET', '/v1/training-jobs', { token: await t.token('bob') });
    expect(theirs.json.items).toEqual([]);
    const one = mine.json.items[0];
    expect(
      (await t.call('GET', `/v1/training-jobs/${one.jobId}`, { token: await t.token('bob') })).status,
    ).toBe(404);
  });
});
