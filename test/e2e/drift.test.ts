/**
 * Data drift through the local API: a model trained on iris keeps a drift baseline; with capture on,
 * served rows land in S3, and the drift report flags exactly the feature whose values were shifted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/fixtures.ts';
import { irisFeatures, irisRows, trainIris } from '../support/iris-training.ts';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';

let t: TestPlatform;
let alice: string;
let bob: string;

beforeAll(async () => {
  t = await startTestPlatform({
    functionEnvironment: { SERVING_CACHE_TTL_MS: '0', CAPTURE_FLUSH_INTERVAL_MS: '200' },
  });
  [alice, bob] = await Promise.all([t.token('alice'), t.token('bob')]);
});
afterAll(async () => t?.close());

async function reportUntil(path: string, done: (json: any) => boolean) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const response = await t.call('GET', path, { token: alice });
    expect(response.status).toBe(200);
    if (done(response.json) || Date.now() > deadline) return response.json;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('drift reports', () => {
  it('flags exactly the shifted feature of a trained version, and says "not enough data" before', async () => {
    await trainIris(t, alice, 'drift-iris');
    const empty = await t.call('GET', '/v1/models/drift-iris/drift?version=1', { token: alice });
    expect(empty.status).toBe(200);
    expect(empty.json).toMatchObject({
      version: 1,
      records: 0,
      verdict: 'insufficient-data',
      driftedFeatures: [],
    });
    expect(empty.json.features.map((f: any) => f.column)).toEqual(irisFeatures);
    expect(empty.json.history).toEqual([]);
    expect(empty.json.features.every((f: any) => /Not enough data/.test(f.detail))).toBe(true);

    expect(
      (await t.call('PATCH', '/v1/models/drift-iris', { token: alice, body: { capture: { sampleRate: 1 } } }))
        .status,
    ).toBe(200);
    const shifted = irisRows.map((row) => ({ ...row, petal_length_cm: (row.petal_length_cm as number) + 4 }));
    for (const instances of [shifted, shifted]) {
      const answer = await t.call('POST', '/v1/models/drift-iris/predict', {
        token: alice,
        body: { instances },
      });
      expect(answer.status).toBe(200);
    }

    const report = await reportUntil('/v1/models/drift-iris/drift?version=1', (json) => json.records >= 2);
    expect(report).toMatchObject({ records: 2, rows: 300, truncated: false, verdict: 'drift' });
    expect(report.driftedFeatures).toEqual(['petal_length_cm']);
    for (const feature of report.features) {
      expect(feature.count).toBe(300);
      expect(feature.kind).toBe('numeric');
      if (feature.column === 'petal_length_cm') {
        expect(feature.psi).toBeGreaterThan(0.2);
        expect(feature.ks).toBeGreaterThan(0.5);
        expect(feature.ksPValue).toBeLessThan(1e-10);
      } else {
        expect(feature.verdict).toBe('ok');
        expect(feature.psi).toBeLessThan(0.1);
      }
    }
  }, 180_000);

  it('refuses a version without a baseline (uploaded, not trained), and hides the model from others', async () => {
    expect(
      (
        await t.call('POST', '/v1/models', {
          token: alice,
          body: { name: 'uploaded', task: 'classification' },
        })
      ).status,
    ).toBe(201);
    const uploaded = await t.call('POST', '/v1/models/uploaded/versions', {
      token: alice,
      rawBody: Buffer.from(fixture('iris_logreg_zipmap').bytes) as unknown as string,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(uploaded.status).toBe(201);
    const refused = await t.call('GET', '/v1/models/uploaded/drift', { token: alice });
    expect(refused.status).toBe(422);
    expect(refused.json.detail).toMatch(/no drift baseline/);
    expect((await t.call('GET', '/v1/models/drift-iris/drift', { token: bob })).status).toBe(404);
    expect((await t.call('GET', '/v1/models/drift-iris/drift?version=9', { token: alice })).status).toBe(404);
    const tooWide = await t.call(
      'GET',
      '/v1/models/drift-iris/drift?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z',
      {
        token: alice,
      },
    );
    expect(tooWide.status).toBe(400);
  });

  it('records a report per served version of each captured model on the schedule, skipping versions without a baseline', async () => {
    // The uploaded model captures too, but has no baseline to compare with.
    await t.call('PATCH', '/v1/models/uploaded', { token: alice, body: { capture: { sampleRate: 1 } } });
    const run = (await t.platform.schedules.run('recordDriftReports')) as { models: number; reports: number };
    expect(run).toEqual({ models: 2, reports: 1 });

    const live = await t.call('GET', '/v1/models/drift-iris/drift?version=1', { token: alice });
    expect(live.status).toBe(200);
    expect(live.json.history).toHaveLength(1);
    expect(live.json.history[0]).toMatchObject({
      verdict: 'drift',
      driftedFeatures: ['petal_length_cm'],
      rows: 300,
    });
    expect(Date.parse(live.json.history[0].recordedAt)).toBeGreaterThan(Date.now() - 60_000);
    await t.platform.schedules.run('recordDriftReports');
    const twice = await t.call('GET', '/v1/models/drift-iris/drift?version=1', { token: alice });
    expect(twice.json.history).toHaveLength(2);
    expect(twice.json.history[0].recordedAt >= twice.json.history[1].recordedAt).toBe(true);
  });

  it('answers a report request with 202 + Location; the workflow records it, and the listing shows it beside the scheduled ones', async () => {
    // Act
    const asked = await t.call('POST', '/v1/models/drift-iris/versions/1/drift-reports', {
      token: alice,
      body: {},
    });

    // Assess
    expect(asked.status).toBe(202);
    expect(asked.json).toMatchObject({
      model: 'drift-iris',
      version: 1,
      trigger: 'request',
      status: 'PENDING',
    });
    const location = asked.headers.get('location') as string;
    expect(location).toBe(`/v1/models/drift-iris/versions/1/drift-reports/${asked.json.reportId}`);
    const done = await reportUntil(location, (json) => json.status !== 'PENDING');
    expect(done.status).toBe('SUCCEEDED');
    expect(done.report).toMatchObject({
      rows: 300,
      verdict: 'drift',
      thresholds: { warning: 0.1, drift: 0.2 },
    });
    expect(done.report.driftedFeatures).toEqual(['petal_length_cm']);

    const listing = await t.call('GET', '/v1/models/drift-iris/versions/1/drift-reports?limit=2', {
      token: alice,
    });
    expect(listing.status).toBe(200);
    expect(listing.json.items[0]).toMatchObject({
      reportId: asked.json.reportId,
      status: 'SUCCEEDED',
      verdict: 'drift',
      driftedFeatures: ['petal_length_cm'],
    });
    expect(listing.json.items[0].report).toBeUndefined();
    // The two scheduled runs of the test before are there too, on the next page.
    expect(listing.json.items[1].trigger).toBe('schedule');
    const next = await t.call(
      'GET',
      `/v1/models/drift-iris/versions/1/drift-reports?limit=2&cursor=${encodeURIComponent(listing.json.nextCursor)}`,
      { token: alice },
    );
    expect(next.json.items.map((r: any) => r.trigger)).toEqual(['schedule']);

    expect((await t.call('GET', location, { token: bob })).status).toBe(404);
    const refused = await t.call('POST', '/v1/models/uploaded/versions/1/drift-reports', { token: alice });
    expect(refused.status).toBe(422);
    const unknown = await t.call(
      'GET',
      '/v1/models/drift-iris/versions/1/drift-reports/20261208T000000000Z-00000000',
      {
        token: alice,
      },
    );
    expect(unknown.status).toBe(404);
  }, 60_000);

  it("judges requested reports by the owner's PSI thresholds", async () => {
    const refused = await t.call('PATCH', '/v1/models/drift-iris', {
      token: alice,
      body: { driftThresholds: { warning: 0.3 } },
    });
    expect(refused.status).toBe(400);
    const changed = await t.call('PATCH', '/v1/models/drift-iris', {
      token: alice,
      body: { driftThresholds: { warning: 5, drift: 10 } },
    });
    expect(changed.status).toBe(200);
    expect(changed.json.driftThresholds).toEqual({ warning: 5, drift: 10 });

    const asked = await t.call('POST', '/v1/models/drift-iris/versions/1/drift-reports', { token: alice });
    expect(asked.status).toBe(202);
    const done = await reportUntil(
      asked.headers.get('location') as string,
      (json) => json.status !== 'PENDING',
    );
    expect(done.report).toMatchObject({ thresholds: { warning: 5, drift: 10 }, driftedFeatures: [] });
    const shifted = done.report.features.find((f: any) => f.column === 'petal_length_cm');
    expect(shifted.psi).toBeGreaterThan(0.2);
    expect(shifted.verdict).toBe(shifted.psi >= 5 ? 'warning' : 'ok');
  }, 60_000);
});
