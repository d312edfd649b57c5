/** GET /v1/models/{name}/versions/{version}/download through the local API, down to the stored bytes. */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';

let t: TestPlatform;
let alice: string;
let bob: string;
let admin: string;
const iris = fixture('iris_logreg_zipmap');

beforeAll(async () => {
  t = await startTestPlatform();
  [alice, bob, admin] = await Promise.all([t.token('alice'), t.token('bob'), t.token('admin')]);
  const created = await t.call('POST', '/v1/models', {
    token: alice,
    body: { name: 'shared-iris', task: 'classification', teamVisible: true },
  });
  expect(created.status).toBe(201);
  const uploaded = await t.call('POST', '/v1/models/shared-iris/versions', {
    token: alice,
    rawBody: iris.bytes as unknown as string,
    headers: { 'content-type': 'application/octet-stream' },
  });
  expect(uploaded.status).toBe(201);
});
afterAll(async () => t?.close());

describe('GET /v1/models/{name}/versions/{version}/download', () => {
  it.each([
    ['the owner', () => alice],
    ['an admin', () => admin],
  ])(
    'answers %s a presigned URL that serves the uploaded ONNX bytes, with their sha256',
    async (_, token) => {
      // Act
      const download = await t.call('GET', '/v1/models/shared-iris/versions/1/download', { token: token() });
      const bytes = new Uint8Array(await (await fetch(download.json.url)).arrayBuffer());

      // Assess
      expect(download.status).toBe(200);
      expect(download.json).toMatchObject({
        format: 'onnx',
        method: 'GET',
        sizeBytes: iris.bytes.byteLength,
      });
      expect(new Date(download.json.expiresAt).getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
      expect(Buffer.from(bytes)).toEqual(iris.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(download.json.sha256);
    },
  );

  it('answers another user 404 even though the model is team-visible (they may read it)', async () => {
    // Act
    const [download, read] = await Promise.all([
      t.call('GET', '/v1/models/shared-iris/versions/1/download', { token: bob }),
      t.call('GET', '/v1/models/shared-iris/versions/1', { token: bob }),
    ]);

    // Assess
    expect(read.status).toBe(200);
    expect(download.status).toBe(404);
    expect(download.headers.get('content-type')).toContain('application/problem+json');
  });

  it('answers 404 for a missing version and 400 for a version that is not a number', async () => {
    // Act
    const [missing, malformed] = await Promise.all([
      t.call('GET', '/v1/models/shared-iris/versions/9/download', { token: alice }),
      t.call('GET', '/v1/models/shared-iris/versions/latest/download', { token: alice }),
    ]);

    // Assess
    expect(missing.status).toBe(404);
    expect(missing.json.detail).toBe('Model shared-iris has no version 9.');
    expect(malformed.status).toBe(400);
  });
});
