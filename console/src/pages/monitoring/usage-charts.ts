/**
 * A model's usage report (GET /v1/models/{name}/usage?by=version) and drift report as the
 * monitoring page draws them: long-format rows per version and period for the time-series charts
 * (requests, errors, latency percentiles), one row per arm for the side-by-side comparison, and the
 * training and live distributions of a feature for the overlay. Pure.
 */

interface Percentiles {
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

interface StatsLike {
  readonly requests: number;
  readonly succeeded: number;
  readonly clientErrors: number;
  readonly serverErrors: number;
  readonly errorRate: number;
  readonly latencyMs: Percentiles;
}

export interface UsageLike {
  readonly series: readonly {
    readonly version?: number | undefined;
    readonly totals: StatsLike;
    readonly points: readonly (StatsLike & { readonly start: string })[];
  }[];
}

/** How a series is named in legends and tables: `v3`, or `all` for an unsplit report. */
export const versionLabel = (version: number | undefined) => (version === undefined ? 'all' : `v${version}`);

export interface TrafficPoint {
  readonly version: string;
  readonly start: Date;
  readonly requests: number;
  readonly errors: number;
  readonly serverErrors: number;
}

export interface LatencyPoint {
  readonly version: string;
  readonly start: Date;
  readonly percentile: 'p50' | 'p95' | 'p99';
  readonly ms: number;
}

/** Requests and errors (4xx + 5xx) per version and period, oldest first. */
export function trafficPoints(usage: UsageLike): TrafficPoint[] {
  return usage.series
    .flatMap((series) =>
      series.points.map((point) => ({
        version: versionLabel(series.version),
        start: new Date(point.start),
        requests: point.requests,
        errors: point.clientErrors + point.serverErrors,
        serverErrors: point.serverErrors,
      })),
    )
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}

const PERCENTILES = ['p50', 'p95', 'p99'] as const;

/** p50/p95/p99 of the request latency per version and period; periods without samples left out. */
export function latencyPoints(usage: UsageLike): LatencyPoint[] {
  return usage.series
    .flatMap((series) =>
      series.points.flatMap((point) =>
        PERCENTILES.flatMap((percentile) => {
          const ms = point.latencyMs[percentile];
          return ms === null
            ? []
            : [{ version: versionLabel(series.version), start: new Date(point.start), percentile, ms }];
        }),
      ),
    )
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}

export interface ArmRow {
  readonly version: string;
  readonly requests: number;
  /** Of all the model's requests in the window. */
  readonly share: number;
  readonly errorRate: number;
  readonly serverErrors: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

/** One row per version (an arm of a split), most requests first. */
export function armRows(usage: UsageLike): ArmRow[] {
  const total = usage.series.reduce((sum, series) => sum + series.totals.requests, 0);
  return usage.series
    .map((series) => ({
      version: versionLabel(series.version),
      requests: series.totals.requests,
      share: total === 0 ? 0 : series.totals.requests / total,
      errorRate: series.totals.errorRate,
      serverErrors: series.totals.serverErrors,
      ...series.totals.latencyMs,
    }))
    .sort((a, b) => b.requests - a.requests);
}

/** The same arms in long format for grouped bars: one row per arm × latency percentile. */
export function armLatencyBars(
  arms: readonly ArmRow[],
): { version: string; percentile: string; ms: number }[] {
  return arms.flatMap((arm) =>
    PERCENTILES.flatMap((percentile) => {
      const ms = arm[percentile];
      return ms === null ? [] : [{ version: arm.version, percentile, ms }];
    }),
  );
}

/** A drift report feature's distributions, as the report gives them. */
export interface FeatureDistribution {
  /** Numeric: the training bins' edges (bins + 1). */
  readonly edges?: readonly number[] | undefined;
  /** Categorical: the categories training kept, `(other)` last. */
  readonly categories?: readonly string[] | undefined;
  readonly training: readonly number[];
  readonly live: readonly number[];
}

export interface DistributionBar {
  readonly bin: string;
  /** Position of the bin, for ordering. */
  readonly order: number;
  readonly source: 'training' | 'live';
  readonly share: number;
}

const edgeFormat = new Intl.NumberFormat('en', { maximumSignificantDigits: 3 });

/** `4.3–5.1` for a numeric bin, the category itself otherwise. */
export function binLabels(distribution: FeatureDistribution): string[] {
  if (distribution.categories) return [...distribution.categories];
  const edges = distribution.edges ?? [];
  return edges
    .slice(0, -1)
    .map((low, i) => `${edgeFormat.format(low)}–${edgeFormat.format(edges[i + 1] ?? low)}`);
}

/** Training and live shares per bin, side by side (each sums to 1 over the bins). */
export function distributionBars(distribution: FeatureDistribution): DistributionBar[] {
  return binLabels(distribution).flatMap((bin, order) => [
    { bin, order, source: 'training' as const, share: distribution.training[order] ?? 0 },
    { bin, order, source: 'live' as const, share: distribution.live[order] ?? 0 },
  ]);
}
