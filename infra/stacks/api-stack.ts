/**
 * Stateless resources: the functions, the HTTP API and what watches them. Safe to destroy and
 * redeploy; the data lives in the stateful stack, whose constructs arrive as props.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PlatformApi, type PlatformApiProps } from '../constructs/api.ts';
import { PlatformObservability, type PowertoolsLogLevel } from '../constructs/observability.ts';

export interface ApiStackProps extends StackProps, PlatformApiProps {
  /** @default 'INFO' */
  readonly logLevel?: PowertoolsLogLevel;
}

export class ApiStack extends Stack {
  readonly api: PlatformApi;
  readonly observability: PlatformObservability;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    this.api = new PlatformApi(this, 'Api', props);
    this.observability = new PlatformObservability(this, 'Observability', {
      httpApi: this.api.httpApi,
      functions: this.api.functions,
      ...(props.logLevel ? { logLevel: props.logLevel } : {}),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.httpApi.apiEndpoint });
  }
}
