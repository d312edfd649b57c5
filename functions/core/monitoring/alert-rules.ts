/**
 * Alert rules per model and the pure evaluation of them over the usage aggregates of a window and
 * the latest recorded drift report: which rules fire now, with a detail saying why. Error rate
 * counts 5xx answers only: a 4xx is the caller's fault (bad rows, no access) and says nothing about
 * the model's health, so a client sending garbage cannot page the owner.
 */
import { emptyHistogram, mergeInto, percentile } from './latency-histogram.ts';
import type { UsageAggregate } from './usage-records.ts';

export const ALERT_RULES = ['drift', 'errorRate', 'latency', 'noTraffic'] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

export interface AlertSettings {
  readonly drift: { readonly enabled: boolean };
  readonly errorRate: {
    readonly enabled: boolean;
    /** Percent of requests answered 5xx. */
    readonly thresholdPercent: number;
    readonly windowMinutes: number;
    /** Fewer requests in the window never fire (1 error in 2 requests is not an outage). */
    readonly minRequests: number;
  };
  readonly latency: { readonly enabled: boolean; readonly p99Ms: number; readonly windowMinutes: number };
  /** Off by default: many models are called only now and then. */
  readonly noTraffic: { readonly enabled: boolean; readonly hours: number };
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  drift: { enabled: true },
  errorRate: { enabled: true, thresholdPercent: 5, windowMinutes: 15, minRequests: 20 },
  latency: { enabled: true, p99Ms: 1000, windowMinutes: 15 },
  noTraffic: { enabled: false, hours: 24 },
};

/** The longest window any rule of these settings looks at, in minutes. */
export function lookbackMinutes(settings: AlertSettings): number {
  return Math.max(
    settings.errorRate.enabled ? settings.errorRate.windowMinutes : 0,
    settings.latency.enabled ? settings.latency.windowMinutes : 0,
    settings.noTraffic.enabled ? settings.noTraffic.hours * 60 : 0,
  );
}

export interface LatestDrift {
  readonly version: number;
  readonly recordedAt: string;
  readonly driftedFeatures: readonly string[];
}

export interface FiringAlert {
  readonly rule: AlertRule;
  readonly detail: string;
}

function within(aggregates: readonly UsageAggregate[], now: Date, minutes: number): UsageAggregate[] {
  const from = now.getTime() / 1000 - minutes * 60;
  return aggregates.filter((a) => a.minute + 60 > from && a.minute <= now.getTime() / 1000);
}

/**
 * The rules that fire. `aggregates` covers at least `lookbackMinutes(settings)` before `now` (minutes
 * that end before a rule's window are ignored); `drift` is the latest recorded report per served
 * version.
 */
export function evaluateAlerts(
  settings: AlertSettings,
  input: {
    readonly aggregates: readonly UsageAggregate[];
    readonly drift: readonly LatestDrift[];
    readonly now: Date;
  },
): FiringAlert[] {
  const firing: FiringAlert[] = [];
  if (settings.drift.enabled) {
    const drifted = input.drift.filter((d) => d.driftedFeatures.length > 0);
    if (drifted.length > 0)
      firing.push({
        rule: 'drift',
        detail: drifted
          .map(
            (d) =>
              `version ${d.version}: ${d.driftedFeatures.join(', ')} drifted (report of ${d.recordedAt})`,
          )
          .join('; '),
      });
  }
  if (settings.errorRate.enabled) {
    const { windowMinutes, thresholdPercent, minRequests } = settings.errorRate;
    const window = within(input.aggregates, input.now, windowMinutes);
    const requests = window.reduce((n, a) => n + a.requests, 0);
    const errors = window.reduce((n, a) => n + a.serverErrors, 0);
    const percent = requests === 0 ? 0 : (100 * errors) / requests;
    if (requests >= minRequests && percent >= thresholdPercent)
      firing.push({
        rule: 'errorRate',
        detail: `${errors} of ${requests} requests answered 5xx (${percent.toFixed(1)} % ≥ ${thresholdPercent} %) in the last ${windowMinutes} min`,
      });
  }
  if (settings.latency.enabled) {
    const { windowMinutes, p99Ms } = settings.latency;
    const histogram = emptyHistogram();
    for (const a of within(input.aggregates, input.now, windowMinutes)) mergeInto(histogram, a.latency);
    const p99 = percentile(histogram, 0.99);
    if (p99 !== null && p99 >= p99Ms)
      firing.push({
        rule: 'latency',
        detail: `p99 ${p99} ms ≥ ${p99Ms} ms in the last ${windowMinutes} min`,
      });
  }
  if (settings.noTraffic.enabled) {
    const { hours } = settings.noTraffic;
    const requests = within(input.aggregates, input.now, hours * 60).reduce((n, a) => n + a.requests, 0);
    if (requests === 0)
      firing.push({ rule: 'noTraffic', detail: `no prediction requests in the last ${hours} h` });
  }
  return firing;
}

/** What an owner sends: any rule, any field of it; the rest stays as it was (or the default). */
export type AlertSettingsPatch = { readonly [R in keyof AlertSettings]?: Partial<AlertSettings[R]> };

export function mergeAlertSettings(
  current: AlertSettings | undefined,
  patch: AlertSettingsPatch,
): AlertSettings {
  const base = current ?? DEFAULT_ALERT_SETTINGS;
  return {
    drift: { ...base.drift, ...patch.drift },
    errorRate: { ...base.errorRate, ...patch.errorRate },
    latency: { ...base.latency, ...patch.latency },
    noTraffic: { ...base.noTraffic, ...patch.noTraffic },
  };
}
