/**
 * What operators watch: the alarm topic, the alarms and the dashboards over the API stack's functions
 * and HTTP API and the workflows stack's state machines and tasks. A stack of its own because alarms
 * grow with every route (one error alarm a function) and each stack must stay under CloudFormation's
 * 500 resources; it reads the other stacks' names through cross-stack references, so it deploys last.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PlatformMonitoring } from '../constructs/monitoring.ts';
import { PlatformObservability, type PowertoolsLogLevel } from '../constructs/observability.ts';
import type { ApiStack } from './api-stack.ts';
import type { WorkflowsStack } from './workflows-stack.ts';

export interface ObservabilityStackProps extends StackProps {
  /** The route functions and HTTP API watched. */
  readonly api: ApiStack;
  /** The workflows and scheduled functions watched. */
  readonly workflows: WorkflowsStack;
  /** Names the predictions dashboard. */
  readonly stage: string;
  /** @default 'INFO' */
  readonly logLevel?: PowertoolsLogLevel;
  /** Subscribed to the alarm topic (context `alarmEmail`). */
  readonly alarmEmail?: string;
}

export class ObservabilityStack extends Stack {
  readonly observability: PlatformObservability;
  readonly monitoring: PlatformMonitoring;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    this.observability = new PlatformObservability(this, 'Observability', {
      httpApi: props.api.api.httpApi,
      accessLogs: props.api.api.accessLogs,
      // The scheduled functions' every error is a platform fault too: an error alarm each.
      functions: [...props.api.api.functions, ...props.workflows.maintenance.functions],
      workflows: Object.values(props.workflows.pipeline.workflows),
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
      ...(props.logLevel ? { logLevel: props.logLevel } : {}),
    });
    this.monitoring = new PlatformMonitoring(this, 'Monitoring', { stage: props.stage });
  }
}
