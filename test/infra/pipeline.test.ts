import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LayerVersion } from 'aws-cdk-lib/aws-lambda';
import { VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BucketGrant, routeList } from '#http/routes.ts';
import { type WorkflowDefinition, workflowList, workflows } from '../../functions/steps/workflows.ts';
import { buildPlatformApp, type PlatformApp, requiredFeatureFlags } from '../../infra/app.ts';
import { flattenReference } from '../../infra/constructs/nag.ts';
import { grantWorkflow, PlatformWorkflow, workflowArns } from '../../infra/constructs/pipeline.ts';
import type { PlatformFunction } from '../../infra/constructs/platform-function.ts';
import { SageMakerTraining, XGBOOST_REGISTRIES } from '../../infra/constructs/sagemaker-training.ts';
import { PlatformStorage } from '../../infra/constructs/storage.ts';
import { placeholdersOf } from '../../local/step-functions/definitions.ts';
import { expectedObjectGrants, objectGrantsIn } from './object-grants.ts';

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

let platform: PlatformApp;
let template: Template;
/** The workflows stack's resources. */
let resources: Record<string, { Type: string; Properties: any; DependsOn?: string[] }>;
/** The API stack's resources (the route functions that start workflows). */
let apiResources: typeof resources;
let mappings: Record<string, Record<string, Record<string, string>>>;
let assemblyDirectory: string;
let nagFindings: string[];

const logicalId = (construct: IConstruct) =>
  Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);

const actionsOf = (statement: Statement) =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

/** The statements of a role's default policy (none when the role has no policy). */
function statementsOfRole(role: IConstruct): Statement[] {
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (!policy) return [];
  // Route functions are the API stack's, the workflows' tasks the workflows stack's.
  const inStack = Stack.of(policy) === platform.api ? apiResources : resources;
  return inStack[logicalId(policy)]?.Properties.PolicyDocument.Statement as Statement[];
}

const statementsOf = (fn: PlatformFunction) => statementsOfRole(fn.executionRole);

function statementsOn(fn: PlatformFunction, construct: IConstruct): Statement[] {
  const id = logicalId(construct);
  return statementsOf(fn).filter((s) => JSON.stringify(s.Resource).includes(id));
}

/** The state machine ARN as the functions' environment spells it (partition, region, account, fixed name). */
const arnJoin = (resource: string, name: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':states:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      `:${resource}:${name}`,
    ],
  ],
});

const workflowEntries = Object.entries(workflows) as [
  keyof typeof workflows,
  (typeof workflowList)[number],
][];

function workflowConstruct(name: keyof typeof workflows): PlatformWorkflow {
  return platform.workflows.pipeline.workflows[name];
}

/** A template value as CloudFormation resolves it in us-east-1 of account 123456789012. */
function deployedValue(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, any>;
  if (node.Ref !== undefined) {
    const pseudo: Record<string, string> = {
      'AWS::Region': 'us-east-1',
      'AWS::AccountId': '123456789012',
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
    };
    return pseudo[node.Ref] ?? `ref-${node.Ref}`;
  }
  if (node['Fn::Join']) return node['Fn::Join'][1].map(deployedValue).join(node['Fn::Join'][0]);
  // A name from the stateful stack (e.g. a bucket): any valid name shows the definition deploys.
  if (node['Fn::ImportValue'] !== undefined) return 'imported-name';
  if (node['Fn::FindInMap']) {
    const [map, first, second] = node['Fn::FindInMap'].map(deployedValue);
    const found = mappings[map]?.[first]?.[second];
    if (found === undefined) throw new Error(`No mapping ${map}.${first}.${second}`);
    return found;
  }
  if (node['Fn::GetAtt']) {
    const [id, attribute] = node['Fn::GetAtt'];
    const type = resources[id]?.Type;
    if (attribute === 'Arn' && type === 'AWS::Lambda::Function') {
      return `arn:aws:lambda:us-east-1:123456789012:function:${id}`;
    }
    if (attribute === 'Arn' && type === 'AWS::IAM::Role') return `arn:aws:iam::123456789012:role/${id}`;
  }
  throw new Error(`No deployed value for ${JSON.stringify(value)}`);
}

