/**
 * Latency as counts in a fixed set of log-spaced buckets. Every container and every minute uses the
 * same bounds, so histograms merge by adding counts and a percentile of the merged histogram is the
 * percentile of all the samples, exactly, at the buckets' resolution: each bucket is 2^(1/4) ≈ 1.19
 * times as wide as the one before, so a reported percentile (the upper bound of the bucket it falls
 * in) is at most 19 % above the true value and never below it.
 */

/** Upper bound of the first bucket (ms): 50 µs. */
const FIRST_UPPER_MS = 0.05;
const STEPS_PER_DOUBLING = 4;
/** Bucket 85's upper bound is 0.05 · 2^(85/4) ≈ 140 s, past any Lambda's 29 s behind API Gateway. */
const BOUNDED_BUCKETS = 86;

/** Inclusive upper bounds (ms) of the bounded buckets; one more bucket holds everything above. */
export const BUCKET_UPPER_BOUNDS_MS: readonly number[] = Array.from(
  { length: BOUNDED_BUCKETS },
  (_, i) => FIRST_UPPER_MS * 2 ** (i / STEPS_PER_DOUBLING),
);

export const BUCKET_COUNT = BOUNDED_BUCKETS + 1;

/** Counts per bucket, indexed as BUCKET_UPPER_BOUNDS_MS (the last index is the overflow bucket). */
export type LatencyHistogram = number[];

export function emptyHistogram(): LatencyHistogram {
  return new Array<number>(BUCKET_COUNT).fill(0);
}

/** The bucket a duration falls in: the first whose upper bound is at least `ms`. */
export function bucketIndex(ms: number): number {
  if (!(ms > FIRST_UPPER_MS)) return 0; // also NaN and negatives: a clock step backwards is not a latency
  let index = Math.min(BOUNDED_BUCKETS, Math.ceil(STEPS_PER_DOUBLING * Math.log2(ms / FIRST_UPPER_MS)));
  // log2 rounds; settle on the exact bucket against the bounds themselves.
  while (index > 0 && ms <= (BUCKET_UPPER_BOUNDS_MS[index - 1] as number)) index -= 1;
  while (index < BOUNDED_BUCKETS && ms > (BUCKET_UPPER_BOUNDS_MS[index] as number)) index += 1;
  return index;
}

export function addSample(histogram: LatencyHistogram, ms: number, count = 1): void {
  const index = bucketIndex(ms);
  histogram[index] = (histogram[index] ?? 0) + count;
}

/** Adds `from` into `into` (in place) and returns `into`. */
export function mergeInto(into: LatencyHistogram, from: Readonly<LatencyHistogram>): LatencyHistogram {
  for (let i = 0; i < BUCKET_COUNT; i += 1) into[i] = (into[i] ?? 0) + (from[i] ?? 0);
  return into;
}

export function totalCount(histogram: Readonly<LatencyHistogram>): number {
  let total = 0;
  for (const count of histogram) total += count;
  return total;
}

/** The value reported for a bucket: its upper bound, rounded to 4 significant digits. */
export function bucketValueMs(index: number): number {
  const bound = BUCKET_UPPER_BOUNDS_MS[Math.min(index, BOUNDED_BUCKETS - 1)] as number;
  return Number(bound.toPrecision(4));
}

/**
 * The q-quantile (0 < q ≤ 1) by the nearest-rank method: the bucket holding the ⌈q·n⌉-th smallest
 * sample. Null for an empty histogram. Samples past the last bound report that bound.
 */
export function percentile(histogram: Readonly<LatencyHistogram>, q: number): number | null {
  const n = totalCount(histogram);
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(q * n));
  let seen = 0;
  for (let i = 0; i < BUCKET_COUNT; i += 1) {
    seen += histogram[i] ?? 0;
    if (seen >= rank) return bucketValueMs(i);
  }
  return bucketValueMs(BUCKET_COUNT - 1);
}

export interface LatencySummary {
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

export function latencySummary(histogram: Readonly<LatencyHistogram>): LatencySummary {
  return {
    p50: percentile(histogram, 0.5),
    p95: percentile(histogram, 0.95),
    p99: percentile(histogram, 0.99),
  };
}
