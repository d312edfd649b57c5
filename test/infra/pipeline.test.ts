import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { routeList } from '#http/routes.ts';
import { workflowList, workflows } from '../../functions/steps/workflows.ts';
import { buildPlatformApp, type PlatformApp } from '../../infra/app.ts';
import { grantWorkflow, type PlatformWorkflow, workflowArns } from '../../infra/constructs/pipeline.ts';
import type { PlatformFunction } from '../../infra/constructs/platform-function.ts';
import { placeholdersOf } from '../../local/step-functions/definitions.ts';

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

let platform: PlatformApp;
let template: Template;
let resources: Record<string, { Type: string; Properties: any; DependsOn?: string[] }>;
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
  return resources[logicalId(policy)]?.Properties.PolicyDocument.Statement as Statement[];
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
  return platform.api.pipeline.workflows[name];
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
  template = Template.fromStack(platform.api);
  resources = template.toJSON().Resources;
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
      // What CloudFormation does with DefinitionSubstitutions at deployment, with each GetAtt as an ARN.
      const deployed = asset.replace(/\$\{(\w+)\}/g, (_whole, placeholder: string) => {
        const [id, attribute] = properties.DefinitionSubstitutions[placeholder]?.['Fn::GetAtt'] ?? [];
        return attribute === 'Arn'
          ? `arn:aws:lambda:us-east-1:123456789012:function:${id}`
          : `\${${placeholder}}`;
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
    const bucketActions = Object.entries(buckets).map(
      ([bucket, b]) => [bucket, statementsOn(fn, b.bucket).flatMap(actionsOf)] as const,
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
    for (const [bucket, actions] of bucketActions) {
      const grant = (task.grants.buckets as Record<string, string> | undefined)?.[bucket];
      expect(actions.includes('s3:GetObject'), `${bucket} read`).toBe(grant !== undefined);
      expect(actions.includes('s3:PutObject'), `${bucket} write`).toBe(grant === 'readWrite');
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