beforeAll(() => {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  platform = buildPlatformApp({
    context: { ...cdkJson.context, stage: 'test', 'aws:cdk:bundling-stacks': [] },
  });
  const assembly = platform.app.synth();
  assemblyDirectory = assembly.directory;
  template = Template.fromStack(platform.workflows);
  resources = template.toJSON().Resources;
  apiResources = Template.fromStack(platform.api).toJSON().Resources;
  mappings = template.toJSON().Mappings ?? {};
  const report = JSON.parse(readFileSync(join(assembly.directory, VALIDATION_REPORT_FILE), 'utf8')) as {
    pluginReports: { violations: { ruleName: string }[] }[];
  };
  nagFindings = report.pluginReports.flatMap((plugin) => plugin.violations.map((v) => v.ruleName));
}, 120_000);

describe('PlatformWorkflow state machine', () => {
  it.each(workflowEntries)(
    'builds %s from its ASL file with every placeholder substituted',
    (name, workflow) => {
      // Prepare
      const built = workflowConstruct(name);
      const source = readFileSync(new URL(`../../${workflow.definitionFile}`, import.meta.url), 'utf8');

      // Act
      const properties = resources[logicalId(built.stateMachine)]?.Properties;
      const asset = readFileSync(
        join(assemblyDirectory, `asset.${properties.DefinitionS3Location.Key}`),
        'utf8',
      );
      // What CloudFormation does with DefinitionSubstitutions at deployment, in us-east-1.
      const deployed = asset.replace(/\$\{(\w+)\}/g, (whole, placeholder: string) => {
        const value = properties.DefinitionSubstitutions[placeholder];
        return value === undefined ? whole : deployedValue(value);
      });

      // Assess
      expect(properties).toMatchObject({
        StateMachineName: `MlPlatform-test-${workflow.id}`,
        StateMachineType: 'STANDARD',
      });
      expect(asset).toBe(source);
      expect(Object.keys(properties.DefinitionSubstitutions).sort()).toEqual(placeholdersOf(source).sort());
      for (const [placeholder, fn] of Object.entries(built.taskFunctions)) {
        expect(properties.DefinitionSubstitutions[placeholder]).toEqual({
          'Fn::GetAtt': [logicalId(fn), 'Arn'],
        });
      }
      for (const [placeholder, value] of Object.entries(built.parameterValues)) {
        expect(properties.DefinitionSubstitutions[placeholder]).toEqual(Stack.of(built).resolve(value));
      }
      expect(deployed).not.toContain('${');
      const validation = aslValidator(JSON.parse(deployed), { checkArn: true, checkPaths: true });
      expect(validation.errorsText()).toBe('');
    },
  );

  it.each(workflowEntries)('logs every event of %s without execution data, and traces it', (name) => {
    // Prepare
    const built = workflowConstruct(name);

    // Act
    const properties = resources[logicalId(built.stateMachine)]?.Properties;
    const logGroup = resources[logicalId(built.logGroup)];

    // Assess
    expect(properties.LoggingConfiguration).toEqual({
      Destinations: [
        { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logicalId(built.logGroup), 'Arn'] } } },
      ],
      IncludeExecutionData: false,
      Level: 'ALL',
    });
    expect(properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(logGroup?.Properties.RetentionInDays).toEqual(expect.any(Number));
  });

  it.each(workflowEntries)(
    'lets %s invoke exactly its task functions, and uses "*" only where AWS allows no less',
    (name) => {
      // Prepare
      const built = workflowConstruct(name);

      // Act
      const statements = statementsOfRole(built.stateMachine.role);
      const invoke = statements.filter((s) => actionsOf(s).some((action) => action.startsWith('lambda:')));
      const wildcards = statements.filter((s) => s.Resource === '*');

      // Assess
      expect(invoke).toHaveLength(1);
      expect(actionsOf(invoke[0] as Statement)).toEqual(['lambda:InvokeFunction']);
      expect(invoke[0]?.Resource).toEqual(
        built.functions.map((fn) => ({ 'Fn::GetAtt': [logicalId(fn), 'Arn'] })),
      );
      for (const statement of wildcards) {
        for (const action of actionsOf(statement))
          expect(action).toMatch(/^(logs:\w+Log|logs:\w+ResourcePolic|xray:)/);
      }
      for (const statement of statements) {
        for (const action of actionsOf(statement)) expect(action).not.toMatch(/\*/);
      }
    },
  );
});

