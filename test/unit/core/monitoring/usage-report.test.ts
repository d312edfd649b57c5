import { describe, expect, it } from 'vitest';
import type { Principal } from '#core/auth/principal.ts';
import { addSample } from '#core/monitoring/latency-histogram.ts';
import { emptyCounts, type UsageAggregate } from '#core/monitoring/usage-records.ts';
import { alignWindow, modelUsage, platformUsage, type UsageReader } from '#core/monitoring/usage-report.ts';
import type { ModelRecord } from '#core/registry/model-records.ts';

const alice: Principal = { userId: 'u-alice', username: 'alice', role: 'user', via: 'token', scope: 'full' };
const bob: Principal = { userId: 'u-bob', username: 'bob', role: 'user', via: 'token', scope: 'full' };
const admin: Principal = { userId: 'u-admin', username: 'admin', role: 'admin', via: 'token', scope: 'full' };

const T0 = Date.UTC(2026, 11, 4, 10, 0) / 1000;

function aggregate(overrides: Partial<UsageAggregate> & { ms?: number[] }): UsageAggregate {
  const counts = emptyCounts();
  const { ms = [], ...rest } = overrides;
  for (const value of ms) addSample(counts.latency, value);
  return {
    minute: T0,
    model: 'iris',
    version: 1,
    alias: '',
    caller: 'user:u-alice',
    callerName: 'alice',
    ...counts,
    requests: ms.length,
    succeeded: ms.length,
    ...rest,
  };
}

class MemoryReader implements UsageReader {
  readonly aggregates: UsageAggregate[];
  constructor(aggregates: UsageAggregate[]) {
    this.aggregates = aggregates;
  }
  queries: { model?: string; from: number; to: number }[] = [];
  async list(query: { model?: string; from: number; to: number }) {
    this.queries.push(query);
    return this.aggregates.filter(
      (a) =>
        (query.model === undefined || a.model === query.model) &&
        a.minute >= query.from &&
        a.minute < query.to,
    );
  }
}

const model = { name: 'iris', ownerId: 'u-alice', aliases: {} } as unknown as ModelRecord;
const models = { get: async (name: string) => (name === 'iris' ? model : undefined) };

describe('modelUsage', () => {
  const usage = new MemoryReader([
    aggregate({ ms: [1, 2, 3], rows: 3 }),
    aggregate({ minute: T0 + 60, ms: [4], rows: 1 }),
    aggregate({
      minute: T0 + 3600,
      version: 2,
      alias: 'canary',
      ms: [10, 10],
      serverErrors: 1,
      succeeded: 1,
    }),
    aggregate({ minute: T0 + 60, version: 1, alias: 'canary', caller: 'key:k1', ms: [5] }),
  ]);

  it('sums the window into hourly points per version, oldest first, with percentiles', async () => {
    const report = await modelUsage(
      alice,
      'iris',
      { from: new Date(T0 * 1000), to: new Date((T0 + 7200) * 1000), granularity: 'hour', by: 'version' },
      { models, usage },
    );
    expect(report.totals.requests).toBe(7);
    expect(report.series.map((s) => s.version)).toEqual([1, 2]);
    const [v1, v2] = report.series;
    expect(v1?.points).toHaveLength(1);
    expect(v1?.points[0]).toMatchObject({ start: '2026-12-04T10:00:00.000Z', requests: 5, rows: 4 });
    // Samples 1, 2, 3, 4, 5: the median 3 lies in the bucket (2.828, 3.2].
    expect(v1?.totals.latencyMs.p50).toBe(3.2);
    expect(v2?.points[0]).toMatchObject({
      start: '2026-12-04T11:00:00.000Z',
      requests: 2,
      serverErrors: 1,
      errorRate: 0.5,
    });
  });

  it('splits per minute, per alias and per caller', async () => {
    const window = { from: new Date(T0 * 1000), to: new Date((T0 + 7200) * 1000) };
    const byMinute = await modelUsage(alice, 'iris', { ...window, granularity: 'minute' }, { models, usage });
    expect(byMinute.series).toHaveLength(1);
    expect(byMinute.series[0]?.points.map((p) => p.requests)).toEqual([3, 2, 2]);
    const byAlias = await modelUsage(
      alice,
      'iris',
      { ...window, granularity: 'day', by: 'alias' },
      { models, usage },
    );
    expect(byAlias.series.map((s) => [s.alias, s.totals.requests])).toEqual([
      [null, 4],
      ['canary', 3],
    ]);
    const byCaller = await modelUsage(
      alice,
      'iris',
      { ...window, granularity: 'day', by: 'caller' },
      { models, usage },
    );
    expect(byCaller.series.map((s) => [s.caller, s.totals.requests])).toEqual([
      ['key:k1', 1],
      ['user:u-alice', 6],
    ]);
  });

  it('answers 404 to a caller who may not read the model, and reads nothing', async () => {
    const reader = new MemoryReader([]);
    await expect(
      modelUsage(
        bob,
        'iris',
        { from: new Date(0), to: new Date(3600_000), granularity: 'hour' },
        { models, usage: reader },
      ),
    ).rejects.toMatchObject({ status: 404 });
    expect(reader.queries).toHaveLength(0);
  });
});

describe('alignWindow', () => {
  it('aligns to whole periods and refuses empty or too wide windows', () => {
    expect(
      alignWindow({
        from: new Date((T0 + 61) * 1000),
        to: new Date((T0 + 3601) * 1000),
        granularity: 'hour',
      }),
    ).toEqual({ from: T0, to: T0 + 7200, period: 3600 });
    expect(() =>
      alignWindow({ from: new Date(T0 * 1000), to: new Date(T0 * 1000), granularity: 'minute' }),
    ).toThrow(/after/);
    expect(() =>
      alignWindow({ from: new Date(T0 * 1000), to: new Date((T0 + 86_460) * 1000), granularity: 'minute' }),
    ).toThrow(/at most 1 day/);
    // A full day that is not aligned to minutes is still one day.
    expect(
      alignWindow({
        from: new Date(T0 * 1000 + 500),
        to: new Date((T0 + 86_400) * 1000 + 500),
        granularity: 'minute',
      }).to - T0,
    ).toBe(86_460);
  });
});

describe('platformUsage', () => {
  const usage = new MemoryReader([
    aggregate({ ms: [1, 2] }),
    aggregate({ model: 'wine', ms: [1, 1, 1], caller: 'key:k9', callerName: 'bob' }),
  ]);

  it('ranks models and callers by requests for admins', async () => {
    const report = await platformUsage(
      admin,
      { from: new Date(T0 * 1000), to: new Date((T0 + 3600) * 1000), limit: 1 },
      { usage },
    );
    expect(report.totals.requests).toBe(5);
    expect(report.topModels).toEqual([expect.objectContaining({ model: 'wine', requests: 3 })]);
    expect(report.topCallers).toEqual([expect.objectContaining({ caller: 'key:k9', callerName: 'bob' })]);
  });

  it('is for admins only', async () => {
    await expect(
      platformUsage(
        alice,
        { from: new Date(T0 * 1000), to: new Date((T0 + 3600) * 1000), limit: 5 },
        { usage },
      ),
    ).rejects.toMatchObject({ status: 403 });
  });
});
