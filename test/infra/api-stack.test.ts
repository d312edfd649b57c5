import { readFileSync } from 'node:fs';
import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { environmentSchema } from '#config';
import { routeList } from '#http/routes.ts';
import { MODEL_INTEGRITY_METRIC } from '../../functions/core/registry/artifact-integrity.ts';
import { scheduleList } from '../../functions/maintenance/schedules.ts';
import { workflowList } from '../../functions/steps/workflows.ts';
import { buildPlatformApp, type PlatformApp } from '../../infra/app.ts';
import type { PlatformFunction } from '../../infra/constructs/platform-function.ts';
import { expectedObjectGrants, objectGrantsIn } from './object-grants.ts';

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/**
 * The routes answered without the authorizer, written out on purpose: a new public route is a security
 * decision, and this list makes it show up in review. The /v2 ones are the Open Inference Protocol's
 * server liveness, readiness and metadata, which carry no model or user data.
 */
const publicRouteKeys = [
  'GET /v1/health',
  // Where to sign in (endpoints and public client ids, no secret): needed before there is a credential.
  'GET /v1/auth/config',
  'GET /v1/openapi.json',
  'GET /docs',
  'GET /docs/assets/{file}',
  'GET /v2',
  'GET /v2/health/live',
  'GET /v2/health/ready',
];
/** The workflows' task and execution-end functions (infra/constructs/pipeline.ts) and the scheduled ones, in this stack too. */
const taskCount =
  workflowList.reduce(
    (count, workflow) => count + Object.keys(workflow.tasks).length + (workflow.onExecutionEnd ? 1 : 0),
    0,
  ) + scheduleList.length;
const packageVersion = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The app as `cdk synth` builds it (cdk.json context), with bundling skipped. */
function synthesize(context: Record<string, unknown> = {}): PlatformApp & { template: Template } {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  const platform = buildPlatformApp({
    context: { ...cdkJson.context, stage: 'test', 'aws:cdk:bundling-stacks': [], ...context },
  });
  platform.app.synth();
  return { ...platform, template: Template.fromStack(platform.api) };
}

let platform: PlatformApp;
let template: Template;

const logicalId = (construct: IConstruct) =>
  Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);

const templates = new Map<Stack, Template>();
/** The template of the stack a construct is in: route functions are the API stack's, tasks the workflows stack's. */
function templateOf(construct: IConstruct): Template {
  const stack = Stack.of(construct);
  let found = templates.get(stack);
  if (found === undefined) {
    found = Template.fromStack(stack);
    templates.set(stack, found);
  }
  return found;
}

/** The statements of a function's execution role (its default policy). */
function statementsOf(fn: PlatformFunction): Statement[] {
  const policy = fn.executionRole.node.findChild('DefaultPolicy');
  const resource = templateOf(policy).toJSON().Resources[logicalId(policy)];
  return resource.Properties.PolicyDocument.Statement as Statement[];
}

const actionsOf = (statement: Statement) =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

/** Statements whose resources point at a resource of the stateful stack (through its export). */
function statementsOn(fn: PlatformFunction, construct: IConstruct): Statement[] {
  const id = logicalId(construct);
  return statementsOf(fn).filter((s) => JSON.stringify(s.Resource).includes(id));
}

/**
 * The API stack and the workflows stack as one template: the stacks that hold the platform's
 * functions, for the checks every function must pass wherever it is deployed.
 */
let functionStacks: Template;

beforeAll(() => {
  ({ template, ...platform } = synthesize());
  const workflows = Template.fromStack(platform.workflows).toJSON();
  const api = template.toJSON();
  functionStacks = Template.fromJSON({
    Resources: { ...api.Resources, ...workflows.Resources },
    Outputs: { ...api.Outputs, ...workflows.Outputs },
  });
}, 120_000);

describe('PlatformApi routes', () => {
  it('creates one route per route table entry', () => {
    // Act
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));

    // Assess
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(
      routeList.map((r) => `${r.method} ${r.path}`).sort(),
    );
  });

  it('leaves only health, the sign-in discovery, openapi.json, docs (and its console assets) and the /v2 server probes public', () => {
    // Act
    const open = template.findResources('AWS::ApiGatewayV2::Route', {
      Properties: { AuthorizationType: 'NONE' },
    });

    // Assess
    expect(
      Object.values(open)
        .map((r) => r.Properties.RouteKey)
        .sort(),
    ).toEqual([...publicRouteKeys].sort());
    for (const route of Object.values(open)) expect(route.Properties.AuthorizerId).toBeUndefined();
  });

  it('puts the Lambda authorizer on every other route', () => {
    // Prepare
    const authorizerId = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'))[0];
    const protectedKeys = routeList
      .map((r) => `${r.method} ${r.path}`)
      .filter((key) => !publicRouteKeys.includes(key));

    // Act
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).filter(
      (r) => !publicRouteKeys.includes(r.Properties.RouteKey),
    );

    // Assess
    expect(routes).toHaveLength(protectedKeys.length);
    for (const route of routes) {
      expect(route.Properties).toMatchObject({
        AuthorizationType: 'CUSTOM',
        AuthorizerId: { Ref: authorizerId },
      });
    }
  });
});

