import { describe, expect, it } from 'vitest';
import {
  type AlertSettings,
  DEFAULT_ALERT_SETTINGS,
  evaluateAlerts,
  lookbackMinutes,
  mergeAlertSettings,
} from '#core/monitoring/alert-rules.ts';
import { addSample } from '#core/monitoring/latency-histogram.ts';
import { emptyCounts, type UsageAggregate } from '#core/monitoring/usage-records.ts';

const NOW = new Date(Date.UTC(2026, 11, 4, 12, 0, 30));
const nowSeconds = NOW.getTime() / 1000;

/** One minute's aggregate `minutesAgo` before now, with `ok` 2xx, `server` 5xx and `client` 4xx. */
function minute(minutesAgo: number, counts: { ok?: number; server?: number; client?: number; ms?: number }) {
  const c = emptyCounts();
  const { ok = 0, server = 0, client = 0, ms = 10 } = counts;
  c.requests = ok + server + client;
  c.succeeded = ok;
  c.serverErrors = server;
  c.clientErrors = client;
  addSample(c.latency, ms, c.requests);
  return {
    minute: Math.floor(nowSeconds / 60) * 60 - minutesAgo * 60,
    model: 'iris',
    version: 1,
    alias: '',
    caller: 'user:u',
    callerName: 'u',
    ...c,
  } satisfies UsageAggregate;
}

const evaluate = (settings: AlertSettings, aggregates: UsageAggregate[], drift = []) =>
  evaluateAlerts(settings, { aggregates, drift, now: NOW }).map((f) => f.rule);

describe('evaluateAlerts', () => {
  it('fires nothing on healthy traffic with the defaults', () => {
    expect(evaluate(DEFAULT_ALERT_SETTINGS, [minute(0, { ok: 100 }), minute(5, { ok: 100 })])).toEqual([]);
  });

  it('fires the error rate at the threshold, counting 5xx only', () => {
    expect(evaluate(DEFAULT_ALERT_SETTINGS, [minute(1, { ok: 95, server: 5 })])).toEqual(['errorRate']);
    expect(evaluate(DEFAULT_ALERT_SETTINGS, [minute(1, { ok: 96, server: 4 })])).toEqual([]);
    expect(evaluate(DEFAULT_ALERT_SETTINGS, [minute(1, { ok: 50, client: 50 })])).toEqual([]);
  });

  it('does not page on 1 error in 2 requests (below the minimum request count)', () => {
    expect(evaluate(DEFAULT_ALERT_SETTINGS, [minute(0, { ok: 1, server: 1 })])).toEqual([]);
    expect(evaluate(DEFAULT_ALERT_SETTINGS, [minute(0, { ok: 10, server: 10 })])).toEqual(['errorRate']);
  });

  it('ignores minutes before the window', () => {
    expect(evaluate(DEFAULT_ALERT_SETTINGS, [minute(20, { server: 100 }), minute(1, { ok: 100 })])).toEqual(
      [],
    );
    expect(evaluate(DEFAULT_ALERT_SETTINGS, [minute(14, { server: 100 }), minute(1, { ok: 100 })])).toEqual([
      'errorRate',
    ]);
  });

  it('fires on a p99 at or above the bound, and says the p99', () => {
    const slow = [minute(2, { ok: 98, ms: 20 }), minute(1, { ok: 2, ms: 3000 })];
    const firing = evaluateAlerts(DEFAULT_ALERT_SETTINGS, { aggregates: slow, drift: [], now: NOW });
    expect(firing.map((f) => f.rule)).toEqual(['latency']);
    expect(firing[0]?.detail).toMatch(/^p99 \d+(\.\d+)? ms ≥ 1000 ms/);
    expect(evaluate(DEFAULT_ALERT_SETTINGS, [minute(1, { ok: 100, ms: 900 })])).toEqual([]);
  });

  it('fires no traffic only when turned on and the window is empty', () => {
    const on = mergeAlertSettings(undefined, { noTraffic: { enabled: true, hours: 2 } });
    expect(evaluate(DEFAULT_ALERT_SETTINGS, [])).toEqual([]);
    expect(evaluate(on, [])).toEqual(['noTraffic']);
    expect(evaluate(on, [minute(119, { ok: 1 })])).toEqual([]);
    expect(evaluate(on, [minute(121, { ok: 1 })])).toEqual(['noTraffic']);
  });

  it('fires drift when a served version’s latest report has drifted features, naming them', () => {
    const calm = { version: 2, recordedAt: '2026-12-04T11:00:00.000Z', driftedFeatures: [] };
    const drift = [
      { version: 1, recordedAt: '2026-12-04T11:00:00.000Z', driftedFeatures: ['petal_length_cm'] },
      calm,
    ];
    const firing = evaluateAlerts(DEFAULT_ALERT_SETTINGS, { aggregates: [], drift, now: NOW });
    expect(firing).toEqual([
      { rule: 'drift', detail: 'version 1: petal_length_cm drifted (report of 2026-12-04T11:00:00.000Z)' },
    ]);
    expect(evaluateAlerts(DEFAULT_ALERT_SETTINGS, { aggregates: [], drift: [calm], now: NOW })).toEqual([]);
    const off = mergeAlertSettings(undefined, { drift: { enabled: false } });
    expect(evaluateAlerts(off, { aggregates: [], drift, now: NOW })).toEqual([]);
  });
});

describe('mergeAlertSettings', () => {
  it('changes only the fields given, over the stored rules or the defaults', () => {
    const tight = mergeAlertSettings(undefined, { errorRate: { thresholdPercent: 1 } });
    expect(tight.errorRate).toEqual({ ...DEFAULT_ALERT_SETTINGS.errorRate, thresholdPercent: 1 });
    expect(mergeAlertSettings(tight, { latency: { p99Ms: 250 } })).toEqual({
      ...DEFAULT_ALERT_SETTINGS,
      errorRate: tight.errorRate,
      latency: { ...DEFAULT_ALERT_SETTINGS.latency, p99Ms: 250 },
    });
  });

  it('looks back as far as the longest rule that is on', () => {
    expect(lookbackMinutes(DEFAULT_ALERT_SETTINGS)).toBe(15);
    expect(lookbackMinutes(mergeAlertSettings(undefined, { noTraffic: { enabled: true, hours: 3 } }))).toBe(
      180,
    );
  });
});