describe('PlatformWorkflow execution-end rule', () => {
  const withEnd = workflowEntries.filter(([, workflow]) => workflow.onExecutionEnd !== undefined);

  it('is declared for the training workflow, for the ends its Catch cannot see', () => {
    expect(workflows.training.onExecutionEnd.statuses).toEqual(['FAILED', 'TIMED_OUT', 'ABORTED']);
  });

  it.each(withEnd)(
    "sends %s's status changes with the end statuses to its function, retried, then dead-lettered",
    (name, workflow) => {
      // Prepare
      const end = workflowConstruct(name).executionEnd;
      const fnId = logicalId(end?.function as PlatformFunction);
      const queueId = logicalId(end?.deadLetterQueue as IConstruct);

      // Act
      const rule = resources[logicalId(end?.rule as IConstruct)]?.Properties;

      // Assess
      expect(rule).toMatchObject({
        State: 'ENABLED',
        EventPattern: {
          source: ['aws.states'],
          'detail-type': ['Step Functions Execution Status Change'],
          detail: {
            stateMachineArn: [arnJoin('stateMachine', `MlPlatform-test-${workflow.id}`)],
            status: [...(workflow.onExecutionEnd?.statuses ?? [])],
          },
        },
      });
      expect(rule.Targets).toEqual([
        expect.objectContaining({
          Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 6 * 3600 },
        }),
      ]);
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [logicalId(end?.rule as IConstruct), 'Arn'] },
      });
    },
  );

  it.each(withEnd)('keeps the dead letters of %s encrypted, TLS-only, for 14 days', (name) => {
    // Prepare
    const queue = workflowConstruct(name).executionEnd?.deadLetterQueue as IConstruct;

    // Act
    const properties = resources[logicalId(queue)]?.Properties;
    const policies = Object.values(resources).filter(
      (r) =>
        r.Type === 'AWS::SQS::QueuePolicy' && JSON.stringify(r.Properties.Queues).includes(logicalId(queue)),
    );
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);

    // Assess
    expect(properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Principal: { Service: 'events.amazonaws.com' },
      }),
    );
  });

  it.each(withEnd)(
    "lets %s's end function update the jobs table only, and keeps it out of the state machine's reach",
    (name) => {
      // Prepare
      const built = workflowConstruct(name);
      const fn = built.executionEnd?.function as PlatformFunction;
      const { tables, buckets } = platform.stateful.storage;
      // The workflow's own jobs table: the one its end function is granted.
      const [jobsTable] = Object.keys(
        (workflows[name] as WorkflowDefinition).onExecutionEnd?.grants.tables ?? {},
      ) as (keyof typeof tables)[];

      // Act
      const onJobs = statementsOn(fn, tables[jobsTable as keyof typeof tables].table).flatMap(actionsOf);
      const onOtherTables = Object.entries(tables)
        .filter(([table]) => table !== jobsTable)
        .flatMap(([, t]) => statementsOn(fn, t.table));
      const onBuckets = Object.values(buckets).flatMap((b) => statementsOn(fn, b.bucket));
      const invokable = JSON.stringify(
        statementsOfRole(built.stateMachine.role).filter((st) =>
          actionsOf(st).includes('lambda:InvokeFunction'),
        ),
      );

      // Assess
      expect(onJobs).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem']));
      expect(onOtherTables).toEqual([]);
      expect(onBuckets).toEqual([]);
      expect(invokable).not.toContain(logicalId(fn));
      expect(resources[logicalId(fn)]?.Properties.Handler).toBeDefined();
    },
  );
});

