/**
 * The prediction cache through the local API: the owner turns it on with PATCH /v1/models/{name};
 * repeated rows then answer from the container's cache with the same predictions as without it,
 * each version (and an alias moved to another one) starts with no entries, and hits and misses
 * are counted in the model's usage; null turns it off again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';

let t: TestPlatform;
let alice: string;
let admin: string;

beforeAll(async () => {
  t = await startTestPlatform({
    functionEnvironment: {
      SERVING_CACHE_TTL_MS: '0',
      USAGE_FLUSH_INTERVAL_MS: '200',
    },
  });
  [alice, admin] = await Promise.all([t.token('alice'), t.token('admin')]);
});
afterAll(async () => t?.close());

const iris = fixture('iris_logreg_zipmap');
const rows = (iris.rows as number[][]).slice(0, 6);

async function predict(path: string, instances: unknown[]) {
  const response = await t.call('POST', path, { token: alice, body: { instances } });
  expect(response.status).toBe(200);
  return response.json as { version: number; predictions: unknown[]; probabilities: number[][] };
}

/** Polls the usage report until `done` holds (usage is flushed in the background), for at most 10 s. */
async function usageUntil(done: (json: any) => boolean) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const response = await t.call('GET', '/v1/models/cache-iris/usage?granularity=minute&by=version', {
      token: alice,
    });
    expect(response.status).toBe(200);
    if (done(response.json) || Date.now() > deadline) return response.json;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('prediction cache', () => {
  it('answers repeated rows as the model does, per version, and counts hits and misses', async () => {
    // Prepare: two versions of the iris model, both approved, `staging` on version 1
    expect(
      (
        await t.call('POST', '/v1/models', {
          token: alice,
          body: { name: 'cache-iris', task: 'classification' },
        })
      ).status,
    ).toBe(201);
    for (let v = 1; v <= 2; v += 1) {
      const uploaded = await t.call('POST', '/v1/models/cache-iris/versions', {
        token: alice,
        rawBody: Buffer.from(iris.bytes) as unknown as string,
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(uploaded.status).toBe(201);
      expect(
        (await t.call('POST', `/v1/models/cache-iris/versions/${v}/approve`, { token: admin })).status,
      ).toBe(200);
    }
    expect(
      (await t.call('PUT', '/v1/models/cache-iris/aliases/staging', { token: alice, body: { version: 1 } }))
        .status,
    ).toBe(200);
    const uncached = await predict('/v1/models/cache-iris/predict?alias=staging', rows);

    // Act: the cache on, then the same rows twice on version 1, shuffled and repeated the second time
    const enabled = await t.call('PATCH', '/v1/models/cache-iris', {
      token: alice,
      body: { predictionCache: { enabled: true } },
    });
    const first = await predict('/v1/models/cache-iris/predict?alias=staging', rows);
    const mixed = [rows[3], rows[0], rows[3], rows[5]] as number[][];
    const second = await predict('/v1/models/cache-iris/predict?alias=staging', mixed);
    // staging moves to version 2: none of version 1's entries answer there
    expect(
      (await t.call('PUT', '/v1/models/cache-iris/aliases/staging', { token: alice, body: { version: 2 } }))
        .status,
    ).toBe(200);
    const moved = await predict('/v1/models/cache-iris/predict?alias=staging', rows.slice(0, 2));

    // Assess: the settings with their defaults; the answers the model gives without the cache
    expect(enabled.status).toBe(200);
    expect(enabled.json.predictionCache).toStrictEqual({
      enabled: true,
      maxBytes: 16 * 1024 * 1024,
      ttlSeconds: 300,
    });
    expect(first).toStrictEqual(uncached);
    const picks = [3, 0, 3, 5];
    expect(second.predictions).toStrictEqual(picks.map((i) => uncached.predictions[i]));
    expect(second.probabilities).toStrictEqual(picks.map((i) => uncached.probabilities[i]));
    expect(moved.version).toBe(2);
    expect(moved.predictions).toStrictEqual(uncached.predictions.slice(0, 2));

    // version 1: nothing counted while off, 6 misses, then 4 rows from the cache; version 2: 2 misses
    const report = await usageUntil((json) => json.totals.requests >= 4);
    const [v1, v2] = report.series;
    expect(v1).toMatchObject({ version: 1, totals: { requests: 3, cacheHits: 4, cacheMisses: 6 } });
    expect(v2).toMatchObject({ version: 2, totals: { requests: 1, cacheHits: 0, cacheMisses: 2 } });
  }, 120_000);

  it('is turned off with null, and refuses settings out of bounds', async () => {
    // Act
    const tooSmall = await t.call('PATCH', '/v1/models/cache-iris', {
      token: alice,
      body: { predictionCache: { enabled: true, maxBytes: 1024 } },
    });
    const tooLong = await t.call('PATCH', '/v1/models/cache-iris', {
      token: alice,
      body: { predictionCache: { enabled: true, ttlSeconds: 90_000 } },
    });
    const off = await t.call('PATCH', '/v1/models/cache-iris', {
      token: alice,
      body: { predictionCache: null },
    });

    // Assess
    expect(tooSmall.status).toBe(400);
    expect(tooLong.status).toBe(400);
    expect(off.status).toBe(200);
    expect(off.json.predictionCache).toBeUndefined();
  });
});