describe('PlatformApi authorizer', () => {
  it('is one uncached REQUEST authorizer with simple responses and the Authorization header as identity source', () => {
    // Act
    const authorizers = Object.values(template.findResources('AWS::ApiGatewayV2::Authorizer'));

    // Assess
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]?.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 0,
      // API Gateway refuses a request without it (401) before invoking any function.
      IdentitySource: ['$request.header.authorization'],
    });
  });

  it('may read the API keys table, and count failures and read revocations in the usage table', () => {
    // Prepare
    const fn = platform.api.api.authorizerFunction;

    // Act
    const onApiKeys = statementsOn(fn, platform.stateful.storage.tables.apiKeys.table);
    const onUsage = statementsOn(fn, platform.stateful.storage.tables.usage.table);
    const onOthers = Object.entries(platform.stateful.storage.tables)
      .filter(([name]) => name !== 'apiKeys' && name !== 'usage')
      .flatMap(([, t]) => statementsOn(fn, t.table));

    // Assess
    expect(onApiKeys.flatMap(actionsOf)).toContain('dynamodb:GetItem');
    expect(onApiKeys.flatMap(actionsOf)).not.toContain('dynamodb:PutItem');
    expect(onUsage.flatMap(actionsOf)).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem']),
    );
    expect(onOthers).toEqual([]);
  });
});

