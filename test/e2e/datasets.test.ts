/**
 * Datasets through the local API: upload with a presigned URL (PUT with fetch), commit, read the
 * profile and quality report; versions, refusals that leave nothing usable, ownership, and a 20 MB
 * file committed in bounded memory (the local gateway runs the handlers in this process).
 */

import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketDefinitions, localBucketName } from '../../infra/definitions/storage.ts';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';
import { datasetFixture } from '../unit/core/datasets/fixtures.ts';

let t: TestPlatform;
let alice: string;
let bob: string;
let admin: string;

beforeAll(async () => {
  t = await startTestPlatform();
  [alice, bob, admin] = await Promise.all([t.token('alice'), t.token('bob'), t.token('admin')]);
});
afterAll(async () => t?.close());

/** POST /v1/datasets for a file of `sizeBytes` (the length the upload URL is signed for). */
async function startUpload(
  name: string,
  sizeBytes: number,
  token = alice,
  extra: Record<string, unknown> = {},
) {
  return t.call('POST', '/v1/datasets', { token, body: { name, sizeBytes, ...extra } });
}

/** POST /v1/datasets, then PUT the bytes to the presigned URL as a client would. */
async function upload(name: string, bytes: Uint8Array, token = alice, extra: Record<string, unknown> = {}) {
  const started = await startUpload(name, bytes.byteLength, token, extra);
  expect(started.status).toBe(201);
  const put = await fetch(started.json.uploadUrl, { method: 'PUT', body: bytes });
  expect(put.status).toBe(200);
  return started.json as { name: string; version: number; commitPath: string };
}

async function commit(name: string, version: number, token = alice) {
  return t.call('POST', `/v1/datasets/${name}/versions/${version}/commit`, { token });
}

async function storedObjects(prefix: string): Promise<string[]> {
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: t.platform.endpoints.s3,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const listed = await s3.send(
    new ListObjectsV2Command({ Bucket: localBucketName(bucketDefinitions.datasets), Prefix: prefix }),
  );
  s3.destroy();
  return (listed.Contents ?? []).map((o) => o.Key ?? '');
}

