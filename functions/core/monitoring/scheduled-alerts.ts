/**
 * The scheduled alert run: every model → its rules (the owner's, or the defaults) evaluated over
 * the usage of the longest window they look at and the latest recorded drift report of each served
 * version → alerts opened for rules that fire and resolved for rules that cleared. The store's
 * conditional writes make a repeat run (or two runs at once) open or resolve each alert once, and
 * only the run whose write won publishes it.
 *
 * Where metric alarms exist (CloudWatch, on AWS), the error-rate and latency rules are theirs: the run
 * first reconciles every model's alarms with its rules, then records those rules' alerts from the
 * alarms' states, and does not publish them (the alarm's own action notifies the same topic). Drift
 * and no-traffic are evaluated here in both places.
 */
import type { Page, PageRequest } from '../pagination.ts';
import type { ModelRecord } from '../registry/model-records.ts';
import type { ModelRepository } from '../registry/ports.ts';
import {
  ALERT_RULES,
  type AlertRule,
  type AlertSettings,
  DEFAULT_ALERT_SETTINGS,
  evaluateAlerts,
  type LatestDrift,
  lookbackMinutes,
} from './alert-rules.ts';
import type { DriftReportStore } from './drift-report-runs.ts';
import { driftThresholdsOf } from './drift-thresholds.ts';
import {
  ALARMED_RULES,
  alarmKey,
  alarmSpecsOf,
  type ExistingAlarm,
  type ModelAlarms,
} from './model-alarms.ts';
import { servedVersions } from './scheduled-drift.ts';
import type { UsageAggregate } from './usage-records.ts';

export type AlertState = 'open' | 'resolved';

export interface AlertRecord {
  readonly model: string;
  readonly rule: AlertRule;
  readonly state: AlertState;
  readonly openedAt: string;
  readonly resolvedAt?: string;
  readonly detail: string;
}

export interface AlertStore {
  /** Opens the alert unless it is open already; true when this call opened it. */
  open(model: string, rule: AlertRule, detail: string, at: string): Promise<AlertRecord | undefined>;
  /** Resolves the alert if it is open; the resolved record when this call resolved it. */
  resolve(model: string, rule: AlertRule, at: string): Promise<AlertRecord | undefined>;
  /** A model's alerts (one per rule at most), of one state when given. */
  list(model: string, state?: AlertState): Promise<AlertRecord[]>;
}

/** Where opened and resolved alerts go: SNS on AWS, the console locally. */
export interface AlertPublisher {
  publish(alert: AlertRecord): Promise<void>;
}

export interface AlertRunDeps {
  readonly models: Pick<ModelRepository, 'list'>;
  readonly usage: { list(query: { model: string; from: number; to: number }): Promise<UsageAggregate[]> };
  readonly reports: Pick<DriftReportStore, 'latestSucceeded'>;
  readonly alerts: AlertStore;
  readonly publisher: AlertPublisher;
  /** Present on AWS: the error-rate and latency rules are evaluated by these alarms. */
  readonly alarms?: ModelAlarms;
  readonly now: () => Date;
  readonly onError?: (model: string, error: unknown) => void;
}

/**
 * How the alarmed rules are decided this run: evaluated here (no alarms), by the alarms' states,
 * or not at all (the alarms could not be read: their alerts stay as they are).
 */
type AlarmedRules =
  | { readonly by: 'schedule' }
  | { readonly by: 'alarms'; readonly states: ReadonlyMap<string, ExistingAlarm> }
  | { readonly by: 'nobody' };

const isAlarmed = (rule: AlertRule): boolean => (ALARMED_RULES as readonly AlertRule[]).includes(rule);

/** The settings with the alarmed rules off, for a run where alarms evaluate them. */
function withoutAlarmedRules(settings: AlertSettings): AlertSettings {
  return {
    ...settings,
    errorRate: { ...settings.errorRate, enabled: false },
    latency: { ...settings.latency, enabled: false },
  };
}

export function alertSettingsOf(model: ModelRecord): AlertSettings {
  return model.alerts ?? DEFAULT_ALERT_SETTINGS;
}