describe('PlatformFunction', () => {
  it('runs every function on nodejs22.x, x86_64, traced, logging to its own log group', () => {
    // Act
    const functions = Object.values(functionStacks.findResources('AWS::Lambda::Function'));

    // Assess
    expect(functions).toHaveLength(routeList.length + 1 + taskCount);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['x86_64'],
        TracingConfig: { Mode: 'Active' },
        Handler: 'index.handler',
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
      });
    }
  });

  it('gives every function the whole environment functions/config.ts requires', () => {
    // Prepare: every variable without a default, except AWS_REGION, which Lambda sets itself.
    const required = Object.entries(environmentSchema.shape)
      .filter(([, schema]) => !schema.safeParse(undefined).success)
      .map(([name]) => name)
      .filter((name) => name !== 'AWS_REGION');

    // Act
    const functions = Object.values(functionStacks.findResources('AWS::Lambda::Function'));

    // Assess
    expect(required.length).toBeGreaterThan(0);
    for (const fn of functions) {
      const variables = fn.Properties.Environment.Variables as Record<string, unknown>;
      expect(Object.keys(variables)).toEqual(expect.arrayContaining(required));
      expect(variables).toMatchObject({
        SERVICE_VERSION: packageVersion,
        STAGE: 'test',
        RATE_LIMIT_PER_MINUTE: expect.stringMatching(/^\d+$/),
        POWERTOOLS_SERVICE_NAME: 'ml-platform',
        POWERTOOLS_METRICS_NAMESPACE: 'MlPlatform',
        POWERTOOLS_LOG_LEVEL: expect.any(String),
      });
    }
  });

  it('gives the cursor signing key to the routes, workflow tasks and scheduled functions, not the authorizer, as a reference to a generated secret', () => {
    // Prepare
    const api = platform.api.api;
    const secretId = logicalId(api.cursorSigningKey);
    const variablesOf = (fn: PlatformFunction) =>
      templateOf(fn).toJSON().Resources[logicalId(fn)].Properties.Environment.Variables as Record<
        string,
        unknown
      >;

    // Act
    const secret = template.toJSON().Resources[secretId];

    // Assess: generated by Secrets Manager at deployment, nothing of it in the template.
    expect(secret.Type).toBe('AWS::SecretsManager::Secret');
    expect(secret.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64 });
    expect(secret.Properties.SecretString).toBeUndefined();
    for (const fn of [
      ...Object.values(api.routeFunctions),
      ...platform.workflows.pipeline.functions,
      ...platform.workflows.maintenance.functions,
    ]) {
      const key = JSON.stringify(variablesOf(fn).CURSOR_SIGNING_KEY);
      expect(key).toContain('{{resolve:secretsmanager:');
      expect(key).toContain(secretId);
    }
    expect(variablesOf(api.authorizerFunction).CURSOR_SIGNING_KEY).toBeUndefined();
  });

  it('applies the function settings of the route table, with the onnxruntime layer where asked', () => {
    // Prepare
    const tuned = routeList.filter((route) => route.function !== undefined);
    const layers = Object.keys(template.findResources('AWS::Lambda::LayerVersion'));

    // Act
    const properties = tuned.map((route) => {
      const fn = platform.api.api.routeFunctions[route.operationId] as PlatformFunction;
      return { route, fn: template.toJSON().Resources[logicalId(fn)].Properties };
    });

    // Assess
    expect(layers).toHaveLength(tuned.some((route) => route.function?.onnxRuntime) ? 1 : 0);
    for (const { route, fn } of properties) {
      if (route.function?.memoryMb) expect(fn.MemorySize).toBe(route.function.memoryMb);
      if (route.function?.timeoutSeconds) expect(fn.Timeout).toBe(route.function.timeoutSeconds);
      expect(fn.Layers).toEqual(route.function?.onnxRuntime ? [{ Ref: layers[0] }] : undefined);
    }
    template.allResourcesProperties('AWS::Lambda::LayerVersion', {
      CompatibleRuntimes: ['nodejs22.x'],
      CompatibleArchitectures: ['x86_64'],
    });
  });

  it('writes only to its own log group and uses "*" only for X-Ray', () => {
    // Act
    // The state machines' roles (log delivery and X-Ray need "*" there too) are checked in pipeline.test.ts.
    const rolesAssumedBy = (service: string) =>
      Object.keys(
        functionStacks.findResources('AWS::IAM::Role', {
          Properties: {
            AssumeRolePolicyDocument: {
              Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: service } })]),
            },
          },
        }),
      );
    // The state machines' and SageMaker jobs' roles (log delivery, X-Ray and ECR login need "*"
    // there) are checked in pipeline.test.ts.
    const stateMachineRoles = rolesAssumedBy('states.amazonaws.com');
    const sageMakerRoles = rolesAssumedBy('sagemaker.amazonaws.com');
    const policies = Object.values(functionStacks.findResources('AWS::IAM::Policy')).filter(
      (p) => ![...stateMachineRoles, ...sageMakerRoles].includes(p.Properties.Roles[0].Ref),
    );
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);

    // Assess
    expect(stateMachineRoles).toHaveLength(workflowList.length);
    expect(sageMakerRoles).toHaveLength(workflowList.filter((w) => w.serviceTasks !== undefined).length);
    expect(Object.keys(functionStacks.findResources('AWS::IAM::Role'))).toHaveLength(
      routeList.length + 1 + taskCount + workflowList.length + sageMakerRoles.length,
    );
    functionStacks.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    for (const statement of statements) {
      if (statement.Resource === '*') {
        expect(actionsOf(statement).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      }
      for (const action of actionsOf(statement)) expect(action).not.toMatch(/\*/);
    }
  });
});

describe('PlatformApi grants', () => {
  it.each(routeList.map((route) => [route.operationId, route] as const))(
    'grants %s what its route lists, and the usage table when not public',
    (operationId, route) => {
      // Prepare
      const fn = platform.api.api.routeFunctions[operationId] as PlatformFunction;
      const { tables, buckets } = platform.stateful.storage;
      const expectedTables: Record<string, string | undefined> = { ...route.grants.tables };
      if (route.access !== 'public') expectedTables.usage = 'readWrite';

      // Act
      const tableActions = Object.fromEntries(
        Object.entries(tables).map(([name, t]) => [name, statementsOn(fn, t.table).flatMap(actionsOf)]),
      );
      const bucketStatements = Object.fromEntries(
        Object.entries(buckets).map(([name, b]) => [name, statementsOn(fn, b.bucket)]),
      );
      const cognitoActions = statementsOn(fn, platform.stateful.auth.userPool).flatMap(actionsOf);

      // Assess
      for (const [name, actions] of Object.entries(tableActions)) {
        const grant = expectedTables[name];
        expect(actions.includes('dynamodb:GetItem'), `${name} read`).toBe(grant !== undefined);
        expect(actions.includes('dynamodb:PutItem'), `${name} write`).toBe(grant === 'readWrite');
      }
      for (const [name, statements] of Object.entries(bucketStatements)) {
        const grant = route.grants.buckets?.[name as keyof typeof buckets];
        expect(statements.flatMap(actionsOf).includes('s3:ListBucket'), `${name} list`).toBe(
          grant !== undefined,
        );
        expect(objectGrantsIn(statements), `${name} objects`).toEqual(expectedObjectGrants(grant));
      }
      const pool = route.grants.userPool;
      expect(cognitoActions.includes('cognito-idp:AdminGetUser')).toBe(pool === 'read' || pool === 'admin');
      expect(cognitoActions.includes('cognito-idp:AdminUserGlobalSignOut')).toBe(
        pool === 'admin' || pool === 'signOut',
      );
      expect(cognitoActions.includes('cognito-idp:AdminCreateUser')).toBe(route.grants.userPool === 'admin');
    },
  );
});

