import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type CapturedPrediction,
  CaptureRecorder,
  type CaptureStore,
  capturePartition,
} from '#core/monitoring/prediction-capture.ts';

class MemoryStore implements CaptureStore {
  readonly objects = new Map<string, string>();
  failures = 0;
  async put(key: string, body: string) {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('S3 is down');
    }
    this.objects.set(key, body);
  }
  records(): CapturedPrediction[] {
    return [...this.objects.values()].flatMap((body) =>
      body
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    );
  }
}

const AT = new Date('2026-12-04T19:59:30.000Z');

function recorder(
  store: CaptureStore,
  draws: number[] = [],
  options: Partial<{ every: number; now: () => Date }> = {},
) {
  let i = 0;
  return new CaptureRecorder({
    store,
    flushEveryRecords: options.every ?? 1000,
    flushIntervalMs: 1000,
    writerId: 'w1',
    random: () => draws[i++ % Math.max(1, draws.length)] ?? 0,
    now: options.now ?? (() => AT),
  });
}

const build =
  (n: number, model = 'iris', version = 1) =>
  (time: string, includeInputs: boolean): CapturedPrediction => ({
    requestId: `r${n}`,
    time,
    model,
    version,
    ...(includeInputs ? { inputs: [[n, n]] } : {}),
    outputs: { predictions: [n] },
  });

describe('capturePartition', () => {
  it('partitions by model, version and UTC hour', () => {
    expect(capturePartition('iris', 3, new Date('2026-01-02T03:04:05Z'))).toBe(
      'captures/iris/3/2026/01/02/03/',
    );
  });
});

describe('CaptureRecorder', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('captures nothing when the model has no capture settings or a zero rate, and builds nothing', async () => {
    const store = new MemoryStore();
    const capture = recorder(store, [0]);
    const builder = vi.fn(build(1));
    expect(capture.offer(undefined, builder)).toBe(false);
    expect(capture.offer({ sampleRate: 0, includeInputs: true }, builder)).toBe(false);
    await capture.flush();
    expect(builder).not.toHaveBeenCalled();
    expect(store.objects.size).toBe(0);
  });

  it('keeps the requests whose draw falls under the sample rate', () => {
    const capture = recorder(new MemoryStore(), [0.05, 0.5, 0.099, 0.1, 0.9]);
    const kept = [1, 2, 3, 4, 5].map((n) =>
      capture.offer({ sampleRate: 0.1, includeInputs: true }, build(n)),
    );
    expect(kept).toEqual([true, false, true, false, false]);
    expect(capture.bufferedRecords).toBe(2);
  });

  it('writes one JSON Lines object per partition per flush, with or without the inputs', async () => {
    const store = new MemoryStore();
    const capture = recorder(store, [0]);
    capture.offer({ sampleRate: 1, includeInputs: true }, build(1));
    capture.offer({ sampleRate: 1, includeInputs: true }, build(2));
    capture.offer({ sampleRate: 1, includeInputs: false }, build(3, 'iris', 2));
    expect(store.objects.size).toBe(0);
    await capture.flush();
    expect([...store.objects.keys()].sort()).toEqual([
      'captures/iris/1/2026/12/04/19/20261204T195930000Z-w1-1.jsonl',
      'captures/iris/2/2026/12/04/19/20261204T195930000Z-w1-2.jsonl',
    ]);
    const records = store.records();
    expect(records.map((r) => r.requestId).sort()).toEqual(['r1', 'r2', 'r3']);
    expect(records.find((r) => r.requestId === 'r1')).toEqual({
      requestId: 'r1',
      time: AT.toISOString(),
      model: 'iris',
      version: 1,
      inputs: [[1, 1]],
      outputs: { predictions: [1] },
    });
    expect(records.find((r) => r.requestId === 'r3')).not.toHaveProperty('inputs');
  });

  it('flushes after N records, and after the interval', async () => {
    const store = new MemoryStore();
    const capture = recorder(store, [0], { every: 3 });
    for (const n of [1, 2, 3]) capture.offer({ sampleRate: 1, includeInputs: true }, build(n));
    await vi.advanceTimersByTimeAsync(0);
    expect(store.records()).toHaveLength(3);
    capture.offer({ sampleRate: 1, includeInputs: true }, build(4));
    await vi.advanceTimersByTimeAsync(999);
    expect(store.records()).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.records()).toHaveLength(4);
  });

  it('keeps what S3 refused for the next flush', async () => {
    const store = new MemoryStore();
    store.failures = 1;
    const capture = recorder(store, [0]);
    capture.offer({ sampleRate: 1, includeInputs: true }, build(1));
    await capture.flush();
    expect(store.objects.size).toBe(0);
    expect(capture.bufferedRecords).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(store.records().map((r) => r.requestId)).toEqual(['r1']);
  });
});
