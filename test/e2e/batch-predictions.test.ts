/**
 * Batch predictions through the local API, end to end: upload a model and a CSV, start a job (202),
 * let the real ASL workflow run it in the local Step Functions emulator (plan → Map over chunks →
 * finalize, against dynalite and s3rver), and download the output through its presigned URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';

let t: TestPlatform;
let alice: string;
let bob: string;
let admin: string;

const iris = fixture('iris_logreg_zipmap');
const ROWS = 100_000;

/** Deterministic feature rows around the iris ranges, one decimal each. */
function feature(row: number, column: number): string {
  const x = Math.sin(row * 12.9898 + column * 78.233) * 43758.5453;
  const unit = x - Math.floor(x);
  const [low, span] = [
    [4.3, 3.6],
    [2.0, 2.4],
    [1.0, 5.9],
    [0.1, 2.4],
  ][column] as [number, number];
  return (low + unit * span).toFixed(1);
}

function csv(rows: number, bad: ReadonlyMap<number, string> = new Map()): string {
  const lines = ['id,sepal_length,sepal_width,petal_length,petal_width'];
  for (let r = 1; r <= rows; r += 1) {
    const values = [0, 1, 2, 3].map((c) => feature(r, c));
    const broken = bad.get(r);
    if (broken !== undefined) values[1] = broken;
    lines.push(`id-${r},${values.join(',')}`);
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  t = await startTestPlatform({ functionEnvironment: { SERVING_CACHE_TTL_MS: '0' } });
  [alice, bob, admin] = await Promise.all([t.token('alice'), t.token('bob'), t.token('admin')]);
  const model = await t.call('POST', '/v1/models', {
    token: alice,
    body: { name: 'iris-batch', task: 'classification' },
  });
  expect(model.status).toBe(201);
  const version = await t.call('POST', '/v1/models/iris-batch/versions', {
    token: alice,
    rawBody: Buffer.from(iris.bytes) as unknown as string,
    headers: { 'content-type': 'application/octet-stream' },
  });
  expect(version.status).toBe(201);
}, 60_000);
afterAll(async () => t?.close());

async function uploadInput(text: string, token = alice): Promise<string> {
  const upload = await t.call('POST', '/v1/batch-predictions/uploads', {
    token,
    body: { format: 'csv', sizeBytes: Buffer.byteLength(text) },
  });
  expect(upload.status).toBe(201);
  const put = await fetch(upload.json.uploadUrl, { method: 'PUT', body: text });
  expect(put.status).toBe(200);
  return upload.json.uploadId;
}

async function start(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await t.call('POST', '/v1/batch-predictions', { token: alice, body, headers });
  expect(response.status, response.text).toBe(202);
  return response;
}