describe('S3 grants by key prefix', () => {
  const objectGrantsOf = (operationId: string, bucket: 'models' | 'datasets') =>
    objectGrantsIn(
      statementsOn(
        platform.api.api.routeFunctions[operationId] as PlatformFunction,
        platform.stateful.storage.buckets[bucket].bucket,
      ),
    );

  it('gives the roles that presign uploads or delete a model no write on models/', () => {
    expect(objectGrantsOf('startModelUpload', 'models')).toEqual({
      's3:PutObject': ['uploads/'],
      's3:AbortMultipartUpload': ['uploads/'],
      's3:ListMultipartUploadParts': ['uploads/'],
    });
    expect(objectGrantsOf('deleteModel', 'models')).toEqual({ 's3:DeleteObject': ['models/'] });
    expect(objectGrantsOf('getHealth', 'models')).toEqual({});
  });

  it('lets only the dataset commit write datasets/, of every function in the stack', () => {
    const datasets = platform.stateful.storage.buckets.datasets.bucket;
    const writers = [...platform.api.api.functions, ...platform.workflows.pipeline.functions]
      .filter((fn) => objectGrantsIn(statementsOn(fn, datasets))['s3:PutObject']?.includes('datasets/'))
      .map((fn) => fn.node.id);
    expect(writers).toEqual([
      (platform.api.api.routeFunctions.commitDatasetVersion as PlatformFunction).node.id,
    ]);
    expect(objectGrantsOf('createDatasetVersion', 'datasets')['s3:PutObject']).toEqual(['uploads/']);
  });

  it('grants no S3 object action on a whole bucket', () => {
    for (const fn of [...platform.api.api.functions, ...platform.workflows.pipeline.functions]) {
      for (const prefixes of Object.values(
        objectGrantsIn(
          Object.values(platform.stateful.storage.buckets).flatMap((b) => statementsOn(fn, b.bucket)),
        ),
      )) {
        expect(prefixes, fn.node.id).not.toContain('*');
      }
    }
  });
});

