/** Per-minute prediction usage in the usage table, against the DynamoDB emulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latencySummary, totalCount } from '#core/monitoring/latency-histogram.ts';
import { UsageRecorder } from '#core/monitoring/usage-recorder.ts';
import type { PredictionUsage } from '#core/monitoring/usage-records.ts';
import { modelUsage } from '#core/monitoring/usage-report.ts';
import type { ModelRecord } from '#core/registry/model-records.ts';
import { DynamoDbUsageRepository } from '../../../functions/adapters/dynamodb/usage-repository.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';

let emulators: TestEmulators;
let repository: DynamoDbUsageRepository;
// 23:59 on one day and 00:00 on the next: a report across midnight reads two day partitions.
const LAST_MINUTE = Date.UTC(2026, 11, 4, 23, 59);
const NEXT_DAY = Date.UTC(2026, 11, 5, 0, 0);

beforeAll(async () => {
  emulators = await startTestEmulators();
  repository = new DynamoDbUsageRepository(emulators.documentClient, emulators.tableNames.usage);
});
afterAll(async () => emulators?.close());

const usage = (
  model: string,
  handlerMs: number,
  overrides: Partial<PredictionUsage> = {},
): PredictionUsage => ({
  model,
  version: 1,
  caller: 'user:u1',
  callerName: 'alice',
  rows: 1,
  status: 200,
  handlerMs,
  modelMs: handlerMs / 2,
  ...overrides,
});

describe('DynamoDbUsageRepository', () => {
  it('adds what several containers flush into the same minute atomically, histograms included', async () => {
    // Prepare: three "containers", each with its own buffer, serving the same model in the same minute.
    const containers = [0, 1, 2].map(
      () =>
        new UsageRecorder({
          store: repository,
          flushEveryRequests: 10_000,
          flushIntervalMs: 60_000,
          now: () => LAST_MINUTE,
        }),
    );
    const all: number[] = [];
    containers.forEach((recorder, c) => {
      for (let i = 0; i < 50; i += 1) {
        const ms = 1 + ((i * 7 + c * 13) % 40);
        all.push(ms);
        recorder.record(usage('iris', ms, i % 10 === 0 ? { status: 500, rows: 0 } : {}));
      }
    });
    // Act: flush concurrently, twice (a second flush of an empty buffer writes nothing).
    await Promise.all(containers.map((r) => r.flush()));
    await Promise.all(containers.map((r) => r.flush()));
    // Assess
    const stored = await repository.list({
      model: 'iris',
      from: LAST_MINUTE / 1000,
      to: LAST_MINUTE / 1000 + 60,
    });
    expect(stored).toHaveLength(1);
    const [row] = stored;
    expect(row).toMatchObject({
      model: 'iris',
      version: 1,
      alias: '',
      caller: 'user:u1',
      callerName: 'alice',
    });
    expect(row).toMatchObject({
      requests: 150,
      rows: 135,
      succeeded: 135,
      serverErrors: 15,
      clientErrors: 0,
    });
    expect(totalCount(row?.latency ?? [])).toBe(150);
    const sorted = [...all].sort((a, b) => a - b);
    const exactP50 = sorted[74] as number;
    const p50 = latencySummary(row?.latency ?? []).p50 as number;
    expect(p50).toBeGreaterThanOrEqual(exactP50);
    expect(p50).toBeLessThanOrEqual(exactP50 * 1.19);
  });

  it('reads one model’s key range across day partitions, leaving other models and minutes out', async () => {
    await repository.add([]);
    const recorderAt = (ms: number) =>
      new UsageRecorder({
        store: repository,
        flushEveryRequests: 10_000,
        flushIntervalMs: 60_000,
        now: () => ms,
      });
    const late = recorderAt(LAST_MINUTE);
    late.record(usage('wine', 3));
    late.record(usage('wine-2', 3)); // shares the prefix "wine"
    const next = recorderAt(NEXT_DAY);
    next.record(usage('wine', 4, { version: 2, alias: 'canary', caller: 'key:k1' }));
    const later = recorderAt(NEXT_DAY + 3_600_000);
    later.record(usage('wine', 5));
    await Promise.all([late.flush(), next.flush(), later.flush()]);

    const window = { from: LAST_MINUTE / 1000, to: NEXT_DAY / 1000 + 60 };
    const wine = await repository.list({ model: 'wine', ...window });
    expect(wine.map((a) => [a.minute, a.version, a.alias, a.caller]).sort()).toEqual(
      [
        [LAST_MINUTE / 1000, 1, '', 'user:u1'],
        [NEXT_DAY / 1000, 2, 'canary', 'key:k1'],
      ].sort(),
    );
    const everything = await repository.list(window);
    expect(new Set(everything.map((a) => a.model))).toEqual(new Set(['iris', 'wine', 'wine-2']));
    expect(everything.every((a) => a.minute >= window.from && a.minute < window.to)).toBe(true);
  });

  it('feeds the usage report end to end: by version over a split', async () => {
    const model = { name: 'split-model', ownerId: 'u1', aliases: {} } as unknown as ModelRecord;
    const recorder = new UsageRecorder({
      store: repository,
      flushEveryRequests: 10_000,
      flushIntervalMs: 60_000,
      now: () => NEXT_DAY,
    });
    for (let i = 0; i < 40; i += 1) {
      recorder.record(usage('split-model', 2, { version: 1 + (i % 2), alias: 'canary' }));
    }
    await recorder.flush();
    const report = await modelUsage(
      { userId: 'u1', username: 'alice', role: 'user', via: 'token', scope: 'full' },
      'split-model',
      { from: new Date(NEXT_DAY), to: new Date(NEXT_DAY + 60_000), granularity: 'minute', by: 'version' },
      { models: { get: async () => model }, usage: repository },
    );
    expect(report.series.map((s) => [s.version, s.totals.requests])).toEqual([
      [1, 20],
      [2, 20],
    ]);
  });
});
