/**
 * Usage reports: read the per-minute aggregates of a window → group them by period and by version,
 * alias or caller → merge counts and latency histograms → percentiles. A model's report is for
 * whoever may read the model; the platform-wide one (top models, top callers) for admins.
 */
import { assertAdmin, requireAccess } from '../auth/access-rules.ts';
import type { Principal } from '../auth/principal.ts';
import { ValidationError } from '../errors.ts';
import { notFound } from '../registry/models.ts';
import type { ModelRepository } from '../registry/ports.ts';
import { type LatencySummary, latencySummary } from './latency-histogram.ts';
import { emptyCounts, mergeCounts, type UsageAggregate, type UsageCounts } from './usage-records.ts';

export const GRANULARITIES = ['minute', 'hour', 'day'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
export const USAGE_DIMENSIONS = ['version', 'alias', 'caller'] as const;
export type UsageDimension = (typeof USAGE_DIMENSIONS)[number];

const PERIOD_SECONDS: Readonly<Record<Granularity, number>> = { minute: 60, hour: 3600, day: 86_400 };
/** Widest window per granularity: at most 1,440 minutes, 744 hours or 93 days in one answer. */
const MAX_WINDOW_SECONDS: Readonly<Record<Granularity, number>> = {
  minute: 86_400,
  hour: 31 * 86_400,
  day: 93 * 86_400,
};

export interface UsageReader {
  /** Aggregates whose minute is in [from, to) (epoch seconds), of one model or of all. */
  list(query: {
    readonly model?: string;
    readonly from: number;
    readonly to: number;
  }): Promise<UsageAggregate[]>;
}

export interface UsageWindow {
  readonly from: Date;
  readonly to: Date;
  readonly granularity: Granularity;
}

export interface UsageStats {
  readonly requests: number;
  readonly rows: number;
  readonly succeeded: number;
  readonly clientErrors: number;
  readonly serverErrors: number;
  /** (4xx + 5xx) / requests. */
  readonly errorRate: number;
  /** Rows answered from the prediction cache, and rows of cached models the model ran. */
  readonly cacheHits: number;
  readonly cacheMisses: number;
  /** Handler latency of the prediction use case. */
  readonly latencyMs: LatencySummary;
  /** Time in the model alone. */
  readonly modelRunMs: LatencySummary;
}

export interface UsagePoint extends UsageStats {
  readonly start: string;
}

export interface UsageSeries {
  readonly version?: number;
  readonly alias?: string | null;
  readonly caller?: string;
  readonly callerName?: string;
  readonly totals: UsageStats;
  readonly points: readonly UsagePoint[];
}

export interface ModelUsageReport {
  readonly model: string;
  readonly from: string;
  readonly to: string;
  readonly granularity: Granularity;
  readonly by?: UsageDimension;
  readonly totals: UsageStats;
  readonly series: readonly UsageSeries[];
}

export function statsOf(counts: Readonly<UsageCounts>): UsageStats {
  const errors = counts.clientErrors + counts.serverErrors;
  return {
    requests: counts.requests,
    rows: counts.rows,
    succeeded: counts.succeeded,
    clientErrors: counts.clientErrors,
    serverErrors: counts.serverErrors,
    errorRate: counts.requests === 0 ? 0 : errors / counts.requests,
    cacheHits: counts.cacheHits,
    cacheMisses: counts.cacheMisses,
    latencyMs: latencySummary(counts.latency),
    modelRunMs: latencySummary(counts.modelLatency),
  };
}

/** Aligns the window to whole periods (UTC) and checks its size. */
export function alignWindow(window: UsageWindow): { from: number; to: number; period: number } {
  const period = PERIOD_SECONDS[window.granularity];
  const from = Math.floor(window.from.getTime() / 1000 / period) * period;
  const to = Math.ceil(window.to.getTime() / 1000 / period) * period;
  if (!(to > from)) {
    const message = '`to` must be after `from`.';
    throw new ValidationError(message, [{ field: 'query.to', message }]);
  }
  if ((window.to.getTime() - window.from.getTime()) / 1000 > MAX_WINDOW_SECONDS[window.granularity]) {
    const days = MAX_WINDOW_SECONDS[window.granularity] / 86_400;
    const message = `A ${window.granularity} series spans at most ${days} day${days === 1 ? '' : 's'}; narrow from/to or use a coarser granularity.`;
    throw new ValidationError(message, [{ field: 'query.from', message }]);
  }
  return { from, to, period };
}

function seriesKey(aggregate: UsageAggregate, by: UsageDimension | undefined): string {
  if (by === 'version') return String(aggregate.version);
  if (by === 'alias') return aggregate.alias;
  if (by === 'caller') return aggregate.caller;
  return '';
}

function seriesLabel(aggregate: UsageAggregate, by: UsageDimension | undefined) {
  if (by === 'version') return { version: aggregate.version };
  if (by === 'alias') return { alias: aggregate.alias === '' ? null : aggregate.alias };
  if (by === 'caller') return { caller: aggregate.caller, callerName: aggregate.callerName };
  return {};
}

/** Groups aggregates into series (ordered by version, alias or caller) of periods (oldest first). */
export function buildSeries(
  aggregates: readonly UsageAggregate[],
  period: number,
  by: UsageDimension | undefined,
): { totals: UsageStats; series: UsageSeries[] } {
  const all = emptyCounts();
  const grouped = new Map<
    string,
    { label: object; totals: UsageCounts; periods: Map<number, UsageCounts> }
  >();
  for (const aggregate of aggregates) {
    mergeCounts(all, aggregate);
    const key = seriesKey(aggregate, by);
    let group = grouped.get(key);
    if (group === undefined) {
      group = { label: seriesLabel(aggregate, by), totals: emptyCounts(), periods: new Map() };
      grouped.set(key, group);
    }
    mergeCounts(group.totals, aggregate);
    const start = Math.floor(aggregate.minute / period) * period;
    let counts = group.periods.get(start);
    if (counts === undefined) {
      counts = emptyCounts();
      group.periods.set(start, counts);
    }
    mergeCounts(counts, aggregate);
  }
  const keys = [...grouped.keys()].sort((a, b) =>
    by === 'version' ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0,
  );
  const series = keys.map((key) => {
    const group = grouped.get(key) as {
      label: object;
      totals: UsageCounts;
      periods: Map<number, UsageCounts>;
    };
    const points = [...group.periods.entries()]
      .sort(([a], [b]) => a - b)
      .map(([start, counts]) => ({ start: new Date(start * 1000).toISOString(), ...statsOf(counts) }));
    return { ...group.label, totals: statsOf(group.totals), points };
  });
  return { totals: statsOf(all), series };
}

export interface UsageReportDeps {
  readonly models: Pick<ModelRepository, 'get'>;
  readonly usage: UsageReader;
}

export async function modelUsage(
  principal: Principal,
  name: string,
  query: UsageWindow & { readonly by?: UsageDimension },
  deps: UsageReportDeps,
): Promise<ModelUsageReport> {
  requireAccess(principal, await deps.models.get(name), 'read', notFound(name));
  const { from, to, period } = alignWindow(query);
  const aggregates = await deps.usage.list({ model: name, from, to });
  return {
    model: name,
    from: new Date(from * 1000).toISOString(),
    to: new Date(to * 1000).toISOString(),
    granularity: query.granularity,
    ...(query.by === undefined ? {} : { by: query.by }),
    ...buildSeries(aggregates, period, query.by),
  };
}

export interface PlatformUsageReport {
  readonly from: string;
  readonly to: string;
  readonly totals: UsageStats;
  readonly topModels: readonly ({ model: string } & UsageStats)[];
  readonly topCallers: readonly ({ caller: string; callerName: string } & UsageStats)[];
}

function top<T>(groups: Map<string, { label: T; counts: UsageCounts }>, limit: number) {
  return [...groups.values()]
    .sort((a, b) => b.counts.requests - a.counts.requests)
    .slice(0, limit)
    .map((group) => ({ ...group.label, ...statsOf(group.counts) }));
}

/** Admins: totals over every model, and the busiest models and callers (by requests). */
export async function platformUsage(
  principal: Principal,
  query: { readonly from: Date; readonly to: Date; readonly limit: number },
  deps: Pick<UsageReportDeps, 'usage'>,
): Promise<PlatformUsageReport> {
  assertAdmin(principal, 'read the usage of every model');
  const { from, to } = alignWindow({ ...query, granularity: 'hour' });
  const aggregates = await deps.usage.list({ from, to });
  const all = emptyCounts();
  const models = new Map<string, { label: { model: string }; counts: UsageCounts }>();
  const callers = new Map<string, { label: { caller: string; callerName: string }; counts: UsageCounts }>();
  for (const aggregate of aggregates) {
    mergeCounts(all, aggregate);
    let model = models.get(aggregate.model);
    if (model === undefined) {
      model = { label: { model: aggregate.model }, counts: emptyCounts() };
      models.set(aggregate.model, model);
    }
    mergeCounts(model.counts, aggregate);
    let caller = callers.get(aggregate.caller);
    if (caller === undefined) {
      caller = {
        label: { caller: aggregate.caller, callerName: aggregate.callerName },
        counts: emptyCounts(),
      };
      callers.set(aggregate.caller, caller);
    }
    mergeCounts(caller.counts, aggregate);
  }
  return {
    from: new Date(from * 1000).toISOString(),
    to: new Date(to * 1000).toISOString(),
    totals: statsOf(all),
    topModels: top(models, query.limit),
    topCallers: top(callers, query.limit),
  };
}
