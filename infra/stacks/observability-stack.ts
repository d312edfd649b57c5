/**
 * What operators watch: the alarm topic, the alarms and the dashboard over the API stack's functions,
 * HTTP API and workflows. A stack of its own because alarms grow with every route (one error alarm a
 * function) and the API stack must stay under CloudFormation's 500 resources a stack; it reads the API
 * stack's names through cross-stack references, so it deploys after it.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PlatformMonitoring } from '../constructs/monitoring.ts';
import { PlatformObservability, type PowertoolsLogLevel } from '../constructs/observability.ts';
import type { ApiStack } from './api-stack.ts';

export interface ObservabilityStackProps extends StackProps {
  /** The functions, HTTP API and workflows watched. */
  readonly api: ApiStack;
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
      functions: [...props.api.api.functions, ...props.api.maintenance.functions],
      workflows: Object.values(props.api.pipeline.workflows),
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
      ...(props.logLevel ? { logLevel: props.logLevel } : {}),
    });
    this.monitoring = new PlatformMonitoring(this, 'Monitoring', { stage: props.stage });
  }
}
