import { describe, expect, it } from 'vitest';
import { MAX_BINS, StreamingHistogram } from '../../../../functions/core/datasets/streaming-histogram.ts';

function histogramOf(values: readonly number[]) {
  const histogram = new StreamingHistogram();
  for (const value of values) histogram.add(value);
  return histogram.result();
}

/** Counts recomputed from the values and the reported bins: each value must be in exactly its bin. */
function expectExact(values: readonly number[]) {
  const result = histogramOf(values);
  if (result === undefined) throw new Error('no histogram');
  for (const bin of result.bins) {
    expect(bin.count).toBe(values.filter((v) => v >= bin.start && v < bin.end).length);
  }
  expect(result.bins.reduce((sum, bin) => sum + bin.count, 0)).toBe(values.length);
  const first = result.bins[0];
  const last = result.bins.at(-1);
  expect(first?.start).toBeLessThanOrEqual(Math.min(...values));
  expect(last?.end).toBeGreaterThan(Math.max(...values));
  return result;
}

describe('StreamingHistogram', () => {
  it('counts 1..1000 exactly in integer-wide bins, between half and all of MAX_BINS of them', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i + 1);
    const result = expectExact(values);
    expect(Number.isInteger(result.binWidth)).toBe(true);
    expect(result.bins.length).toBeGreaterThanOrEqual(MAX_BINS / 2);
    expect(result.bins.length).toBeLessThanOrEqual(MAX_BINS);
  });

  it('follows a range that grows both ways, with decimals and negatives', () => {
    // A deterministic spread: a sine wave whose amplitude grows, so the range widens as it goes.
    const values = Array.from({ length: 5000 }, (_, i) => Math.sin(i) * (1 + i / 10) - 3.25);
    const result = expectExact(values);
    expect(result.bins.length).toBeGreaterThanOrEqual(MAX_BINS / 2);
    expect(result.bins.length).toBeLessThanOrEqual(MAX_BINS);
  });

  it('keeps a few distinct values in a few bins, and one value in one', () => {
    expectExact([0, 1, 1, 0, 1]);
    expect(histogramOf([7, 7, 7])).toEqual({ binWidth: 0, bins: [{ start: 7, end: 7, count: 3 }] });
    expect(histogramOf([])).toBeUndefined();
  });

  it('ignores values that are not finite', () => {
    expect(
      histogramOf([1, Number.NaN, Number.POSITIVE_INFINITY, 2])?.bins.reduce((s, b) => s + b.count, 0),
    ).toBe(2);
  });
});
