/**
 * The schedule table: functions the platform runs on a timer rather than on a request. CDK builds
 * one function and one EventBridge schedule per entry (with the grants it lists); the local platform
 * runs the same handler at start and then every `everyMinutes`. Like the route table, it imports no
 * handler code.
 */
import type { StorageGrants } from '#http/routes.ts';

export interface ScheduledTask {
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly everyMinutes: number;
  readonly timeoutSeconds?: number;
  /** @default 512 */
  readonly memoryMb?: number;
  readonly grants: StorageGrants;
}

export const schedules = {
  sweepOrphanArtifacts: {
    entry: 'functions/maintenance/sweep-orphan-artifacts.ts',
    description: 'Removes model files no version record refers to (left by registrations that crashed).',
    everyMinutes: 60,
    timeoutSeconds: 300,
    grants: {
      tables: { modelVersions: 'read' },
      buckets: { models: { delete: ['models/'] } },
    },
  },
  recordDriftReports: {
    entry: 'functions/maintenance/record-drift-reports.ts',
    description:
      'Records a drift report (last 24 h of captured inputs against the training baseline) for every served version of every model with capture on.',
    everyMinutes: 60,
    timeoutSeconds: 300,
    // A report reads up to 100k captured rows (bench/drift.ts: 100k × 30 features in under 3 CPU s).
    memoryMb: 2048,
    grants: {
      tables: { models: 'read', modelVersions: 'read', usage: 'readWrite' },
      buckets: { models: { read: ['captures/'] } },
    },
  },
  evaluateAlerts: {
    entry: 'functions/maintenance/evaluate-alerts.ts',
    description:
      "Evaluates every model's alert rules (drift, error rate, p99, no traffic) and opens or resolves its alerts in the usage table.",
    everyMinutes: 5,
    timeoutSeconds: 300,
    grants: { tables: { models: 'read', usage: 'readWrite' } },
  },
} as const satisfies Record<string, ScheduledTask>;

export const scheduleList: readonly (ScheduledTask & { readonly id: string })[] = Object.entries(
  schedules,
).map(([id, task]) => ({ id, ...task }));
