/**
 * A model's versions as the metric-history chart reads them: the metric names some version records
 * (numbers only; the confusion matrix is not a point on a line), and one metric's value per version,
 * oldest version first. Pure.
 */

export interface VersionLike {
  readonly version: number;
  readonly status: string;
  readonly createdAt: string;
  readonly metrics: Readonly<Record<string, unknown>>;
}

export interface MetricPoint {
  readonly version: number;
  readonly value: number;
  readonly status: string;
  readonly createdAt: string;
}

/** The numeric metrics any version records, the most widely recorded first, then by name. */
export function metricNames(versions: readonly VersionLike[]): string[] {
  const counts = new Map<string, number>();
  for (const version of versions) {
    for (const [name, value] of Object.entries(version.metrics)) {
      if (typeof value === 'number' && Number.isFinite(value)) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name]) => name);
}

/** One point per version that records `metric`, by version number. */
export function metricSeries(versions: readonly VersionLike[], metric: string): MetricPoint[] {
  return versions
    .flatMap((version) => {
      const value = version.metrics[metric];
      return typeof value === 'number' && Number.isFinite(value)
        ? [{ version: version.version, value, status: version.status, createdAt: version.createdAt }]
        : [];
    })
    .sort((a, b) => a.version - b.version);
}