describe('PlatformMaintenance', () => {
  it('runs the orphan sweep hourly from EventBridge, allowed to delete under models/ and to read versions', () => {
    // Prepare
    const fn = platform.workflows.maintenance.scheduledFunctions.sweepOrphanArtifacts as PlatformFunction;
    const { tables, buckets } = platform.stateful.storage;

    // Act
    const rules = Object.values(
      templateOf(fn).findResources('AWS::Events::Rule', {
        Properties: { ScheduleExpression: 'rate(1 hour)' },
      }),
    );

    // Assess
    expect(rules.filter((r) => JSON.stringify(r.Properties.Targets).includes(logicalId(fn)))).toHaveLength(1);
    templateOf(fn).hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [logicalId(fn), 'Arn'] },
    });
    expect(objectGrantsIn(statementsOn(fn, buckets.models.bucket))).toEqual({
      's3:DeleteObject': ['models/'],
    });
    const onVersions = statementsOn(fn, tables.modelVersions.table).flatMap(actionsOf);
    expect(onVersions).toContain('dynamodb:Query');
    expect(onVersions).not.toContain('dynamodb:PutItem');
  });

  it('lets the prediction functions write to the models bucket under captures/ only, and read only models/', () => {
    // Prepare
    const { buckets } = platform.stateful.storage;
    const predictions = ['predict', 'v2ModelInfer', 'v2ModelVersionInfer'];

    // Act
    const captureWriters = routeList
      .map((route) => route.operationId)
      .filter((operationId) => {
        const fn = platform.api.api.routeFunctions[operationId] as PlatformFunction;
        const grants = objectGrantsIn(statementsOn(fn, buckets.models.bucket));
        return (grants['s3:PutObject'] ?? []).includes('captures/');
      });

    // Assess
    expect(captureWriters.sort()).toEqual([...predictions].sort());
    for (const operationId of predictions) {
      const fn = platform.api.api.routeFunctions[operationId] as PlatformFunction;
      expect(objectGrantsIn(statementsOn(fn, buckets.models.bucket)), operationId).toEqual({
        's3:GetObject': ['models/'],
        's3:GetObjectVersion': ['models/'],
        's3:PutObject': ['captures/'],
        's3:AbortMultipartUpload': ['captures/'],
        's3:ListMultipartUploadParts': ['captures/'],
      });
      expect(statementsOn(fn, buckets.datasets.bucket), operationId).toEqual([]);
    }
  });

  it('records drift reports hourly from EventBridge, reading captures/ only and writing only the usage table', () => {
    // Prepare
    const fn = platform.workflows.maintenance.scheduledFunctions.recordDriftReports as PlatformFunction;
    const { tables, buckets } = platform.stateful.storage;

    // Act
    const rules = Object.values(
      templateOf(fn).findResources('AWS::Events::Rule', {
        Properties: { ScheduleExpression: 'rate(1 hour)' },
      }),
    ).filter((r) => JSON.stringify(r.Properties.Targets).includes(logicalId(fn)));

    // Assess
    expect(rules).toHaveLength(1);
    expect(objectGrantsIn(statementsOn(fn, buckets.models.bucket))).toEqual({
      's3:GetObject': ['captures/'],
      's3:GetObjectVersion': ['captures/'],
    });
    for (const table of [tables.models.table, tables.modelVersions.table]) {
      expect(statementsOn(fn, table).flatMap(actionsOf)).not.toContain('dynamodb:PutItem');
    }
    expect(statementsOn(fn, tables.usage.table).flatMap(actionsOf)).toContain('dynamodb:PutItem');
  });

  it('evaluates alerts every 5 minutes from EventBridge, reading models and writing only the usage table, no bucket', () => {
    // Prepare
    const fn = platform.workflows.maintenance.scheduledFunctions.evaluateAlerts as PlatformFunction;
    const { tables, buckets } = platform.stateful.storage;

    // Act
    const rules = Object.values(
      templateOf(fn).findResources('AWS::Events::Rule', {
        Properties: { ScheduleExpression: 'rate(5 minutes)' },
      }),
    ).filter((r) => JSON.stringify(r.Properties.Targets).includes(logicalId(fn)));

    // Assess
    expect(rules).toHaveLength(1);
    expect(statementsOn(fn, buckets.models.bucket)).toEqual([]);
    expect(statementsOn(fn, tables.modelVersions.table)).toEqual([]);
    const onModels = statementsOn(fn, tables.models.table).flatMap(actionsOf);
    expect(onModels).toContain('dynamodb:Query');
    expect(onModels).not.toContain('dynamodb:UpdateItem');
    expect(statementsOn(fn, tables.usage.table).flatMap(actionsOf)).toContain('dynamodb:UpdateItem');
    // The model alerts topic and the per-model alarms of this stage, nothing else.
    const alerts = platform.workflows.modelAlerts;
    expect(statementsOn(fn, alerts.topic).flatMap(actionsOf)).toEqual(['sns:Publish']);
    const alarmWrites = statementsOf(fn).filter((s) => actionsOf(s).includes('cloudwatch:PutMetricAlarm'));
    expect(alarmWrites).toHaveLength(1);
    expect(actionsOf(alarmWrites[0] as Statement).sort()).toEqual([
      'cloudwatch:DeleteAlarms',
      'cloudwatch:PutMetricAlarm',
    ]);
    expect(JSON.stringify(alarmWrites[0]?.Resource)).toContain(':alarm:MlPlatform-test-model-*');
    const environment = Object.values(
      templateOf(fn).findResources('AWS::Lambda::Function', {
        Properties: { Handler: Match.anyValue() },
      }),
    ).find((r) => JSON.stringify(r).includes('MODEL_ALARM_PREFIX'))?.Properties.Environment.Variables;
    expect(environment?.MODEL_ALARM_PREFIX).toBe('MlPlatform-test-model-');
    expect(environment?.ALERTS_TOPIC_ARN).toEqual({ Ref: logicalId(alerts.topic) });
  });
});

