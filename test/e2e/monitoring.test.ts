/**
 * Prediction usage and capture through the local API: predictions (v1 and v2) are counted in the
 * container, flushed to the usage table in the background and read back as time series per
 * version; sampled predictions of models whose owner turned capture on land in S3 as JSON Lines.
 */
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketDefinitions, localBucketName } from '../../infra/definitions/storage.ts';
import { fixture } from '../support/fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';

let t: TestPlatform;
let alice: string;
let admin: string;
let bob: string;
const row = [5.1, 3.5, 1.4, 0.2];

beforeAll(async () => {
  t = await startTestPlatform({
    functionEnvironment: {
      // 1,000 predictions in a few seconds are over the default budget of 600 a minute.
      RATE_LIMIT_PER_MINUTE: '100000',
      SERVING_CACHE_TTL_MS: '0',
      // Flushes as a busy container would, by count, and soon after the last request.
      USAGE_FLUSH_EVERY_REQUESTS: '100',
      USAGE_FLUSH_INTERVAL_MS: '200',
      CAPTURE_FLUSH_INTERVAL_MS: '200',
    },
  });
  [alice, admin, bob] = await Promise.all([t.token('alice'), t.token('admin'), t.token('bob')]);
});
afterAll(async () => t?.close());

async function modelWithVersions(name: string, versions: number) {
  expect(
    (await t.call('POST', '/v1/models', { token: alice, body: { name, task: 'classification' } })).status,
  ).toBe(201);
  for (let v = 1; v <= versions; v += 1) {
    const uploaded = await t.call('POST', `/v1/models/${name}/versions`, {
      token: alice,
      rawBody: Buffer.from(fixture('iris_logreg_zipmap').bytes) as unknown as string,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(uploaded.status).toBe(201);
  }
}

/** Sends `count` requests, `concurrency` at a time. */
async function inParallel(count: number, concurrency: number, send: (i: number) => Promise<number>) {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next;
        next += 1;
        statuses.push(await send(i));
      }
    }),
  );
  return statuses;
}

