/**
 * Storage and jobs are bounded per user, through the local API: presigned uploads are capped at the
 * size declared up front, model files count against an owner's storage quota, and a user may have
 * only so many training jobs unfinished at once. Refusals are 409/413 problem+json.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';

const iris = fixture('iris_logreg_zipmap');
/** Room for two copies of the iris model, not three. */
const QUOTA_BYTES = iris.bytes.byteLength * 2 + 100;
const MAX_MODEL_BYTES = 100_000;

let t: TestPlatform;
let alice: string;
let bob: string;

beforeAll(async () => {
  t = await startTestPlatform({
    functionEnvironment: {
      MODEL_STORAGE_QUOTA_BYTES: String(QUOTA_BYTES),
      MAX_MODEL_BYTES: String(MAX_MODEL_BYTES),
      MAX_ACTIVE_JOBS_PER_USER: '1',
    },
  });
  [alice, bob] = await Promise.all([t.token('alice'), t.token('bob')]);
});
afterAll(async () => t?.close());

async function createModel(name: string, token = alice) {
  const response = await t.call('POST', '/v1/models', { token, body: { name, task: 'classification' } });
  expect(response.status).toBe(201);
}

async function upload(name: string, token = alice) {
  return t.call('POST', `/v1/models/${name}/versions`, {
    token,
    rawBody: Buffer.from(iris.bytes) as unknown as string,
    headers: { 'content-type': 'application/octet-stream' },
  });
}

describe('the model storage quota', () => {
  it("refuses a version that would exceed the owner's quota with 409, until room is made", async () => {
    await createModel('quota-a');
    await createModel('quota-b');
    expect((await upload('quota-a')).status).toBe(201);
    expect((await upload('quota-b')).status).toBe(201);

    const refused = await upload('quota-a');
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.json).toMatchObject({
      title: 'Quota exceeded',
      quota: 'modelStorageBytes',
      limit: QUOTA_BYTES,
      used: iris.bytes.byteLength * 2,
    });
    expect((await t.call('GET', '/v1/models/quota-a/versions', { token: alice })).json.items).toHaveLength(1);
    // Presigned uploads count too, at commit.
    const started = await t.call('POST', '/v1/models/quota-a/uploads', {
      token: alice,
      body: { sizeBytes: iris.bytes.byteLength },
    });
    await fetch(started.json.uploadUrl, { method: 'PUT', body: iris.bytes });
    const committed = await t.call('POST', `/v1/models/quota-a/uploads/${started.json.uploadId}/commit`, {
      token: alice,
    });
    expect(committed.status).toBe(409);

    // Another owner has their own quota; deleting a model frees the owner's.
    await createModel('quota-bob', bob);
    expect((await upload('quota-bob', bob)).status).toBe(201);
    expect((await t.call('DELETE', '/v1/models/quota-b', { token: alice })).status).toBe(204);
    expect((await upload('quota-a')).status).toBe(201);
  });
});

describe('presigned upload size', () => {
  it('refuses to start an upload declared over the limit (413), and a commit of another size (422)', async () => {
    await createModel('sized');
    const tooBig = await t.call('POST', '/v1/models/sized/uploads', {
      token: alice,
      body: { sizeBytes: MAX_MODEL_BYTES + 1 },
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.json).toMatchObject({ field: 'body.sizeBytes', limitBytes: MAX_MODEL_BYTES });
    const undeclared = await t.call('POST', '/v1/models/sized/uploads', { token: alice, body: {} });
    expect(undeclared.status).toBe(400);

    // The emulator does not enforce the signed length (S3 does): the commit's check is what holds here.
    const started = await t.call('POST', '/v1/models/sized/uploads', {
      token: alice,
      body: { sizeBytes: 10 },
    });
    expect(started.status).toBe(201);
    await fetch(started.json.uploadUrl, { method: 'PUT', body: iris.bytes });
    const committed = await t.call('POST', `/v1/models/sized/uploads/${started.json.uploadId}/commit`, {
      token: alice,
    });
    expect(committed.status).toBe(422);
    expect(committed.json.detail).toMatch(/not the 10 declared/);
    expect((await t.call('GET', '/v1/models/sized/versions', { token: alice })).json.items).toEqual([]);
  });

  it('refuses a dataset upload declared over the dataset limit with 413', async () => {
    const response = await t.call('POST', '/v1/datasets', {
      token: alice,
      body: { name: 'huge', sizeBytes: 10 * 1024 * 1024 * 1024 },
    });
    expect(response.status).toBe(413);
    expect(response.json.field).toBe('body.sizeBytes');
    expect((await t.call('GET', '/v1/datasets/huge', { token: alice })).status).toBe(404);
  });
});

describe('the active training jobs quota', () => {
  const irisCsv = readFileSync(new URL('../../data/public/iris.csv', import.meta.url), 'utf8');

  async function waitForJob(location: string) {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const job = await t.call('GET', location, { token: bob });
      if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.json.status)) return job.json;
      if (Date.now() > deadline) throw new Error(`job still ${job.json.status}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('refuses a job while the user has as many unfinished as allowed (409), and takes one after', async () => {
    const started = await t.call('POST', '/v1/datasets', {
      token: bob,
      body: { name: 'iris-quota', format: 'csv', sizeBytes: Buffer.byteLength(irisCsv) },
    });
    await fetch(started.json.uploadUrl, { method: 'PUT', body: irisCsv });
    expect((await t.call('POST', started.json.commitPath, { token: bob })).status).toBe(200);
    const body = { dataset: 'iris-quota', target: 'target', modelName: 'iris-quota-model' };

    const first = await t.call('POST', '/v1/training-jobs', { token: bob, body });
    expect(first.status).toBe(202);
    const second = await t.call('POST', '/v1/training-jobs', { token: bob, body });
    expect(second.status).toBe(409);
    expect(second.json).toMatchObject({ quota: 'activeTrainingJobs', limit: 1, used: 1 });

    await waitForJob(first.headers.get('location') ?? '');
    const third = await t.call('POST', '/v1/training-jobs', { token: bob, body });
    expect(third.status).toBe(202);
    await waitForJob(third.headers.get('location') ?? '');
  }, 240_000);
});