describe('PlatformWorkflow task functions', () => {
  const tasks = workflowEntries.flatMap(([name, workflow]) =>
    Object.entries(workflow.tasks).map(
      ([placeholder, task]) => [`${workflow.id} ${placeholder}`, name, placeholder, task] as const,
    ),
  );

  it.each(tasks)(
    'gives %s its function settings, and the onnxruntime layer where asked',
    (_label, name, placeholder, task) => {
      // Prepare
      const fn = workflowConstruct(name).taskFunctions[placeholder] as PlatformFunction;
      const layers = Object.keys(template.findResources('AWS::Lambda::LayerVersion'));

      // Act
      const properties = resources[logicalId(fn)]?.Properties;

      // Assess
      expect(properties).toMatchObject({ Runtime: 'nodejs22.x', TracingConfig: { Mode: 'Active' } });
      expect(properties.MemorySize).toBe(task.function?.memoryMb ?? 512);
      expect(properties.Timeout).toBe(task.function?.timeoutSeconds ?? 10);
      expect(properties.Layers).toEqual(task.function?.onnxRuntime ? [{ Ref: layers[0] }] : undefined);
    },
  );

  it.each(tasks)('grants %s only what the workflow table lists', (_label, name, placeholder, task) => {
    // Prepare
    const fn = workflowConstruct(name).taskFunctions[placeholder] as PlatformFunction;
    const { tables, buckets } = platform.stateful.storage;

    // Act
    const tableActions = Object.entries(tables).map(
      ([table, t]) => [table, statementsOn(fn, t.table).flatMap(actionsOf)] as const,
    );
    const bucketStatements = Object.entries(buckets).map(
      ([bucket, b]) => [bucket, statementsOn(fn, b.bucket)] as const,
    );
    const others = statementsOf(fn)
      .flatMap(actionsOf)
      .filter((action) => !/^(dynamodb|s3|logs|xray):/.test(action));

    // Assess
    for (const [table, actions] of tableActions) {
      const grant = (task.grants.tables as Record<string, string> | undefined)?.[table];
      expect(actions.includes('dynamodb:GetItem'), `${table} read`).toBe(grant !== undefined);
      expect(actions.includes('dynamodb:PutItem'), `${table} write`).toBe(grant === 'readWrite');
    }
    for (const [bucket, statements] of bucketStatements) {
      const grant = (task.grants.buckets as Record<string, BucketGrant> | undefined)?.[bucket];
      expect(objectGrantsIn(statements), `${bucket} objects`).toEqual(expectedObjectGrants(grant));
    }
    expect(others).toEqual([]);
  });
});

describe('Workflow ARNs in the functions', () => {
  it('gives every function of the stack each state machine ARN, built from its fixed name', () => {
    // Act
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));

    // Assess
    expect(functions.length).toBeGreaterThan(workflowList.length);
    for (const fn of functions) {
      for (const workflow of workflowList) {
        expect(fn.Properties.Environment.Variables[workflow.envVar]).toEqual(
          arnJoin('stateMachine', `MlPlatform-test-${workflow.id}`),
        );
      }
    }
  });

  it('keeps the functions independent of the state machines (no dependency cycle)', () => {
    // Prepare
    const stateMachineIds = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));

    // Act
    const functionsReferencingOne = Object.entries(template.findResources('AWS::Lambda::Function')).filter(
      ([, fn]) => stateMachineIds.some((id) => JSON.stringify(fn).includes(id)),
    );
    const policiesReferencingOne = Object.entries(template.findResources('AWS::IAM::Policy')).filter(
      ([, policy]) =>
        stateMachineIds.some((id) => JSON.stringify(policy.Properties.PolicyDocument).includes(`"${id}"`)),
    );

    // Assess
    expect(stateMachineIds).toHaveLength(workflowList.length);
    expect(functionsReferencingOne).toEqual([]);
    expect(policiesReferencingOne).toEqual([]);
  });
});

describe('Route workflow grants', () => {
  it.each(routeList.map((route) => [route.operationId, route] as const))(
    'lets %s start, describe and stop the executions of the workflows its route lists, and nothing else',
    (operationId, route) => {
      // Prepare
      const fn = platform.api.api.routeFunctions[operationId] as PlatformFunction;
      const expected = workflowEntries
        .filter(([name]) => route.grants.workflows?.[name] === 'start')
        .flatMap(([, workflow]) => [
          {
            Effect: 'Allow',
            Action: 'states:StartExecution',
            Resource: arnJoin('stateMachine', `MlPlatform-test-${workflow.id}`),
          },
          {
            Effect: 'Allow',
            Action: ['states:DescribeExecution', 'states:StopExecution'],
            Resource: arnJoin('execution', `MlPlatform-test-${workflow.id}:*`),
          },
        ]);

      // Act
      const states = statementsOf(fn).filter((s) =>
        actionsOf(s).some((action) => action.startsWith('states:')),
      );

      // Assess
      expect(states).toEqual(expected);
    },
  );

  it('grants start on one state machine and describe/stop on its executions only', () => {
    // Prepare
    const stack = new Stack(new App(), 'GrantTest');
    const role = new Role(stack, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const arns = workflowArns(stack, 'dev', workflows.training);

    // Act
    grantWorkflow(role, arns, 'start');

    // Assess
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0];
    expect(policy?.Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'states:StartExecution',
        Resource: arnJoin('stateMachine', 'MlPlatform-dev-Training'),
      },
      {
        Effect: 'Allow',
        Action: ['states:DescribeExecution', 'states:StopExecution'],
        Resource: arnJoin('execution', 'MlPlatform-dev-Training:*'),
      },
    ]);
  });
});