describe('PlatformApi stage', () => {
  it('auto-deploys the default stage with throttling and JSON access logs', () => {
    // Act
    const stages = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));

    // Assess
    expect(stages).toHaveLength(1);
    const properties = stages[0]?.Properties;
    expect(properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: expect.any(Number),
        ThrottlingBurstLimit: expect.any(Number),
      },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } },
    });
    expect(JSON.parse(properties.AccessLogSettings.Format)).toMatchObject({
      requestId: '$context.requestId',
    });
  });

  it('throttles routes by kind under the stage limit, leaving predictions at the stage default', () => {
    // Prepare
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0];
    const { DefaultRouteSettings: defaults, RouteSettings: perRoute } = stage?.Properties ?? {};
    const limitsOf = (key: string) =>
      perRoute[key] as { ThrottlingRateLimit: number; ThrottlingBurstLimit: number };

    // Assess
    expect(limitsOf('PATCH /v1/users/{username}')).toEqual({
      ThrottlingRateLimit: 5,
      ThrottlingBurstLimit: 10,
    });
    expect(limitsOf('POST /v1/api-keys')).toEqual({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 });
    expect(limitsOf('POST /v1/me/sign-out')).toEqual({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 });
    expect(limitsOf('GET /v1/models')).toEqual({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
    expect(perRoute['POST /v1/models/{name}/predict']).toBeUndefined();
    for (const [key, limits] of Object.entries(perRoute) as [string, ReturnType<typeof limitsOf>][]) {
      expect(
        routeList.some((route) => `${route.method} ${route.path}` === key),
        key,
      ).toBe(true);
      expect(limits.ThrottlingRateLimit).toBeLessThanOrEqual(defaults.ThrottlingRateLimit);
      expect(limits.ThrottlingBurstLimit).toBeLessThanOrEqual(defaults.ThrottlingBurstLimit);
    }
    // Route settings name routes that must exist before the stage.
    const routeIds = Object.keys(template.findResources('AWS::ApiGatewayV2::Route'));
    expect(stage?.DependsOn).toEqual(expect.arrayContaining(routeIds));
  });

  it('has no CORS configuration unless origins are given', () => {
    // Act
    const api = Object.values(template.findResources('AWS::ApiGatewayV2::Api'))[0];

    // Assess
    expect(api?.Properties.CorsConfiguration).toBeUndefined();
  });

  it('outputs the API URL', () => {
    // Act
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

    // Assess
    expect(outputs.ApiUrl?.Value).toBeDefined();
  });
});

describe('PlatformApi CORS', () => {
  it('allows the origins of the corsOrigins context with the API headers', () => {
    // Prepare
    const origins = 'https://app.example.com, https://admin.example.com';

    // Act
    const { template: withCors } = synthesize({ corsOrigins: origins });

    // Assess
    withCors.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: ['https://app.example.com', 'https://admin.example.com'],
        AllowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        ExposeHeaders: ['x-request-id', 'retry-after'],
      },
    });
    // It synthesizes a second app: as slow as the file's beforeAll on a busy machine.
  }, 120_000);
});

