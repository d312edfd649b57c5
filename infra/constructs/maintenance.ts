/**
 * The schedule table's functions (functions/maintenance/schedules.ts): one function per entry with
 * the grants it lists, invoked by an EventBridge rule every `everyMinutes`.
 */
import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { scheduleList } from '../../functions/maintenance/schedules.ts';
import { PlatformFunction } from './platform-function.ts';
import type { PlatformStorage } from './storage.ts';

export interface PlatformMaintenanceProps {
  readonly storage: PlatformStorage;
  readonly environment: Readonly<Record<string, string>>;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

export class PlatformMaintenance extends Construct {
  /** By schedule id. */
  readonly scheduledFunctions: Readonly<Record<string, PlatformFunction>>;
  readonly functions: readonly PlatformFunction[];

  constructor(scope: Construct, id: string, props: PlatformMaintenanceProps) {
    super(scope, id);
    const built: Record<string, PlatformFunction> = {};
    for (const task of scheduleList) {
      const name = `${task.id.charAt(0).toUpperCase()}${task.id.slice(1)}`;
      const fn = new PlatformFunction(this, `${name}Function`, {
        entry: task.entry,
        description: task.description,
        ...(task.timeoutSeconds ? { timeout: Duration.seconds(task.timeoutSeconds) } : {}),
        ...(task.memoryMb ? { memorySize: task.memoryMb } : {}),
        environment: props.environment,
        ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      }).bindStorage(props.storage, task.grants);
      new Rule(this, `${name}Schedule`, {
        description: `Runs ${task.entry} every ${task.everyMinutes} minutes`,
        schedule: Schedule.rate(Duration.minutes(task.everyMinutes)),
        // One attempt per tick: the next tick does the same work again.
        targets: [new LambdaFunction(fn, { retryAttempts: 0 })],
      });
      built[task.id] = fn;
    }
    this.scheduledFunctions = built;
    this.functions = Object.values(built);
  }
}
