/**
 * Stateless resources of the synchronous side: the route functions, the authorizer and the HTTP API.
 * Safe to destroy and redeploy; the data lives in the stateful stack, whose constructs arrive as props.
 * The workflows are the workflows stack's, what watches them all the observability stack's.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PlatformApi, type PlatformApiProps } from '../constructs/api.ts';
import { allWorkflowArns } from '../constructs/pipeline.ts';

export type ApiStackProps = StackProps & Omit<PlatformApiProps, 'workflows'>;

export class ApiStack extends Stack {
  readonly api: PlatformApi;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);

    // State machine ARNs come from their fixed names: the API's functions get them without a reference.
    this.api = new PlatformApi(this, 'Api', { ...props, workflows: allWorkflowArns(this, props.stage) });

    new CfnOutput(this, 'ApiUrl', { value: this.api.httpApi.apiEndpoint });
  }
}