describe('PlatformObservability', () => {
  let watching: Template;
  beforeAll(() => {
    watching = Template.fromStack(platform.observability);
  });
  const alarmsOf = () =>
    Object.values(watching.findResources('AWS::CloudWatch::Alarm')) as { Properties: Record<string, any> }[];
  /**
   * The logical id (in the API or workflows stack) a value of the observability stack names: those
   * stacks export what the alarms watch, and this follows the import back to the exported `Ref` or
   * `Fn::GetAtt`.
   */
  const apiResourceOf = (value: any): string => {
    const exportName = value?.['Fn::ImportValue'];
    if (typeof exportName !== 'string')
      throw new Error(`not a cross-stack reference: ${JSON.stringify(value)}`);
    const output = Object.values(functionStacks.toJSON().Outputs as Record<string, any>).find(
      (candidate) => candidate.Export?.Name === exportName,
    );
    return output?.Value.Ref ?? output?.Value['Fn::GetAtt']?.[0];
  };
  const training = () => platform.workflows.pipeline.workflows.training;

  it('sends every alarm to an encrypted, TLS-only topic, with an email subscription only when asked', () => {
    // Prepare
    const topicId = Object.keys(watching.findResources('AWS::SNS::Topic'))[0] as string;

    // Act
    const withEmail = Template.fromStack(synthesize({ alarmEmail: 'ops@example.com' }).observability);

    // Assess
    watching.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    watching.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    for (const alarm of alarmsOf()) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    watching.resourceCountIs('AWS::SNS::Subscription', 0);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    withEmail.resourceCountIs('AWS::SNS::Subscription', 1);
    withEmail.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: Match.stringLikeRegexp('AlarmTopic') },
    });
    expect(() => synthesize({ alarmEmail: 'not an address' })).toThrow(/alarmEmail/);
  });

  it("alarms on each API function's errors and on API 5xx, not on the workflow steps' errors", () => {
    // Prepare
    const withEnd = Object.values(platform.workflows.pipeline.workflows).filter(
      (w) => w.executionEnd !== undefined,
    );
    const stepIds = new Set(
      Object.values(platform.workflows.pipeline.workflows).flatMap((w) =>
        w.functions.map((fn) => logicalId(fn)),
      ),
    );
    const endFunctionIds = withEnd.map((w) => logicalId(w.executionEnd?.function as PlatformFunction));

    // Act
    const errorAlarms = alarmsOf().filter((a) => a.Properties.MetricName === 'Errors');
    const watched = errorAlarms.map((a) => apiResourceOf(a.Properties.Dimensions[0].Value));

    // Assess
    // Routes, authorizer, each workflow's execution-end function, scheduled functions.
    expect(errorAlarms).toHaveLength(routeList.length + 1 + withEnd.length + scheduleList.length);
    expect(watched.filter((id) => stepIds.has(id))).toEqual([]);
    expect(watched).toEqual(expect.arrayContaining(endFunctionIds));
    expect(alarmsOf().filter((a) => a.Properties.MetricName === '5xx')).toHaveLength(1);
    // A served model file that is not the registered one (functions/core/registry/artifact-integrity.ts).
    expect(alarmsOf().filter((a) => a.Properties.MetricName === MODEL_INTEGRITY_METRIC)).toEqual([
      expect.objectContaining({
        Properties: expect.objectContaining({
          Namespace: 'MlPlatform',
          Dimensions: [{ Name: 'service', Value: 'ml-platform' }],
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        }),
      }),
    ]);
    // The operations dashboard and the predictions dashboard (infra/constructs/monitoring.ts).
    watching.resourceCountIs('AWS::CloudWatch::Dashboard', 2);
    watching.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: 'MlPlatform-test-predictions',
    });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  it.each(['ExecutionsFailed', 'ExecutionsTimedOut'])(
    'alarms on %s of each state machine, at the first one',
    (metricName) => {
      // Prepare
      const stateMachineId = logicalId(training().stateMachine);

      // Act
      const alarms = alarmsOf().filter((a) => a.Properties.MetricName === metricName);

      // Assess
      expect(alarms).toHaveLength(workflowList.length);
      expect(alarms[0]?.Properties).toMatchObject({
        Namespace: 'AWS/States',
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        Dimensions: [{ Name: 'StateMachineArn' }],
      });
      expect(apiResourceOf(alarms[0]?.Properties.Dimensions[0].Value)).toBe(stateMachineId);
    },
  );

  it('alarms on the dead letters of each execution-end rule', () => {
    // Prepare
    const queueIds = Object.values(platform.workflows.pipeline.workflows)
      .filter((w) => w.executionEnd !== undefined)
      .map((w) => logicalId(w.executionEnd?.deadLetterQueue as IConstruct));

    // Act
    const alarms = alarmsOf().filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible');

    // Assess
    expect(queueIds.length).toBeGreaterThan(0);
    expect(alarms).toHaveLength(queueIds.length);
    for (const alarm of alarms) {
      expect(alarm.Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        Threshold: 1,
        Dimensions: [{ Name: 'QueueName' }],
      });
    }
    expect(alarms.map((a) => apiResourceOf(a.Properties.Dimensions[0].Value)).sort()).toEqual(
      [...queueIds].sort(),
    );
  });

  it('alarms on throttles of every function of the stack, at most 10 functions per alarm', () => {
    // Prepare
    const functionIds = Object.keys(functionStacks.findResources('AWS::Lambda::Function'));

    // Act
    const alarms = alarmsOf().filter((a) =>
      (a.Properties.Metrics ?? []).some((m: any) => m.MetricStat?.Metric.MetricName === 'Throttles'),
    );
    const watched = alarms.flatMap((a) =>
      a.Properties.Metrics.filter((m: any) => m.MetricStat).map((m: any) => {
        expect(m.MetricStat).toMatchObject({ Stat: 'Sum', Period: 300 });
        return apiResourceOf(m.MetricStat.Metric.Dimensions[0].Value);
      }),
    );

    // Assess
    expect(alarms).toHaveLength(Math.ceil(functionIds.length / 10));
    for (const alarm of alarms) {
      const expression = alarm.Properties.Metrics.find((m: any) => m.Expression);
      expect(expression.Expression).toMatch(/^SUM\(\[/);
      expect(expression.ReturnData).not.toBe(false);
      expect(alarm.Properties).toMatchObject({ Threshold: 1, TreatMissingData: 'notBreaching' });
    }
    expect([...watched].sort()).toEqual([...functionIds].sort());
  });

  it('counts the requests the API stage throttled from its access logs, and alarms on them', () => {
    // Act
    const filters = watching.findResources('AWS::Logs::MetricFilter');
    const alarm = alarmsOf().find((a) => a.Properties.MetricName === 'ApiThrottledRequests');

    // Assess
    expect(Object.values(filters)).toHaveLength(1);
    expect(apiResourceOf(Object.values(filters)[0]?.Properties.LogGroupName)).toBe(
      logicalId(platform.api.api.accessLogs),
    );
    watching.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ ($.status = "429") && ($.integrationLatency = "-") }',
      MetricTransformations: [
        { MetricNamespace: 'MlPlatform', MetricName: 'ApiThrottledRequests', MetricValue: '1' },
      ],
    });
    expect(alarm?.Properties).toMatchObject({ Namespace: 'MlPlatform', Statistic: 'Sum', Threshold: 10 });
  });
});

