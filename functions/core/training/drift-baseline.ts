/**
 * The per-feature baseline a registered version keeps for later drift checks: for each raw input
 * column, what the training rows looked like. Numbers: a 10-bin histogram over the training range
 * (plus the share missing, mean and standard deviation); categories: the frequency of each kept
 * category and of everything else. Drift is later measured by comparing served rows to these.
 */

export const HISTOGRAM_BINS = 10;

export interface NumericBaseline {
  readonly kind: 'numeric';
  readonly column: string;
  readonly count: number;
  readonly missingShare: number;
  readonly mean: number;
  readonly std: number;
  /** `HISTOGRAM_BINS + 1` edges from the training minimum to the maximum. */
  readonly edges: readonly number[];
  /** Share of the present values in each bin (sums to 1). */
  readonly frequencies: readonly number[];
}

export interface CategoricalBaseline {
  readonly kind: 'categorical';
  readonly column: string;
  readonly count: number;
  readonly missingShare: number;
  /** Share of each kept category among present values; `other` for everything else. */
  readonly frequencies: Readonly<Record<string, number>>;
  readonly other: number;
}

export type FeatureBaseline = NumericBaseline | CategoricalBaseline;

function isMissing(value: string | null | undefined): boolean {
  return value === null || value === undefined || value.trim() === '';
}

export function numericBaseline(column: string, values: readonly (string | null)[]): NumericBaseline {
  const present = values
    .filter((v) => !isMissing(v))
    .map(Number)
    .filter(Number.isFinite);
  const count = values.length;
  const missingShare = count === 0 ? 0 : (count - present.length) / count;
  const mean = present.reduce((sum, v) => sum + v, 0) / Math.max(1, present.length);
  const std = Math.sqrt(present.reduce((sum, v) => sum + (v - mean) ** 2, 0) / Math.max(1, present.length));
  const min = present.length === 0 ? 0 : Math.min(...present);
  const max = present.length === 0 ? 0 : Math.max(...present);
  const width = (max - min) / HISTOGRAM_BINS;
  const edges = Array.from({ length: HISTOGRAM_BINS + 1 }, (_, i) =>
    i === HISTOGRAM_BINS ? max : min + i * width,
  );
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (const value of present) {
    const bin = width === 0 ? 0 : Math.min(HISTOGRAM_BINS - 1, Math.floor((value - min) / width));
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  const frequencies = counts.map((c) => (present.length === 0 ? 0 : c / present.length));
  return { kind: 'numeric', column, count, missingShare, mean, std, edges, frequencies };
}

export function categoricalBaseline(
  column: string,
  values: readonly (string | null)[],
  kept: readonly string[],
): CategoricalBaseline {
  const keptSet = new Set(kept);
  const counts = new Map<string, number>(kept.map((c) => [c, 0]));
  let present = 0;
  let other = 0;
  for (const value of values) {
    if (isMissing(value)) continue;
    present += 1;
    if (value !== null && keptSet.has(value)) counts.set(value, (counts.get(value) ?? 0) + 1);
    else other += 1;
  }
  const share = (n: number) => (present === 0 ? 0 : n / present);
  return {
    kind: 'categorical',
    column,
    count: values.length,
    missingShare: values.length === 0 ? 0 : (values.length - present) / values.length,
    frequencies: Object.fromEntries([...counts].map(([category, n]) => [category, share(n)])),
    other: share(other),
  };
}
