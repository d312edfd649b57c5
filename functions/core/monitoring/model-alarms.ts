/**
 * Per-model metric alarms for the error-rate and latency rules (on AWS, CloudWatch alarms on the
 * per-model usage metrics evaluate them, minute by minute). Models are created at run time, so the
 * alarm run reconciles: every model's enabled rules → the alarms wanted (name, rule, description) →
 * compared with the alarms that exist under the platform's name prefix → the alarms to put (new or
 * changed) and to delete (a model gone, a rule turned off). An alarm's description is a function of
 * its whole spec, so "changed" is "the description differs", and an unchanged alarm costs no call.
 */
import type { AlertRule, AlertSettings } from './alert-rules.ts';

/** The rules alarms evaluate where alarms exist; the others (drift, no traffic) the schedule does. */
export const ALARMED_RULES = ['errorRate', 'latency'] as const satisfies readonly AlertRule[];
export type AlarmedRule = (typeof ALARMED_RULES)[number];

export type ModelAlarmSpec =
  | {
      readonly rule: 'errorRate';
      readonly model: string;
      readonly thresholdPercent: number;
      readonly windowMinutes: number;
      readonly minRequests: number;
    }
  | {
      readonly rule: 'latency';
      readonly model: string;
      readonly p99Ms: number;
      readonly windowMinutes: number;
    };

/** An alarm as it exists: its name, description and state. */
export interface ExistingAlarm {
  readonly name: string;
  readonly description: string;
  readonly firing: boolean;
  /** Why it is in its state (CloudWatch's reason), for the alert's detail. */
  readonly reason: string;
}

export interface AlarmPlan {
  readonly put: readonly {
    readonly name: string;
    readonly description: string;
    readonly spec: ModelAlarmSpec;
  }[];
  readonly delete: readonly string[];
}

/** `<prefix><rule>-<model>`: the rule first, since rules have no `-` and model names may. */
export function alarmName(prefix: string, spec: Pick<ModelAlarmSpec, 'rule' | 'model'>): string {
  return `${prefix}${spec.rule}-${spec.model}`;
}

/** The model and rule an alarm name of this prefix stands for; undefined for any other name. */
export function parseAlarmName(
  prefix: string,
  name: string,
): { rule: AlarmedRule; model: string } | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  const dash = rest.indexOf('-');
  const rule = rest.slice(0, dash);
  const model = rest.slice(dash + 1);
  if (dash < 1 || model === '' || !(ALARMED_RULES as readonly string[]).includes(rule)) return undefined;
  return { rule: rule as AlarmedRule, model };
}

/** What the alarm says (in the console and in every notification), and its fingerprint. */
export function alarmDescription(spec: ModelAlarmSpec): string {
  const what =
    spec.rule === 'errorRate'
      ? `${spec.thresholdPercent} % or more of its prediction requests answered 5xx over ${spec.windowMinutes} min (at least ${spec.minRequests} requests)`
      : `prediction p99 latency at or above ${spec.p99Ms} ms over ${spec.windowMinutes} min`;
  return `Model ${spec.model}: ${what}. Alert rule ${spec.rule}, set by the owner with PATCH /v1/models/${spec.model} (alerts).`;
}

/** The alarms a model's rules want: one per enabled alarmed rule. */
export function alarmSpecsOf(model: string, settings: AlertSettings): ModelAlarmSpec[] {
  const specs: ModelAlarmSpec[] = [];
  const { errorRate, latency } = settings;
  if (errorRate.enabled)
    specs.push({
      rule: 'errorRate',
      model,
      thresholdPercent: errorRate.thresholdPercent,
      windowMinutes: errorRate.windowMinutes,
      minRequests: errorRate.minRequests,
    });
  if (latency.enabled)
    specs.push({ rule: 'latency', model, p99Ms: latency.p99Ms, windowMinutes: latency.windowMinutes });
  return specs;
}

/** What to put and delete so the alarms under `prefix` are exactly `wanted`. */
export function planAlarms(
  prefix: string,
  wanted: readonly ModelAlarmSpec[],
  existing: readonly Pick<ExistingAlarm, 'name' | 'description'>[],
): AlarmPlan {
  const current = new Map(
    existing.filter((a) => a.name.startsWith(prefix)).map((a) => [a.name, a.description]),
  );
  const put: { name: string; description: string; spec: ModelAlarmSpec }[] = [];
  const keep = new Set<string>();
  for (const spec of wanted) {
    const name = alarmName(prefix, spec);
    const description = alarmDescription(spec);
    keep.add(name);
    if (current.get(name) !== description) put.push({ name, description, spec });
  }
  return { put, delete: [...current.keys()].filter((name) => !keep.has(name)) };
}

/** Where alarms evaluate the alarmed rules (CloudWatch on AWS); absent locally. */
export interface ModelAlarms {
  /**
   * Makes the alarms match `wanted` (every model's) and answers the state of each alarm that
   * existed before, by `<model>/<rule>` (a new alarm has no data yet: not firing).
   */
  reconcile(wanted: readonly ModelAlarmSpec[]): Promise<ReadonlyMap<string, ExistingAlarm>>;
}

export const alarmKey = (model: string, rule: AlertRule): string => `${model}/${rule}`;