describe('ApiStack console', () => {
  /** The nested stack resource in the API stack, and the value each of its parameters is given. */
  function nested() {
    const resource = template.toJSON().Resources[
      stackLogicalId(platform.api.console.nestedStackResource as CfnElement)
    ] as { Type: string; Properties: { Parameters: Record<string, unknown> } };
    return { resource, parameters: resource.Properties.Parameters };
  }
  const stackLogicalId = (element: CfnElement) => Stack.of(element).getLogicalId(element);
  const consoleTemplate = () => Template.fromStack(platform.api.console);
  /** The parent's value of the nested stack parameter a nested template value refers to. */
  const parentValueOf = (value: { Ref: string }) => nested().parameters[value.Ref];

  it('nests the console in one resource of the API stack, its /v1/* origin the platform HTTP API', () => {
    // Act
    const { resource } = nested();
    const distribution = Object.values(consoleTemplate().findResources('AWS::CloudFront::Distribution'))[0];
    const config = distribution?.Properties.DistributionConfig;
    const v1 = config.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === '/v1/*');
    const origin = config.Origins.find((o: { Id: string }) => o.Id === v1.TargetOriginId);
    const endpoint = origin.DomainName['Fn::Select'][1]['Fn::Split'][1];

    // Assess
    expect(resource.Type).toBe('AWS::CloudFormation::Stack');
    expect(template.findResources('AWS::CloudFormation::Stack')).toEqual({
      [stackLogicalId(platform.api.console.nestedStackResource as CfnElement)]: expect.anything(),
    });
    expect(parentValueOf(endpoint)).toEqual({
      'Fn::GetAtt': [logicalId(platform.api.api.httpApi), 'ApiEndpoint'],
    });
  });

  it("creates the console's app client in the platform's user pool, and the authorizer accepts its tokens", () => {
    // Prepare
    const client = Object.values(consoleTemplate().findResources('AWS::Cognito::UserPoolClient'))[0];
    const clientOutput = {
      'Fn::GetAtt': [
        stackLogicalId(platform.api.console.nestedStackResource as CfnElement),
        expect.stringMatching(/^Outputs\..*ConsoleClient.*Ref$/),
      ],
    };

    // Act
    const authorizer = template.toJSON().Resources[logicalId(platform.api.api.authorizerFunction)];
    const accepted = authorizer.Properties.Environment.Variables.USER_POOL_CLIENT_IDS['Fn::Join'];

    // Assess
    // The user pool's id is imported from the stateful stack's export, in the nested template itself.
    expect(JSON.stringify(client?.Properties.UserPoolId)).toContain(
      `ExportsOutputRef${logicalId(platform.stateful.auth.userPool)}`,
    );
    expect(accepted[0]).toBe(',');
    expect(accepted[1]).toContainEqual(clientOutput);
    expect(accepted[1]).toHaveLength(platform.stateful.auth.apiClients.length);
    for (const fn of platform.api.api.functions) {
      expect(
        template.toJSON().Resources[logicalId(fn)].Properties.Environment.Variables.CONSOLE_CLIENT_ID,
      ).toEqual(clientOutput);
    }
  });

  it("names the console's URL in an output", () => {
    // Act
    const output = template.toJSON().Outputs.ConsoleUrl;

    // Assess
    expect(output.Value['Fn::Join'][1]).toEqual([
      'https://',
      {
        'Fn::GetAtt': [
          stackLogicalId(platform.api.console.nestedStackResource as CfnElement),
          expect.stringMatching(/^Outputs\..*Distribution.*DomainName$/),
        ],
      },
      '/console/',
    ]);
  });
});
