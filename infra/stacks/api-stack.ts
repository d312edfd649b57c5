/**
 * Stateless resources of the synchronous side: the route functions, the authorizer and the HTTP API,
 * and the web console in front of it (a nested stack: console-stack.ts says why). Safe to destroy and
 * redeploy; the data lives in the stateful stack, whose constructs arrive as props. The workflows are
 * the workflows stack's, what watches them all the observability stack's.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { AssetProps } from 'aws-cdk-lib/aws-s3-assets';
import type { Construct } from 'constructs';
import { CONSOLE_BASE_PATH } from '#definitions/console.ts';
import { PlatformApi, type PlatformApiProps } from '../constructs/api.ts';
import { allWorkflowArns } from '../constructs/pipeline.ts';
import { ConsoleStack } from './console-stack.ts';

export type ApiStackProps = StackProps &
  Omit<PlatformApiProps, 'workflows'> & {
    /** The console's built files. @default built from `console/` at synth (console-stack.ts) */
    readonly consoleSite?: AssetProps;
  };

export class ApiStack extends Stack {
  readonly api: PlatformApi;
  readonly console: ConsoleStack;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);

    // State machine ARNs come from their fixed names: the API's functions get them without a reference.
    this.api = new PlatformApi(this, 'Api', { ...props, workflows: allWorkflowArns(this, props.stage) });

    new CfnOutput(this, 'ApiUrl', { value: this.api.httpApi.apiEndpoint });

    this.console = new ConsoleStack(this, 'Console', {
      description: `ML platform (${props.stage}): the web console (S3 + CloudFront, /v1/* to the API)`,
      httpApi: this.api.httpApi,
      userPool: props.auth.userPool,
      signInBaseUrl: props.auth.domainUrl,
      ...(props.consoleSite ? { site: props.consoleSite } : {}),
    });
    const consoleClient = this.console.hosting.userPoolClient;
    // The authorizer accepts the console's tokens (USER_POOL_CLIENT_IDS reads the list lazily), and
    // GET /v1/auth/config names its client.
    props.auth.apiClients.push(consoleClient);
    for (const fn of this.api.functions)
      fn.addEnvironment('CONSOLE_CLIENT_ID', consoleClient.userPoolClientId);

    new CfnOutput(this, 'ConsoleUrl', {
      description: 'The web console (sign in with a user of the pool)',
      value: `${this.console.hosting.url}${CONSOLE_BASE_PATH}`,
    });
  }
}