/** Polls the report until `done` holds (the flush runs in the background), for at most 10 s. */
async function usageUntil(path: string, token: string, done: (json: any) => boolean) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const response = await t.call('GET', path, { token });
    expect(response.status).toBe(200);
    if (done(response.json) || Date.now() > deadline) return response.json;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('usage of one model', () => {
  it('counts 1,000 predictions with latency percentiles, by version, and failures as 4xx', async () => {
    await modelWithVersions('usage-iris', 2);
    const statuses = await inParallel(1000, 10, async () => {
      const response = await t.call('POST', '/v1/models/usage-iris/predict?version=1', {
        token: alice,
        body: { instances: [row] },
      });
      return response.status;
    });
    expect(statuses.filter((s) => s === 200)).toHaveLength(1000);
    for (let i = 0; i < 3; i += 1) {
      const refused = await t.call('POST', '/v1/models/usage-iris/predict?version=2', {
        token: alice,
        body: { instances: [[1, 2]] },
      });
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.status).toBeLessThan(500);
    }

    const report = await usageUntil(
      '/v1/models/usage-iris/usage?granularity=minute&by=version',
      alice,
      (json) => json.totals.requests >= 1003,
    );

    expect(report.totals).toMatchObject({ requests: 1003, rows: 1000, succeeded: 1000, clientErrors: 3 });
    const [v1, v2] = report.series;
    expect(v1).toMatchObject({
      version: 1,
      totals: { requests: 1000, rows: 1000, serverErrors: 0, errorRate: 0 },
    });
    const { p50, p95, p99 } = v1.totals.latencyMs;
    expect(p50).toBeGreaterThan(0);
    expect(p50).toBeLessThanOrEqual(p95);
    expect(p95).toBeLessThanOrEqual(p99);
    expect(v1.totals.modelRunMs.p50).toBeLessThanOrEqual(p50);
    expect(v1.points.reduce((sum: number, p: { requests: number }) => sum + p.requests, 0)).toBe(1000);
    expect(v2).toMatchObject({ version: 2, totals: { requests: 3, rows: 0, clientErrors: 3, errorRate: 1 } });
    expect(v2.totals.modelRunMs.p50).toBeNull();
    // 1,000 requests through the gateway: seconds alone, much longer on a loaded 2-core machine.
  }, 180_000);

  it('shows both arms of a 50/50 split side by side, and counts v2 inference too', async () => {
    await modelWithVersions('usage-split', 2);
    for (const v of [1, 2])
      await t.call('POST', `/v1/models/usage-split/versions/${v}/approve`, { token: admin });
    const split = await t.call('PUT', '/v1/models/usage-split/aliases/canary', {
      token: alice,
      body: {
        split: [
          { version: 1, weight: 50 },
          { version: 2, weight: 50 },
        ],
      },
    });
    expect(split.status).toBe(200);
    const versions = new Map<number, number>();
    await inParallel(200, 10, async (i) => {
      const response = await t.call('POST', '/v1/models/usage-split/predict?alias=canary', {
        token: alice,
        body: { instances: [row, row], routingKey: `customer-${i}` },
      });
      versions.set(response.json.version, (versions.get(response.json.version) ?? 0) + 1);
      return response.status;
    });
    for (let i = 0; i < 5; i += 1) {
      const inferred = await t.call('POST', '/v2/models/usage-split/versions/1/infer', {
        token: alice,
        body: { inputs: [{ name: 'X', shape: [3, 4], datatype: 'FP32', data: [...row, ...row, ...row] }] },
      });
      expect(inferred.status).toBe(200);
    }

    const report = await usageUntil(
      '/v1/models/usage-split/usage?granularity=hour&by=version',
      alice,
      (json) => json.totals.requests >= 205,
    );
    expect(report.series.map((s: any) => s.version)).toEqual([1, 2]);
    const [arm1, arm2] = report.series;
    expect(arm1.totals.requests).toBe((versions.get(1) ?? 0) + 5);
    expect(arm1.totals.rows).toBe(2 * (versions.get(1) ?? 0) + 15);
    expect(arm2.totals.requests).toBe(versions.get(2));
    expect(arm2.totals.latencyMs.p99).not.toBeNull();
    // Both arms took a fair share of 200 sticky keys.
    expect(versions.get(1)).toBeGreaterThan(50);
    expect(versions.get(2)).toBeGreaterThan(50);

    const byAlias = await t.call('GET', '/v1/models/usage-split/usage?by=alias', { token: alice });
    expect(byAlias.json.series.map((s: any) => [s.alias, s.totals.requests])).toEqual([
      [null, 5],
      ['canary', 200],
    ]);
  }, 90_000);

  it('is for whoever may read the model, and validates its query', async () => {
    expect((await t.call('GET', '/v1/models/usage-iris/usage', { token: bob })).status).toBe(404);
    const unknownGranularity = await t.call('GET', '/v1/models/usage-iris/usage?granularity=week', {
      token: alice,
    });
    expect(unknownGranularity.status).toBe(400);
    expect(unknownGranularity.headers.get('content-type')).toContain('application/problem+json');
    const tooWide = await t.call(
      'GET',
      '/v1/models/usage-iris/usage?granularity=minute&from=2026-01-01T00:00:00Z&to=2026-01-03T00:00:00Z',
      { token: alice },
    );
    expect(tooWide.status).toBe(400);
    expect(tooWide.json.detail).toMatch(/at most 1 day/);
    const admins = await t.call('GET', '/v1/models/usage-iris/usage?by=caller', { token: admin });
    expect(admins.json.series).toEqual([
      expect.objectContaining({ caller: expect.stringMatching(/^user:/), callerName: 'alice' }),
    ]);
  });
});

describe('usage across the platform', () => {
  it('gives admins the top models and callers, and nobody else', async () => {
    expect((await t.call('GET', '/v1/usage', { token: alice })).status).toBe(403);
    const report = await usageUntil('/v1/usage', admin, (json) => json.totals.requests >= 1208);
    expect(report.totals.requests).toBe(1208);
    expect(report.topModels.map((m: any) => [m.model, m.requests])).toEqual([
      ['usage-iris', 1003],
      ['usage-split', 205],
    ]);
    expect(report.topCallers).toEqual([expect.objectContaining({ callerName: 'alice', requests: 1208 })]);
  });
});

