import { describe, expect, it } from 'vitest';
import { Random } from '../../../../functions/core/training/random.ts';
import {
  binEdges,
  binOf,
  binRows,
  edgeBetween,
  fitBinMapper,
} from '../../../../functions/core/training/trainers/gradient-boosting/binning.ts';

const range = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

/** The bins of `values` by a linear scan of the edges (independent of `binOf`'s binary search). */
function scanBin(edges: Float32Array, value: number): number {
  if (Number.isNaN(value)) return edges.length + 1;
  for (let b = 0; b < edges.length; b += 1) if (Math.fround(value) <= (edges[b] as number)) return b;
  return edges.length;
}

/** Doubles just below, at and above each float32 edge, and values that round to it in float32. */
function probesAround(edges: Float32Array): number[] {
  const probes: number[] = [];
  for (const edge of edges) {
    const up = new Float32Array([edge]);
    const bits = new Int32Array(up.buffer);
    bits[0] = (bits[0] as number) + (edge >= 0 ? 1 : -1);
    const nextFloat = up[0] as number;
    probes.push(edge, edge * (1 + 1e-12), edge * (1 - 1e-12), (edge + nextFloat) / 2, nextFloat);
    probes.push(edge + (nextFloat - edge) * 0.49, edge + (nextFloat - edge) * 0.51);
  }
  return probes;
}

describe('binEdges', () => {
  it('cuts 1,000 distinct values into 10 bins of 100 rows at the midpoints', () => {
    // Prepare
    const values = Float64Array.from({ length: 1000 }, (_, i) => i);

    // Act
    const edges = binEdges(values, 10);

    // Assess
    expect(Array.from(edges)).toEqual([99.5, 199.5, 299.5, 399.5, 499.5, 599.5, 699.5, 799.5, 899.5]);
  });

  it('gives each value its own bin when there are at most maxBins distinct values', () => {
    // Act
    const edges = binEdges(Float64Array.of(1, 1, 1, 2, 3, 3, 10), 255);

    // Assess
    expect(Array.from(edges)).toEqual([1.5, 2.5, 6.5]);
  });

  it('keeps quantile bins of about equal counts, and a very frequent value alone in its bin', () => {
    // Prepare: 5,000 zeros and 5,000 distinct positive values.
    const values = new Float64Array(10_000);
    for (let i = 5000; i < 10_000; i += 1) values[i] = Math.fround(i / 100);

    // Act
    const edges = binEdges(values, 20);
    const counts = new Int32Array(edges.length + 1);
    for (const v of values) counts[scanBin(edges, v)] = (counts[scanBin(edges, v)] as number) + 1;

    // Assess
    expect(edges.length).toBe(19);
    expect(counts[0]).toBe(5000);
    for (let b = 1; b < counts.length; b += 1) {
      expect(counts[b]).toBeGreaterThanOrEqual(250);
      expect(counts[b]).toBeLessThanOrEqual(300);
    }
  });

  it('returns float32 edges, strictly increasing, each between two sample values', () => {
    // Prepare
    const random = new Random(11);
    const values = Float64Array.from({ length: 5000 }, () => Math.fround((random.next() - 0.5) * 1e4)).sort();

    // Act
    const edges = binEdges(values, 255);

    // Assess
    expect(edges.length).toBe(254);
    for (let b = 0; b < edges.length; b += 1) {
      const edge = edges[b] as number;
      expect(Math.fround(edge)).toBe(edge);
      if (b > 0) expect(edge).toBeGreaterThan(edges[b - 1] as number);
      expect(values.some((v) => v <= edge)).toBe(true);
      expect(values.some((v) => v > edge)).toBe(true);
    }
  });
});

describe('edgeBetween', () => {
  it('stays in [low, high) for adjacent float32 values, where the midpoint rounds up', () => {
    // Prepare: 1 and the next float32 above it.
    const low = 1;
    const high = Math.fround(1 + 2 ** -23);

    // Act
    const edge = edgeBetween(low, high);

    // Assess
    expect(edge).toBeGreaterThanOrEqual(low);
    expect(edge).toBeLessThan(high);
    expect(edgeBetween(2, 4)).toBe(3);
  });
});