async function waitForJob(location: string, token = alice) {
  const deadline = Date.now() + 240_000;
  for (;;) {
    const job = await t.call('GET', location, { token });
    expect(job.status).toBe(200);
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.json.status)) return job.json;
    if (Date.now() > deadline) throw new Error(`job still ${job.json.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function download(url: string): Promise<string[]> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return (await response.text()).trimEnd().split('\n');
}

describe('batch predictions through the local API', () => {
  it('predicts a 100k-row CSV into one output of the same rows in order, equal to real-time predict', async () => {
    // Prepare
    const uploadId = await uploadInput(csv(ROWS));
    const body = {
      model: 'iris-batch',
      input: { uploadId, format: 'csv' },
      output: { format: 'csv', passthrough: ['id'], probabilities: true },
    };

    // Act
    const started = await start(body, { 'idempotency-key': 'batch-100k' });
    const replayed = await start(body, { 'idempotency-key': 'batch-100k' });
    const job = await waitForJob(started.headers.get('location') ?? '');

    // Assess
    expect(started.headers.get('location')).toBe(`/v1/batch-predictions/${started.json.jobId}`);
    expect(started.json).toMatchObject({ status: 'PENDING', model: { name: 'iris-batch', version: 1 } });
    expect(replayed.json.jobId).toBe(started.json.jobId);
    expect(job).toMatchObject({
      status: 'SUCCEEDED',
      rows: { total: ROWS, done: ROWS, errors: 0 },
      model: { name: 'iris-batch', version: 1 },
    });
    expect(job.chunks.total).toBeGreaterThan(1);
    expect(job.chunks.done).toBe(job.chunks.total);
    expect(job.rowsPerSecond).toBeGreaterThan(0);
    const lines = await download(job.downloads.output);
    expect(lines[0]).toBe('id,prediction,probability_0,probability_1,probability_2,model_version');
    expect(lines).toHaveLength(ROWS + 1);
    const ids = lines.slice(1).map((line) => line.slice(0, line.indexOf(',')));
    expect(ids).toEqual(Array.from({ length: ROWS }, (_, i) => `id-${i + 1}`));
    expect(await download(job.downloads.errors)).toEqual(['row,line,field,reason']);

    // Sampled rows: the same answer as real-time predict gives for the same values.
    const sample = [1, 2, 777, 31_415, 50_000, 65_537, 99_999, ROWS];
    const realtime = await t.call('POST', '/v1/models/iris-batch/predict', {
      token: alice,
      body: { instances: sample.map((r) => [0, 1, 2, 3].map((c) => Number(feature(r, c)))) },
    });
    expect(realtime.status).toBe(200);
    sample.forEach((row, i) => {
      const [, prediction, ...rest] = (lines[row] as string).split(',');
      expect(Number(prediction)).toBe(realtime.json.predictions[i]);
      // float32 probabilities: onnxruntime's kernels may round the last bit differently for a batch
      // of 10,000 rows than for one of 8, so equal to float32 precision.
      rest.slice(0, 3).forEach((p, c) => {
        const expected = realtime.json.probabilities[i][c] as number;
        expect(Math.abs(Number(p) - expected)).toBeLessThanOrEqual(
          Math.max(Math.abs(expected), 1e-30) * 2 ** -20,
        );
      });
      expect(rest[3]).toBe('1');
    });
  }, 300_000);

  it('lists the refused rows in the errors file and succeeds while under maxErrorRate', async () => {
    // Prepare
    const bad = new Map([
      [5, 'abc'],
      [600, 'inf'],
      [1999, ''],
    ]);
    const uploadId = await uploadInput(csv(2000, bad));

    // Act
    const started = await start({
      model: 'iris-batch',
      input: { uploadId, format: 'csv' },
      output: { passthrough: ['id'] },
      maxErrorRate: 0.01,
    });
    const job = await waitForJob(started.headers.get('location') ?? '');

    // Assess
    expect(job).toMatchObject({ status: 'SUCCEEDED', rows: { total: 2000, done: 2000, errors: 3 } });
    const errors = await download(job.downloads.errors);
    // An empty field is a missing value, which this model does not declare it handles: refused as predict refuses null.
    expect(errors.slice(1).map((line) => line.split(',').slice(0, 3).join(','))).toEqual([
      '5,6,X[1]',
      '600,601,X[1]',
      '1999,2000,X[1]',
    ]);
    const output = await download(job.downloads.output);
    expect(output).toHaveLength(1 + 2000 - 3);
    expect(output.some((line) => line.startsWith('id-5,'))).toBe(false);
  }, 120_000);

  it('fails past maxErrorRate with the reason, an errors file and no output', async () => {
    // Prepare
    const bad = new Map([1, 2, 3, 4].map((r) => [r * 10, 'x'] as [number, string]));
    const uploadId = await uploadInput(csv(100, bad));

    // Act
    const started = await start({
      model: 'iris-batch',
      input: { uploadId, format: 'csv' },
      output: { passthrough: ['id'] },
      maxErrorRate: 0.03,
    });
    const job = await waitForJob(started.headers.get('location') ?? '');

    // Assess
    expect(job.status).toBe('FAILED');
    expect(job.error.reason).toBe(
      '4 of 100 rows were refused (4%), more than maxErrorRate (3%); see the errors file. No output was written.',
    );
    expect(job.downloads.output).toBeUndefined();
    expect(await download(job.downloads.errors)).toHaveLength(5);
  }, 120_000);

  it('refuses with problem+json a request that cannot run, and hides jobs from other users', async () => {
    // Act
    const missingUpload = await t.call('POST', '/v1/batch-predictions', {
      token: alice,
      body: { model: 'iris-batch', input: { uploadId: crypto.randomUUID(), format: 'csv' } },
    });
    const reservedName = await t.call('POST', '/v1/batch-predictions', {
      token: alice,
      body: {
        model: 'iris-batch',
        input: { uploadId: crypto.randomUUID(), format: 'csv' },
        output: { passthrough: ['prediction'] },
      },
    });
    const othersModel = await t.call('POST', '/v1/batch-predictions', {
      token: bob,
      body: { model: 'iris-batch', input: { uploadId: await uploadInput(csv(3), bob), format: 'csv' } },
    });
    const bobsList = await t.call('GET', '/v1/batch-predictions', { token: bob });
    const alicesList = await t.call('GET', '/v1/batch-predictions', { token: alice });
    const adminsList = await t.call('GET', '/v1/batch-predictions', { token: admin });
    const someJob = alicesList.json.items[0]?.jobId;
    const bobReads = await t.call('GET', `/v1/batch-predictions/${someJob}`, { token: bob });

    // Assess
    expect(missingUpload.status).toBe(422);
    expect(missingUpload.headers.get('content-type')).toContain('application/problem+json');
    expect(missingUpload.json.detail).toMatch(/Nothing was uploaded/);
    expect(reservedName.status).toBe(400);
    expect(othersModel.status).toBe(404);
    expect(bobsList.json.items).toEqual([]);
    expect(alicesList.json.items.length).toBeGreaterThanOrEqual(3);
    expect(adminsList.json.items.length).toBe(alicesList.json.items.length);
    expect(bobReads.status).toBe(404);
  }, 60_000);

  it('cancels a running job: it stays CANCELLED and offers no output', async () => {
    // Prepare
    const uploadId = await uploadInput(csv(ROWS));
    const started = await start({
      model: 'iris-batch',
      input: { uploadId, format: 'csv' },
      output: { passthrough: ['id'] },
    });

    // Act
    const cancelled = await t.call('POST', `/v1/batch-predictions/${started.json.jobId}/cancel`, {
      token: alice,
    });
    const again = await t.call('POST', `/v1/batch-predictions/${started.json.jobId}/cancel`, {
      token: alice,
    });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const later = await t.call('GET', `/v1/batch-predictions/${started.json.jobId}`, { token: alice });

    // Assess
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.status).toBe('CANCELLED');
    expect(again.json.status).toBe('CANCELLED');
    expect(later.json.status).toBe('CANCELLED');
    expect(later.json.downloads).toBeUndefined();
  }, 60_000);
});