/**
 * The latest report of each served version, its features judged by the model's thresholds as they
 * are now (a report keeps each feature's PSI), so a changed threshold applies at the next run.
 */
async function latestDrift(model: ModelRecord, reports: AlertRunDeps['reports']): Promise<LatestDrift[]> {
  const { drift } = driftThresholdsOf(model);
  const latest: LatestDrift[] = [];
  for (const version of servedVersions(model)) {
    const [run] = await reports.latestSucceeded(model.name, version, 1);
    if (run?.report === undefined) continue;
    latest.push({
      version,
      recordedAt: run.completedAt ?? run.requestedAt,
      driftedFeatures: run.report.features
        .filter((f) => f.psi !== null && f.psi >= drift)
        .map((f) => f.column),
    });
  }
  return latest;
}

async function evaluateModel(
  model: ModelRecord,
  alarmed: AlarmedRules,
  deps: AlertRunDeps,
): Promise<{ opened: number; resolved: number }> {
  const owned = alertSettingsOf(model);
  const settings = alarmed.by === 'schedule' ? owned : withoutAlarmedRules(owned);
  const now = deps.now();
  const toSeconds = Math.floor(now.getTime() / 1000) + 1;
  const fromSeconds = toSeconds - lookbackMinutes(settings) * 60 - 60;
  const [aggregates, drift] = await Promise.all([
    lookbackMinutes(settings) === 0
      ? Promise.resolve([])
      : deps.usage.list({ model: model.name, from: fromSeconds, to: toSeconds }),
    settings.drift.enabled ? latestDrift(model, deps.reports) : Promise.resolve([]),
  ]);
  const firing = new Map(evaluateAlerts(settings, { aggregates, drift, now }).map((f) => [f.rule, f.detail]));
  if (alarmed.by === 'alarms') {
    for (const rule of ALARMED_RULES) {
      const alarm = alarmed.states.get(alarmKey(model.name, rule));
      if (owned[rule].enabled && alarm?.firing) firing.set(rule, alarm.reason);
    }
  }
  const at = now.toISOString();
  let opened = 0;
  let resolved = 0;
  for (const rule of ALERT_RULES) {
    if (alarmed.by === 'nobody' && isAlarmed(rule)) continue;
    const detail = firing.get(rule);
    const changed =
      detail === undefined
        ? await deps.alerts.resolve(model.name, rule, at)
        : await deps.alerts.open(model.name, rule, detail, at);
    if (changed === undefined) continue;
    if (changed.state === 'open') opened += 1;
    else resolved += 1;
    // An alarm notifies the topic itself when it changes state.
    if (alarmed.by === 'schedule' || !isAlarmed(rule)) await deps.publisher.publish(changed);
  }
  return { opened, resolved };
}

export async function evaluateAllAlerts(
  deps: AlertRunDeps,
): Promise<{ models: number; opened: number; resolved: number }> {
  // Every model first: the alarms of models that are gone are found by their absence.
  const models: ModelRecord[] = [];
  let cursor: string | undefined;
  do {
    const page: Page<ModelRecord> = await deps.models.list({}, {
      limit: 100,
      ...(cursor === undefined ? {} : { cursor }),
    } satisfies PageRequest);
    models.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);

  let alarmed: AlarmedRules = { by: 'schedule' };
  if (deps.alarms !== undefined) {
    try {
      const wanted = models.flatMap((m) => alarmSpecsOf(m.name, alertSettingsOf(m)));
      alarmed = { by: 'alarms', states: await deps.alarms.reconcile(wanted) };
    } catch (error) {
      deps.onError?.('(alarms)', error);
      alarmed = { by: 'nobody' };
    }
  }

  const totals = { models: 0, opened: 0, resolved: 0 };
  for (const model of models) {
    totals.models += 1;
    try {
      const { opened, resolved } = await evaluateModel(model, alarmed, deps);
      totals.opened += opened;
      totals.resolved += resolved;
    } catch (error) {
      deps.onError?.(model.name, error);
    }
  }
  return totals;
}