describe('fitBinMapper and binRows', () => {
  it('puts NaN in a bin of its own, after the present bins, and ignores it for the edges', () => {
    // Prepare: column 0 has NaNs, column 1 none.
    const x = Float64Array.of(1, 5, Number.NaN, 6, 3, 7, Number.NaN, 8, 2, 9);

    // Act
    const mapper = fitBinMapper(x, 2, range(5), { maxBins: 255, seed: 1 });
    const binned = binRows(mapper, x, range(5));

    // Assess
    expect(Array.from(mapper.edges[0] as Float32Array)).toEqual([1.5, 2.5]);
    expect(Array.from(mapper.binCounts)).toEqual([3, 5]);
    expect(Array.from(mapper.offsets)).toEqual([0, 4]);
    expect(mapper.totalBins).toBe(10);
    expect(Array.from(binned.columns.subarray(0, 5))).toEqual([0, 3, 2, 3, 1]);
    expect(Array.from(binned.columns.subarray(5))).toEqual([0, 1, 2, 3, 4]);
    // Row-major histogram slots: offset + bin.
    expect(Array.from(binned.slots)).toEqual([0, 4, 3, 5, 2, 6, 3, 7, 1, 8]);
  });

  it('assigns bins that Math.fround(x) <= edge reproduces exactly, for values on and beside every edge', () => {
    // Prepare: a column with values at many scales, then probes around the fitted edges.
    const random = new Random(5);
    const rows = 20_000;
    const x = Float64Array.from({ length: rows }, () => (random.next() - 0.3) * 10 ** (random.int(8) - 3));
    const mapper = fitBinMapper(x, 1, range(rows), { maxBins: 255, seed: 3 });
    const edges = mapper.edges[0] as Float32Array;
    const probes = Float64Array.from([
      ...probesAround(edges),
      ...x.subarray(0, 2000),
      Number.NaN,
      -1e300,
      1e300,
    ]);

    // Act
    const binned = binRows(mapper, probes, range(probes.length));

    // Assess: the bin is the linear scan's, and "bin ≤ b" ⟺ fround(x) ≤ edges[b] for every b.
    expect(edges.length).toBe(254);
    const mismatches: string[] = [];
    probes.forEach((value, i) => {
      const bin = binned.columns[i] as number;
      if (bin !== scanBin(edges, value) || binOf(edges, value) !== bin) mismatches.push(`bin of ${value}`);
      if (Number.isNaN(value)) return;
      for (let b = 0; b < edges.length; b += 1) {
        if (bin <= b !== Math.fround(value) <= (edges[b] as number)) mismatches.push(`${value} vs edge ${b}`);
      }
    });
    expect(mismatches).toEqual([]);
  });

  it('computes the edges from a seeded sample of the rows when there are more than sampleRows', () => {
    // Prepare
    const random = new Random(8);
    const x = Float64Array.from({ length: 5000 }, () => random.next());

    // Act
    const first = fitBinMapper(x, 1, range(5000), { maxBins: 16, seed: 4, sampleRows: 500 });
    const again = fitBinMapper(x, 1, range(5000), { maxBins: 16, seed: 4, sampleRows: 500 });
    const other = fitBinMapper(x, 1, range(5000), { maxBins: 16, seed: 5, sampleRows: 500 });

    // Assess
    expect(Array.from(again.edges[0] as Float32Array)).toEqual(Array.from(first.edges[0] as Float32Array));
    expect(Array.from(other.edges[0] as Float32Array)).not.toEqual(
      Array.from(first.edges[0] as Float32Array),
    );
    expect((first.edges[0] as Float32Array).length).toBe(15);
  });

  it('rejects maxBins outside [2, 255]', () => {
    expect(() => fitBinMapper(Float64Array.of(1), 1, range(1), { maxBins: 256, seed: 0 })).toThrow(
      RangeError,
    );
    expect(() => fitBinMapper(Float64Array.of(1), 1, range(1), { maxBins: 1, seed: 0 })).toThrow(RangeError);
  });
});
