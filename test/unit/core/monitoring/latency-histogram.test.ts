import { describe, expect, it } from 'vitest';
import {
  addSample,
  BUCKET_COUNT,
  BUCKET_UPPER_BOUNDS_MS,
  bucketIndex,
  emptyHistogram,
  latencySummary,
  mergeInto,
  percentile,
  totalCount,
} from '#core/monitoring/latency-histogram.ts';

/** A deterministic pseudo-random stream (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Nearest-rank quantile of raw samples. */
function exactQuantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] as number;
}

describe('bucketIndex', () => {
  it('puts a value on a bound in that bound’s bucket and just above it in the next', () => {
    for (const [i, bound] of BUCKET_UPPER_BOUNDS_MS.entries()) {
      expect(bucketIndex(bound)).toBe(i);
      expect(bucketIndex(bound * 1.000001)).toBe(i + 1);
    }
  });

  it('spaces the bounds by 2^(1/4), from 50 µs to past 29 s', () => {
    expect(BUCKET_UPPER_BOUNDS_MS[0]).toBe(0.05);
    for (let i = 1; i < BUCKET_UPPER_BOUNDS_MS.length; i += 1) {
      expect((BUCKET_UPPER_BOUNDS_MS[i] as number) / (BUCKET_UPPER_BOUNDS_MS[i - 1] as number)).toBeCloseTo(
        2 ** 0.25,
        10,
      );
    }
    expect(BUCKET_UPPER_BOUNDS_MS.at(-1)).toBeGreaterThan(29_000);
  });

  it('sends zero, negatives and NaN to the first bucket and huge values to the overflow bucket', () => {
    expect(bucketIndex(0)).toBe(0);
    expect(bucketIndex(-3)).toBe(0);
    expect(bucketIndex(Number.NaN)).toBe(0);
    expect(bucketIndex(1e9)).toBe(BUCKET_COUNT - 1);
    expect(bucketIndex(Number.POSITIVE_INFINITY)).toBe(BUCKET_COUNT - 1);
  });
});

describe('percentile', () => {
  it('is null for an empty histogram', () => {
    expect(percentile(emptyHistogram(), 0.5)).toBeNull();
    expect(latencySummary(emptyHistogram())).toEqual({ p50: null, p95: null, p99: null });
  });

  it('never reports below the true quantile nor more than 19 % above it', () => {
    const next = random(7);
    const samples = Array.from({ length: 5000 }, () => Math.exp(next() * 8) / 10); // 0.1 ms .. 300 ms
    const histogram = emptyHistogram();
    for (const s of samples) addSample(histogram, s);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = exactQuantile(samples, q);
      const reported = percentile(histogram, q) as number;
      expect(reported).toBeGreaterThanOrEqual(Number(exact.toPrecision(4)) * 0.9999);
      expect(reported).toBeLessThanOrEqual(exact * 2 ** 0.25 * 1.0001);
    }
  });

  it('uses the nearest rank: with 100 samples p99 is the 99th, not the largest', () => {
    const histogram = emptyHistogram();
    for (let i = 0; i < 99; i += 1) addSample(histogram, 1);
    addSample(histogram, 1000);
    expect(percentile(histogram, 0.99)).toBe(percentile([...histogram], 0.5));
    expect(percentile(histogram, 1)).toBeGreaterThanOrEqual(1000);
  });
});

describe('mergeInto', () => {
  it('merges containers and minutes exactly: the merged percentiles equal those of all samples in one', () => {
    const next = random(42);
    const containers = Array.from({ length: 7 }, () => emptyHistogram());
    const whole = emptyHistogram();
    for (let i = 0; i < 20_000; i += 1) {
      const ms = Math.exp(next() * 10) / 20;
      addSample(containers[Math.floor(next() * containers.length)] as number[], ms);
      addSample(whole, ms);
    }
    const merged = containers.reduce((into, h) => mergeInto(into, h), emptyHistogram());
    expect(merged).toEqual(whole);
    expect(totalCount(merged)).toBe(20_000);
    expect(latencySummary(merged)).toEqual(latencySummary(whole));
  });
});
