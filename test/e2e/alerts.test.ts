/**
 * Alerts through the local API: a trained model serving shifted rows gets a drift report on the
 * schedule; the alert schedule then opens one drift alert (listed by `GET /v1/alerts`, printed to
 * the console), a second run does not duplicate it, and turning the rule off resolves it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { irisRows, trainIris } from '../support/iris-training.ts';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';

let t: TestPlatform;
let alice: string;
let bob: string;
let admin: string;

beforeAll(async () => {
  t = await startTestPlatform({
    functionEnvironment: { SERVING_CACHE_TTL_MS: '0', CAPTURE_FLUSH_INTERVAL_MS: '200' },
  });
  [alice, bob, admin] = await Promise.all([t.token('alice'), t.token('bob'), t.token('admin')]);
});
afterAll(async () => t?.close());

type Run = { models: number; opened: number; resolved: number };

describe('alerts', () => {
  it('validates rules on PATCH and merges them over the defaults', async () => {
    await trainIris(t, alice, 'alert-iris');
    const bad = await t.call('PATCH', '/v1/models/alert-iris', {
      token: alice,
      body: { alerts: { errorRate: { thresholdPercent: 0 }, webhook: 'https://example.com' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    // A generous p99 keeps the first (cold) prediction from opening a latency alert in this test.
    const set = await t.call('PATCH', '/v1/models/alert-iris', {
      token: alice,
      body: { capture: { sampleRate: 1 }, alerts: { latency: { p99Ms: 60_000 } } },
    });
    expect(set.status).toBe(200);
    expect(set.json.alerts).toEqual({
      drift: { enabled: true },
      errorRate: { enabled: true, thresholdPercent: 5, windowMinutes: 15, minRequests: 20 },
      latency: { enabled: true, p99Ms: 60_000, windowMinutes: 15 },
      noTraffic: { enabled: false, hours: 24 },
    });
  }, 180_000);

  it('opens one drift alert after a drift report flags shifted data, and never duplicates it', async () => {
    const shifted = irisRows.map((row) => ({ ...row, petal_length_cm: (row.petal_length_cm as number) + 4 }));
    for (const instances of [shifted, shifted]) {
      const answer = await t.call('POST', '/v1/models/alert-iris/predict', {
        token: alice,
        body: { instances },
      });
      expect(answer.status).toBe(200);
    }
    const deadline = Date.now() + 10_000;
    for (;;) {
      const drift = await t.call('GET', '/v1/models/alert-iris/drift?version=1', { token: alice });
      if (drift.json.records >= 2 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(((await t.platform.schedules.run('recordDriftReports')) as { reports: number }).reports).toBe(1);

    const printed = vi.spyOn(console, 'log');
    try {
      const first = (await t.platform.schedules.run('evaluateAlerts')) as Run;
      expect(first).toMatchObject({ opened: 1, resolved: 0 });
      expect(printed.mock.calls.map((c) => String(c[0]))).toContainEqual(
        expect.stringMatching(/^Alert opened: alert-iris drift: version 1: petal_length_cm drifted/),
      );
      const second = (await t.platform.schedules.run('evaluateAlerts')) as Run;
      expect(second).toMatchObject({ opened: 0, resolved: 0 });
    } finally {
      printed.mockRestore();
    }

    const open = await t.call('GET', '/v1/alerts?state=open', { token: alice });
    expect(open.status).toBe(200);
    expect(open.json.items).toHaveLength(1);
    expect(open.json.items[0]).toMatchObject({ model: 'alert-iris', rule: 'drift', state: 'open' });
    expect(open.json.items[0].resolvedAt).toBeUndefined();
    expect(open.json.items[0].detail).toMatch(/petal_length_cm/);

    expect((await t.call('GET', '/v1/alerts?model=alert-iris', { token: admin })).json.items).toHaveLength(1);
    expect((await t.call('GET', '/v1/alerts', { token: bob })).json.items).toEqual([]);
    expect((await t.call('GET', '/v1/alerts?model=alert-iris', { token: bob })).status).toBe(404);
    expect((await t.call('GET', '/v1/alerts?state=closed', { token: alice })).status).toBe(400);
    expect((await t.call('GET', '/v1/alerts?cursor=forged', { token: alice })).status).toBe(400);
  }, 180_000);

  it('resolves the alert once the rule no longer fires', async () => {
    expect(
      (
        await t.call('PATCH', '/v1/models/alert-iris', {
          token: alice,
          body: { alerts: { drift: { enabled: false } } },
        })
      ).status,
    ).toBe(200);
    expect(await t.platform.schedules.run('evaluateAlerts')).toMatchObject({ opened: 0, resolved: 1 });
    expect(await t.platform.schedules.run('evaluateAlerts')).toMatchObject({ opened: 0, resolved: 0 });
    expect((await t.call('GET', '/v1/alerts?state=open', { token: alice })).json.items).toEqual([]);
    const resolved = await t.call('GET', '/v1/alerts?state=resolved', { token: alice });
    expect(resolved.json.items).toHaveLength(1);
    expect(resolved.json.items[0]).toMatchObject({ model: 'alert-iris', rule: 'drift', state: 'resolved' });
    expect(Date.parse(resolved.json.items[0].resolvedAt)).toBeGreaterThanOrEqual(
      Date.parse(resolved.json.items[0].openedAt),
    );
  });
});