describe('PlatformPipeline and cdk-nag', () => {
  it('leaves no unacknowledged finding', () => {
    // Assess
    expect(nagFindings).toEqual([]);
  });

  it('outputs each state machine ARN', () => {
    // Act
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

    // Assess
    for (const workflow of workflowList) {
      expect(outputs[`${workflow.id}StateMachineArn`]?.Value).toEqual({
        Ref: logicalId(
          workflowConstruct(workflowEntries.find(([, w]) => w === workflow)?.[0] ?? 'training').stateMachine,
        ),
      });
    }
  });
});

describe('PlatformWorkflow SageMaker training', () => {
  const training = () => workflowConstruct('training');
  const statementsOfStateMachine = () =>
    statementsOfRole(training().stateMachine.role).filter((s) =>
      actionsOf(s).some((action) => /^(sagemaker|iam|events):/.test(action)),
    );
  /** A statement with its resource flattened the way cdk-nag reads it. */
  const flat = (statement: Statement & { Condition?: unknown }) => ({
    actions: actionsOf(statement),
    resource: flattenReference(statement.Resource),
    ...(statement.Condition ? { condition: statement.Condition } : {}),
  });
  const datasetsBucketArn = () =>
    flattenReference(platform.api.resolve(platform.stateful.storage.buckets.datasets.bucket.bucketArn));

  it('substitutes the deployed settings of the table, and the role, image and prefix it makes', () => {
    // Act
    const substitutions = resources[logicalId(training().stateMachine)]?.Properties.DefinitionSubstitutions;

    // Assess
    expect(substitutions.SageMakerThresholdRows).toBe(
      workflows.training.parameters.SageMakerThresholdRows.deployed,
    );
    expect(substitutions.SageMakerInstanceType).toBe('ml.m5.4xlarge');
    expect(substitutions.SageMakerJobPrefix).toBe('mlp-test');
    expect(substitutions.SageMakerRoleArn).toEqual({
      'Fn::GetAtt': [logicalId(training().sageMakerTraining?.role as Role), 'Arn'],
    });
    expect(deployedValue(substitutions.XgboostImageUri)).toBe(
      '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1',
    );
    const mapping = Object.values(mappings)[0] ?? {};
    expect(Object.fromEntries(Object.entries(mapping).map(([region, row]) => [region, row.account]))).toEqual(
      XGBOOST_REGISTRIES,
    );
  });

  it('gives the job role its channels to read, its model prefix to write, its logs and its image only', () => {
    // Act
    const statements = statementsOfRole(training().sageMakerTraining?.role as Role).map(flat);

    // Assess
    const bucket = datasetsBucketArn();
    const logs =
      'arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/TrainingJobs';
    expect(statements).toEqual([
      { actions: ['s3:GetObject'], resource: `${bucket}/sagemaker/input/*` },
      {
        actions: ['s3:ListBucket'],
        resource: bucket,
        condition: { StringLike: { 's3:prefix': ['sagemaker/input/*'] } },
      },
      { actions: ['s3:PutObject'], resource: `${bucket}/sagemaker/output/*` },
      { actions: ['logs:CreateLogGroup', 'logs:DescribeLogStreams'], resource: `${logs}:*` },
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resource: `${logs}:log-stream:mlp-test-*` },
      {
        actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
        resource: expect.stringMatching(
          /^arn:<AWS::Partition>:ecr:<AWS::Region>:.*:repository\/sagemaker-xgboost$/,
        ),
      },
      { actions: ['ecr:GetAuthorizationToken'], resource: '*' },
    ]);
  });

  it("lets only SageMaker assume the job role, for this account's jobs of the stage's prefix", () => {
    // Act
    const trust =
      resources[logicalId(training().sageMakerTraining?.role as Role)]?.Properties.AssumeRolePolicyDocument
        .Statement;

    // Assess
    expect(trust).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'sagemaker.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: {
            'aws:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':sagemaker:',
                  { Ref: 'AWS::Region' },
                  ':',
                  { Ref: 'AWS::AccountId' },
                  ':training-job/mlp-test-*',
                ],
              ],
            },
          },
        },
      },
    ]);
  });

  it('lets the state machine run, stop and tag only jobs of its prefix, pass only the job role, and manage the .sync rule', () => {
    // Act
    const statements = statementsOfStateMachine().map(flat);

    // Assess
    const arn = (service: string, resource: string) =>
      `arn:<AWS::Partition>:${service}:<AWS::Region>:<AWS::AccountId>:${resource}`;
    expect(statements).toEqual([
      {
        actions: [
          'sagemaker:CreateTrainingJob',
          'sagemaker:DescribeTrainingJob',
          'sagemaker:StopTrainingJob',
          'sagemaker:AddTags',
          'sagemaker:ListTags',
        ],
        resource: arn('sagemaker', 'training-job/mlp-test-*'),
      },
      {
        actions: ['iam:PassRole'],
        resource: `<${logicalId(training().sageMakerTraining?.role as Role)}.Arn>`,
        condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      },
      {
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resource: arn('events', 'rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule'),
      },
    ]);
  });

  describe('built alone', () => {
    /** The training workflow (or a variant) in a stack of its own, with storage and no bundling. */
    function build(workflow: WorkflowDefinition, parameterValues?: Record<string, string>) {
      const app = new App({ context: { ...requiredFeatureFlags, 'aws:cdk:bundling-stacks': [] } });
      const stack = new Stack(app, 'Alone');
      const storage = new PlatformStorage(stack, 'Storage');
      const layer = LayerVersion.fromLayerVersionArn(
        stack,
        'Layer',
        'arn:aws:lambda:us-east-1:123456789012:layer:ort:1',
      );
      return new PlatformWorkflow(stack, 'Training', {
        workflow,
        stage: 'dev',
        arns: workflowArns(stack, 'dev', workflow),
        storage,
        environment: {},
        onnxRuntimeLayer: () => layer,
        ...(parameterValues ? { parameterValues } : {}),
      });
    }

    it("takes the caller's parameter values over the table's", () => {
      // Act
      const built = build(workflows.training, { SageMakerThresholdRows: '5' });

      // Assess
      expect(built.parameterValues.SageMakerThresholdRows).toBe('5');
    });

    it.each([
      ['an unknown parameter value', () => build(workflows.training, { Nope: '1' }), 'has no parameter Nope'],
      [
        'a parameter with no deployed value',
        () =>
          build({
            ...workflows.training,
            parameters: { ...workflows.training.parameters, Extra: { description: 'x', local: 'x' } },
          }),
        'no deployed value for the parameter Extra',
      ],
      [
        'a service task it knows no grants for',
        () =>
          build({
            ...workflows.training,
            serviceTasks: { Run: { resource: 'arn:aws:states:::ecs:runTask.sync', localNote: 'x' } },
          }),
        'no grants are known for arn:aws:states:::ecs:runTask.sync (state Run)',
      ],
    ])('refuses %s', (_case, building, message) => {
      // Assess
      expect(building).toThrow(message);
    });

    it('refuses a stage that makes training job names too long', () => {
      // Prepare
      const stack = new Stack(new App({ context: requiredFeatureFlags }), 'Long');
      const storage = new PlatformStorage(stack, 'Storage');

      // Act
      const building = () =>
        new SageMakerTraining(stack, 'SageMaker', {
          stage: 'a-very-long-stage-name-indeed',
          bucket: storage.buckets.datasets.bucket,
          inputPrefix: 'in/',
          outputPrefix: 'out/',
        });

      // Assess
      expect(building).toThrow(/at most 26 characters/);
    });
  });
});