describe('uploading and committing a dataset', () => {
  it('uploads through the presigned URL, commits, and serves the profile and quality report', async () => {
    // Prepare
    const started = await startUpload('customers', datasetFixture('customers.csv').byteLength, alice, {
      description: 'CRM export',
    });
    expect(started.status).toBe(201);
    expect(started.headers.get('location')).toBe('/v1/datasets/customers/versions/1');
    expect(started.json).toMatchObject({ name: 'customers', version: 1, status: 'uploading', format: 'csv' });
    await fetch(started.json.uploadUrl, { method: 'PUT', body: datasetFixture('customers.csv') });
    // Act
    const committed = await t.call('POST', started.json.commitPath, { token: alice });
    // Assess
    expect(committed.status).toBe(200);
    expect(committed.json).toMatchObject({
      datasetName: 'customers',
      version: 1,
      status: 'ready',
      rowCount: 5,
      columnCount: 7,
      sizeBytes: datasetFixture('customers.csv').byteLength,
      quality: { blocking: [], warnings: [] },
    });
    expect(committed.json).not.toHaveProperty('objectKey');
    expect(committed.json).not.toHaveProperty('stagingKey');
    const version = await t.call('GET', '/v1/datasets/customers/versions/1', { token: alice });
    expect(version.json.profile.columns.map((c: { name: string; type: string }) => [c.name, c.type])).toEqual(
      [
        ['customer_id', 'integer'],
        ['age', 'integer'],
        ['income', 'numeric'],
        ['plan', 'categorical'],
        ['signup', 'datetime'],
        ['churned', 'boolean'],
        ['notes', 'categorical'],
      ],
    );
    expect(version.json.profile.columns[1].numeric).toMatchObject({ min: 29, max: 51, mean: 39.4 });
    const dataset = await t.call('GET', '/v1/datasets/customers', { token: alice });
    expect(dataset.json).toMatchObject({
      name: 'customers',
      ownerUsername: 'alice',
      description: 'CRM export',
      latestVersion: 1,
      latestReadyVersion: 1,
      latest: { version: 1, status: 'ready' },
    });
    // The file sits under its immutable per-version key; the upload is gone.
    expect(await storedObjects('datasets/customers/')).toEqual(['datasets/customers/v1/data.csv']);
    expect(await storedObjects('uploads/customers/')).toEqual([]);
  });

  it('makes version 2 when the same name is uploaded again, and version 2 becomes the latest', async () => {
    const second = await upload('customers', datasetFixture('bom.csv'));
    expect(second.version).toBe(2);
    const committed = await commit('customers', 2);
    expect(committed.json.quality.warnings.map((w: { code: string }) => w.code)).toEqual(['bom']);
    const versions = await t.call('GET', '/v1/datasets/customers/versions', { token: alice });
    expect(versions.json.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect((await t.call('GET', '/v1/datasets/customers', { token: alice })).json.latest.version).toBe(2);
  });

  it('takes JSON Lines', async () => {
    const started = await upload('events', datasetFixture('customers.jsonl'), alice, { format: 'jsonl' });
    const committed = await commit('events', started.version);
    expect(committed.status).toBe(200);
    expect(committed.json).toMatchObject({ format: 'jsonl', rowCount: 3, columnCount: 5 });
  });

  it('answers 409 while nothing has been uploaded, and commits once it is (an empty JSON body is fine)', async () => {
    const started = await startUpload('not-yet', datasetFixture('customers.csv').byteLength);
    const response = await commit('not-yet', started.json.version);
    expect(response.status).toBe(409);
    expect(response.json.detail).toMatch(/Nothing has been uploaded/);
    await fetch(started.json.uploadUrl, { method: 'PUT', body: datasetFixture('customers.csv') });
    const committed = await t.call('POST', started.json.commitPath, { token: alice, body: {} });
    expect(committed.json).toMatchObject({ status: 'ready', rowCount: 5 });
  });

  it('replays a retried POST with the same Idempotency-Key instead of making another version', async () => {
    const headers = { 'idempotency-key': 'upload-once-1' };
    const first = await t.call('POST', '/v1/datasets', {
      token: alice,
      body: { name: 'retried', sizeBytes: 10 },
      headers,
    });
    const again = await t.call('POST', '/v1/datasets', {
      token: alice,
      body: { name: 'retried', sizeBytes: 10 },
      headers,
    });
    expect(again.json.version).toBe(first.json.version);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });
});

describe('a file with blocking problems', () => {
  it('gets 422 naming the row and column, and leaves nothing usable behind', async () => {
    // Prepare: version 1 is good, version 2 has a Latin-1 byte in row 2 (line 3), column "city".
    await upload('places', datasetFixture('customers.csv'));
    expect((await commit('places', 1)).status).toBe(200);
    const bad = await upload('places', datasetFixture('non-utf8.csv'));
    // Act
    const response = await commit('places', bad.version);
    // Assess
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.json).toMatchObject({
      status: 422,
      row: 2,
      field: 'city',
      column: 'city',
      line: 3,
      byteOffset: 23,
      code: 'invalid-utf8',
      rowNumbering: expect.stringMatching(/1-based, the header not counted/),
    });
    expect(response.json.detail).toMatch(/row 2, line 3\), column "city"/);
    expect(response.json.issues).toHaveLength(1);
    const version = await t.call('GET', `/v1/datasets/places/versions/${bad.version}`, { token: alice });
    expect(version.json).toMatchObject({ status: 'failed', failureReason: expect.stringMatching(/UTF-8/) });
    expect(version.json).not.toHaveProperty('profile');
    // The latest usable version is still 1, and the bad file is gone.
    expect((await t.call('GET', '/v1/datasets/places', { token: alice })).json.latest.version).toBe(1);
    expect(await storedObjects('uploads/places/')).toEqual([]);
    expect(await storedObjects('datasets/places/')).toEqual(['datasets/places/v1/data.csv']);
    // Committing again gives the same answer.
    expect((await commit('places', bad.version)).status).toBe(422);
  });

  it('names the row and the column of a ragged row', async () => {
    const started = await upload('ragged', datasetFixture('too-many-fields.csv'));
    const response = await commit('ragged', started.version);
    expect(response.status).toBe(422);
    expect(response.json).toMatchObject({ row: 2, line: 3, columnPosition: 4, code: 'too-many-fields' });
  });
});

