import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { totalCount } from '#core/monitoring/latency-histogram.ts';
import { UsageRecorder, type UsageStore } from '#core/monitoring/usage-recorder.ts';
import type { PredictionUsage, UsageAggregate } from '#core/monitoring/usage-records.ts';

const usage = (overrides: Partial<PredictionUsage> = {}): PredictionUsage => ({
  model: 'iris',
  version: 1,
  caller: 'user:u1',
  callerName: 'alice',
  rows: 2,
  status: 200,
  handlerMs: 3,
  modelMs: 1,
  ...overrides,
});

class MemoryStore implements UsageStore {
  readonly writes: UsageAggregate[][] = [];
  failNext = 0;
  async add(aggregates: readonly UsageAggregate[]) {
    if (this.failNext > 0) {
      this.failNext -= 1;
      return aggregates;
    }
    this.writes.push(aggregates.map((a) => structuredClone(a)));
    return [];
  }
  get requests() {
    return this.writes.flat().reduce((sum, a) => sum + a.requests, 0);
  }
}

const MINUTE = Date.UTC(2026, 11, 4, 19, 30);

describe('UsageRecorder', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes nothing per request: one aggregate per minute, model, version, alias and caller', async () => {
    const store = new MemoryStore();
    let now = MINUTE + 1000;
    const recorder = new UsageRecorder({
      store,
      flushEveryRequests: 1000,
      flushIntervalMs: 5000,
      now: () => now,
    });
    for (let i = 0; i < 10; i += 1) recorder.record(usage());
    recorder.record(usage({ status: 422, rows: 0 }));
    recorder.record(usage({ status: 503, rows: 0 }));
    recorder.record(usage({ version: 2, alias: 'canary' }));
    recorder.record(usage({ caller: 'key:k1' }));
    now = MINUTE + 61_000;
    recorder.record(usage());
    expect(store.writes).toHaveLength(0);
    await recorder.flush();
    expect(store.writes).toHaveLength(1);
    const [batch] = store.writes as [UsageAggregate[]];
    expect(batch).toHaveLength(4);
    const first = batch.find((a) => a.minute === MINUTE / 1000 && a.version === 1 && a.caller === 'user:u1');
    expect(first).toMatchObject({ requests: 12, rows: 20, succeeded: 10, clientErrors: 1, serverErrors: 1 });
    expect(totalCount(first?.latency ?? [])).toBe(12);
    expect(batch.find((a) => a.version === 2)).toMatchObject({ alias: 'canary', requests: 1 });
    expect(batch.find((a) => a.minute === MINUTE / 1000 + 60)?.requests).toBe(1);
  });

  it('flushes in the background after N requests, and after the interval', async () => {
    const store = new MemoryStore();
    const recorder = new UsageRecorder({
      store,
      flushEveryRequests: 5,
      flushIntervalMs: 2000,
      now: () => MINUTE,
    });
    for (let i = 0; i < 5; i += 1) recorder.record(usage());
    await vi.advanceTimersByTimeAsync(0);
    expect(store.requests).toBe(5);
    recorder.record(usage());
    await vi.advanceTimersByTimeAsync(1999);
    expect(store.requests).toBe(5);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.requests).toBe(6);
    expect(recorder.unflushedRequests).toBe(0);
  });

  it('keeps what the store could not write and writes it with a later flush, without a retry per request', async () => {
    const store = new MemoryStore();
    store.failNext = 1;
    const onError = vi.fn();
    const recorder = new UsageRecorder({
      store,
      flushEveryRequests: 3,
      flushIntervalMs: 1000,
      now: () => MINUTE,
      onError,
    });
    for (let i = 0; i < 3; i += 1) recorder.record(usage());
    await vi.advanceTimersByTimeAsync(0);
    expect(store.writes).toHaveLength(0);
    recorder.record(usage());
    await vi.advanceTimersByTimeAsync(0);
    expect(store.writes).toHaveLength(0); // one request after a failure does not start a write
    await vi.advanceTimersByTimeAsync(1000);
    expect(store.writes).toHaveLength(1);
    expect(store.requests).toBe(4);
    expect(store.writes[0]).toHaveLength(1);
  });

  it('bounds its memory while the store refuses writes, counting what it drops', async () => {
    const store = new MemoryStore();
    store.failNext = 100;
    const onError = vi.fn();
    const recorder = new UsageRecorder({
      store,
      flushEveryRequests: 1000,
      flushIntervalMs: 1000,
      maxBufferedAggregates: 2,
      now: () => MINUTE,
      onError,
    });
    recorder.record(usage({ caller: 'a' }));
    recorder.record(usage({ caller: 'b' }));
    recorder.record(usage({ caller: 'c' }));
    expect(onError).toHaveBeenCalledWith(expect.any(Error), 1);
    await recorder.flush();
    expect(store.writes).toHaveLength(0);
  });

  it('runs one follow-up flush for all the flushes asked for while a slow write is in flight', async () => {
    const batches: number[] = [];
    let release: () => void = () => undefined;
    const store: UsageStore = {
      add: async (aggregates) => {
        batches.push(aggregates.reduce((sum, a) => sum + a.requests, 0));
        if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return [];
      },
    };
    const recorder = new UsageRecorder({
      store,
      flushEveryRequests: 2,
      flushIntervalMs: 1000,
      now: () => MINUTE,
    });
    for (let i = 0; i < 200; i += 1) recorder.record(usage()); // asks for 100 flushes
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([2]);
    release();
    await recorder.flush();
    expect(batches).toEqual([2, 198]);
  });

  it('gives each flushed batch to the publisher once', async () => {
    const store = new MemoryStore();
    const published: number[] = [];
    const recorder = new UsageRecorder({
      store,
      publisher: { publish: (batch) => published.push(batch.length) },
      flushEveryRequests: 1000,
      flushIntervalMs: 1000,
      now: () => MINUTE,
    });
    recorder.record(usage());
    await Promise.all([recorder.flush(), recorder.flush()]);
    expect(published).toEqual([1]);
    expect(store.requests).toBe(1);
  });
});
