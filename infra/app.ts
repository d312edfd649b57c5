/**
 * The CDK app: the stateful stack (tables, buckets, user pool), the API stack (route functions,
 * authorizer, HTTP API), the workflows stack (state machines, their tasks, scheduled maintenance) and
 * the observability stack (alarm topic, alarms, dashboards), checked by cdk-nag's AWS Solutions rules.
 * `buildPlatformApp` builds it without synthesizing, for the infra tests; run as the main module (the
 * `cdk` CLI) it synthesizes.
 *
 * Context: `stage` (default `dev`), `corsOrigins` (a list, or a comma-separated string on the
 * command line: `cdk synth -c corsOrigins=https://a.example,https://b.example`), `alarmEmail` (an
 * address subscribed to the alarm topic: `cdk deploy -c alarmEmail=ops@example.com`), `alertEmail` (an
 * address subscribed to the model alerts topic: `cdk deploy -c alertEmail=ml-team@example.com`).
 *
 * The stacks are environment-agnostic (no account or region): nothing here looks anything up, so
 * synth works without credentials, and `cdk deploy` deploys to the profile's account and region.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type AppProps, Aws, Validations } from 'aws-cdk-lib';
import { DEFAULT_CROSS_STACK_REFERENCES, S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { repositoryRoot } from './constructs/platform-function.ts';
import { ApiStack } from './stacks/api-stack.ts';
import { ObservabilityStack } from './stacks/observability-stack.ts';
import { StatefulStack } from './stacks/stateful-stack.ts';
import { WorkflowsStack } from './stacks/workflows-stack.ts';

export interface PlatformApp {
  readonly app: App;
  readonly stage: string;
  readonly stateful: StatefulStack;
  readonly api: ApiStack;
  readonly workflows: WorkflowsStack;
  readonly observability: ObservabilityStack;
}

/**
 * Feature flags the constructs rely on, as defaults under cdk.json and the command line, so tests and
 * `cdk synth` build the same thing.
 * - Server access logs: a bucket policy for the logging service instead of the legacy
 *   LogDeliveryWrite ACL, which would need ACLs enabled on the log bucket.
 * - Strong (ImportValue) cross-stack references, stated rather than defaulted: CloudFormation refuses
 *   to remove a table, bucket or user pool the API stack still uses; removing one takes two
 *   deployments (stop using it, then delete it), which is the point for stateful resources.
 */
export const requiredFeatureFlags: Readonly<Record<string, unknown>> = {
  [S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY]: true,
  [DEFAULT_CROSS_STACK_REFERENCES]: 'strong',
};

function readServiceVersion(): string {
  const manifest = JSON.parse(readFileSync(`${repositoryRoot}package.json`, 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string') throw new Error('package.json has no version');
  return manifest.version;
}

function readStage(app: App): string {
  const stage: unknown = app.node.tryGetContext('stage') ?? 'dev';
  if (typeof stage !== 'string' || !/^[a-z0-9-]+$/.test(stage)) {
    throw new Error(`Context "stage" must match [a-z0-9-]+, got ${JSON.stringify(stage)}`);
  }
  return stage;
}

function readCorsOrigins(app: App): string[] {
  const raw: unknown = app.node.tryGetContext('corsOrigins');
  if (raw === undefined || raw === null || raw === '') return [];
  const list = Array.isArray(raw) ? raw : String(raw).split(',');
  const origins = list.map((origin) => String(origin).trim()).filter((origin) => origin.length > 0);
  for (const origin of origins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new Error(`Context "corsOrigins": ${origin} is not an origin (scheme://host[:port])`);
    }
  }
  return origins;
}

/** The Cognito domain prefix: context `authDomainPrefix`, default `mlp-<stage>-<account id>`. */
function readAuthDomainPrefix(app: App, stage: string): string {
  const raw: unknown = app.node.tryGetContext('authDomainPrefix');
  if (raw === undefined || raw === null || raw === '') return `mlp-${stage}-${Aws.ACCOUNT_ID}`;
  const prefix = String(raw);
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(prefix) || /aws|amazon|cognito/.test(prefix)) {
    throw new Error(
      `Context "authDomainPrefix": ${JSON.stringify(raw)} must be 1-63 lowercase letters, digits or hyphens, without "aws", "amazon" or "cognito"`,
    );
  }
  return prefix;
}

function readEmail(app: App, key: 'alarmEmail' | 'alertEmail'): string | undefined {
  const raw: unknown = app.node.tryGetContext(key);
  if (raw === undefined || raw === null || raw === '') return undefined;
  const email = String(raw).trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw new Error(`Context "${key}": ${JSON.stringify(raw)} is not an email address`);
  }
  return email;
}

/**
 * @example
 * const { app, api } = buildPlatformApp({ context: { stage: 'test', 'aws:cdk:bundling-stacks': [] } });
 * const template = Template.fromStack(api);
 */
export function buildPlatformApp(props: AppProps = {}): PlatformApp {
  const app = new App({ ...props, context: { ...requiredFeatureFlags, ...props.context } });
  const stage = readStage(app);
  const prefix = `MlPlatform-${stage}`;
  const alarmEmail = readEmail(app, 'alarmEmail');
  const alertEmail = readEmail(app, 'alertEmail');

  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    description: `ML platform (${stage}): tables, buckets and user pool`,
    auth: { domainPrefix: readAuthDomainPrefix(app, stage) },
  });
  const api = new ApiStack(app, `${prefix}-Api`, {
    description: `ML platform (${stage}): route functions, authorizer and HTTP API`,
    storage: stateful.storage,
    auth: stateful.auth,
    stage,
    serviceVersion: readServiceVersion(),
    corsAllowedOrigins: readCorsOrigins(app),
  });
  const workflows = new WorkflowsStack(app, `${prefix}-Workflows`, {
    description: `ML platform (${stage}): workflows (training, batch predictions) and maintenance`,
    stage,
    storage: stateful.storage,
    api: api.api,
    ...(alertEmail ? { alertEmail } : {}),
  });
  const observability = new ObservabilityStack(app, `${prefix}-Observability`, {
    description: `ML platform (${stage}): alarm topic, alarms and dashboards`,
    api,
    workflows,
    stage,
    ...(alarmEmail ? { alarmEmail } : {}),
  });

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stage, stateful, api, workflows, observability };
}

const isMainModule =
  process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMainModule) {
  buildPlatformApp().app.synth();
}