describe('ownership', () => {
  it("hides another user's dataset behind 404; admins see it", async () => {
    for (const path of [
      '/v1/datasets/customers',
      '/v1/datasets/customers/versions',
      '/v1/datasets/customers/versions/1',
    ]) {
      expect((await t.call('GET', path, { token: bob })).status, path).toBe(404);
      expect((await t.call('GET', path, { token: admin })).status, path).toBe(200);
    }
    expect((await commit('customers', 1, bob)).status).toBe(404);
    expect((await t.call('GET', '/v1/datasets', { token: bob })).json.items).toEqual([]);
    const adminList = await t.call('GET', '/v1/datasets?limit=100', { token: admin });
    expect(adminList.json.items.map((d: { name: string }) => d.name)).toContain('customers');
    // A name taken by another user cannot be uploaded to.
    expect((await startUpload('customers', 10, bob)).status).toBe(409);
  });
});

/** A CSV of about `megabytes` MB with numbers, categories, dates and free text. */
function generatedCsv(megabytes: number): { bytes: Buffer; rows: number } {
  const colours = ['red', 'green', 'blue', 'yellow', 'black'];
  const lines = ['id,amount,score,colour,signup,comment,active'];
  let size = 0;
  let rows = 0;
  while (size < megabytes * 1024 * 1024) {
    rows += 1;
    const line = `${rows},${((rows * 7919) % 100_000) / 100},${rows % 97},${colours[rows % 5]},2024-0${1 + (rows % 9)}-1${rows % 10},"note ${rows % 1013} about, things",${rows % 2 === 0}`;
    lines.push(line);
    size += line.length + 1;
  }
  return { bytes: Buffer.from(`${lines.join('\n')}\n`), rows };
}

/** Bytes in V8's young generation: short-lived objects, collected as soon as it fills. */
function youngGenerationUsed(): number {
  return getHeapSpaceStatistics()
    .filter((space) => space.space_name === 'new_space' || space.space_name === 'new_large_object_space')
    .reduce((sum, space) => sum + space.space_used_size, 0);
}

describe('a 20 MB file', () => {
  /*
   * What would show a file held in memory: heap that outlives the young generation (rows kept in an
   * array are promoted to the old space; one big string lands in the large-object space) and array
   * buffers (the SDK's transformToByteArray would put the whole body there). The young generation
   * itself is left out: V8 sizes it from the process's allocation history (up to 16 MiB usable; this
   * test's own CSV generation grows it to that) and `gc()` never shrinks it, so its fill level says
   * nothing about the file; it is logged along with the total.
   */
  it('commits with memory growth well under half the file size, and keeps nothing', {
    timeout: 120_000,
  }, async () => {
    // Prepare: a warm-up commit, then the 20 MB file uploaded before measuring.
    const warmUp = generatedCsv(2);
    await commit('warm-up', (await upload('warm-up', warmUp.bytes)).version);
    let big: { bytes: Buffer; rows: number } | undefined = generatedCsv(20);
    const size = big.bytes.byteLength;
    const rows = big.rows;
    const started = await upload('twenty-mb', big.bytes);
    big = undefined;
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage();
    const beforeOld = before.heapUsed - youngGenerationUsed();
    const peak = { heap: 0, beyondYoung: 0, buffers: 0 };
    const sample = () => {
      const now = process.memoryUsage();
      peak.heap = Math.max(peak.heap, now.heapUsed - before.heapUsed);
      peak.beyondYoung = Math.max(peak.beyondYoung, now.heapUsed - youngGenerationUsed() - beforeOld);
      peak.buffers = Math.max(peak.buffers, now.arrayBuffers - before.arrayBuffers);
    };
    const sampler = setInterval(sample, 1);
    // Act
    const startedAt = performance.now();
    const response = await commit('twenty-mb', started.version);
    const seconds = (performance.now() - startedAt) / 1000;
    clearInterval(sampler);
    sample();
    gc();
    const retained = process.memoryUsage().heapUsed - before.heapUsed;
    // Assess
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ status: 'ready', rowCount: rows, sizeBytes: size });
    const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;
    console.info(
      `20 MB commit: ${seconds.toFixed(1)} s (${(size / 1048576 / seconds).toFixed(1)} MiB/s end to end); peak growth: ` +
        `heap beyond the young generation ${mib(peak.beyondYoung)}, array buffers ${mib(peak.buffers)}, ` +
        `whole heap ${mib(peak.heap)} (young generation included); retained after GC ${mib(retained)}`,
    );
    expect(peak.beyondYoung).toBeLessThan(size / 2);
    expect(peak.buffers).toBeLessThan(size / 2);
    expect(retained).toBeLessThan(size / 10);
  });
});