/** Every captured record under a prefix of the models bucket, with the keys of the objects. */
async function captured(prefix: string) {
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: t.platform.endpoints.s3,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const Bucket = localBucketName(bucketDefinitions.models);
  const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: prefix }));
  const keys = (listed.Contents ?? []).map((o) => o.Key ?? '');
  const records: any[] = [];
  for (const Key of keys) {
    const body = await (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body?.transformToString();
    for (const line of (body ?? '').split('\n').filter((l) => l.length > 0)) records.push(JSON.parse(line));
  }
  s3.destroy();
  return { keys, records };
}

async function capturedUntil(prefix: string, count: number) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const result = await captured(prefix);
    if (result.records.length >= count || Date.now() > deadline) return result;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const predictOnce = async (name: string) =>
  (await t.call('POST', `/v1/models/${name}/predict`, { token: alice, body: { instances: [row] } })).status;

describe('prediction capture', () => {
  it('writes nothing while capture is off, then sampled predictions as JSON Lines in batches', async () => {
    await modelWithVersions('capture-iris', 1);
    for (let i = 0; i < 10; i += 1) expect(await predictOnce('capture-iris')).toBe(200);
    // Longer than a flush interval: a capture that was going to be written would be by now.
    await new Promise((r) => setTimeout(r, 600));
    expect((await captured('captures/capture-iris/')).keys).toEqual([]);

    expect(
      (await t.call('PATCH', '/v1/models/capture-iris', { token: bob, body: { capture: { sampleRate: 1 } } }))
        .status,
    ).toBe(404);
    const defaults = await t.call('PATCH', '/v1/models/capture-iris', {
      token: alice,
      body: { capture: {} },
    });
    expect(defaults.json.capture).toEqual({ sampleRate: 0.1, includeInputs: true });
    const on = await t.call('PATCH', '/v1/models/capture-iris', {
      token: alice,
      body: { capture: { sampleRate: 1 } },
    });
    expect(on.status).toBe(200);
    expect(on.json.capture).toEqual({ sampleRate: 1, includeInputs: true });
    expect(
      (
        await t.call('PATCH', '/v1/models/capture-iris', {
          token: alice,
          body: { capture: { sampleRate: 1.5 } },
        })
      ).status,
    ).toBe(400);

    await inParallel(20, 5, () => predictOnce('capture-iris'));
    for (let i = 0; i < 5; i += 1) {
      const inferred = await t.call('POST', '/v2/models/capture-iris/infer', {
        token: alice,
        body: { inputs: [{ name: 'X', shape: [1, 4], datatype: 'FP32', data: row }] },
      });
      expect(inferred.status).toBe(200);
    }
    const { keys, records } = await capturedUntil('captures/capture-iris/', 25);
    expect(records).toHaveLength(25);
    expect(keys.length).toBeLessThan(25);
    for (const key of keys)
      expect(key).toMatch(/^captures\/capture-iris\/1\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/[^/]+\.jsonl$/);
    expect(new Set(records.map((r) => r.requestId)).size).toBe(25);
    const v1 = records.filter((r) => Array.isArray(r.inputs) && Array.isArray(r.inputs[0]));
    expect(v1).toHaveLength(20);
    expect(v1[0]).toMatchObject({
      model: 'capture-iris',
      version: 1,
      inputs: [row],
      outputs: { predictions: [0] },
    });
    expect(Date.parse(v1[0].time)).toBeGreaterThan(Date.now() - 60_000);

    await t.call('PATCH', '/v1/models/capture-iris', {
      token: alice,
      body: { capture: { sampleRate: 1, includeInputs: false } },
    });
    for (let i = 0; i < 5; i += 1) expect(await predictOnce('capture-iris')).toBe(200);
    const withoutInputs = (await capturedUntil('captures/capture-iris/', 30)).records.slice(0);
    expect(withoutInputs).toHaveLength(30);
    expect(withoutInputs.filter((r) => !('inputs' in r))).toHaveLength(5);

    const off = await t.call('PATCH', '/v1/models/capture-iris', { token: alice, body: { capture: null } });
    expect(off.status).toBe(200);
    expect(off.json).not.toHaveProperty('capture');
    for (let i = 0; i < 10; i += 1) expect(await predictOnce('capture-iris')).toBe(200);
    await new Promise((r) => setTimeout(r, 600));
    expect((await captured('captures/capture-iris/')).records).toHaveLength(30);
  }, 90_000);
});
