/**
 * The batch predictions workflow as CDK synthesizes it: a Distributed Map with an ItemReader and a
 * ResultWriter in the deployed definition, the Map's grants on the state machine's role and nothing
 * wider, the task functions' least-privilege grants, and the API stack within CloudFormation's limit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAP_RESULTS_PREFIX } from '../../functions/core/batch/batch-jobs.ts';
import { buildPlatformApp, type PlatformApp } from '../../infra/app.ts';
import { MANIFEST_OBJECTS } from '../../infra/constructs/batch-predictions.ts';

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

let platform: PlatformApp;
let resources: Record<string, { Type: string; Properties: any }>;
let assemblyDirectory: string;

const logicalId = (construct: IConstruct) =>
  Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

function statementsOfRole(role: IConstruct): Statement[] {
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (!policy) return [];
  return resources[logicalId(policy)]?.Properties.PolicyDocument.Statement as Statement[];
}

/** The resource of a statement as CloudFormation would print it, references by logical id. */
const show = (resource: unknown) => JSON.stringify(resource);

beforeAll(() => {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  platform = buildPlatformApp({
    context: { ...cdkJson.context, stage: 'test', 'aws:cdk:bundling-stacks': [] },
  });
  const assembly = platform.app.synth();
  assemblyDirectory = assembly.directory;
  resources = Template.fromStack(platform.workflows).toJSON().Resources;
}, 240_000);

describe('batch predictions workflow in CDK', () => {
  it('deploys the ASL file as a Distributed Map reading the manifest with an ItemReader and writing a ResultWriter', () => {
    // Prepare
    const workflow = platform.workflows.pipeline.workflows.batchPredictions;
    const properties = resources[logicalId(workflow.stateMachine)]?.Properties;

    // Act
    const definition = JSON.parse(
      readFileSync(join(assemblyDirectory, `asset.${properties.DefinitionS3Location.Key}`), 'utf8'),
    );
    const manifestMap = definition.States.ChunksFromManifest;

    // Assess
    expect(manifestMap.ItemProcessor.ProcessorConfig.Mode).toBe('DISTRIBUTED');
    expect(manifestMap.ItemReader.Resource).toBe('arn:aws:states:::s3:getObject');
    expect(manifestMap.ResultWriter.Resource).toBe('arn:aws:states:::s3:putObject');
    expect(manifestMap.MaxConcurrencyPath).toBe('$.plan.value.maxConcurrency');
    const datasetsBucket = Stack.of(workflow).resolve(
      platform.stateful.storage.buckets.datasets.bucket.bucketName,
    );
    expect(properties.DefinitionSubstitutions).toMatchObject({
      BatchBucket: datasetsBucket,
      InlineChunkLimit: '0',
      MaxConcurrency: '100',
    });
  });

  it("grants the state machine exactly the Distributed Map's needs: its child executions, the manifests, the results prefix", () => {
    // Prepare
    const workflow = platform.workflows.pipeline.workflows.batchPredictions;
    const statements = statementsOfRole(workflow.stateMachine.role);
    const byAction = (action: string) => statements.filter((s) => actionsOf(s).includes(action));

    // Act
    const start = byAction('states:StartExecution');
    const describe = byAction('states:DescribeExecution');
    const reads = byAction('s3:GetObject').map((s) => show(s.Resource));
    const writes = byAction('s3:PutObject');

    // Assess
    expect(start).toHaveLength(1);
    expect(show(start[0]?.Resource)).toContain(':stateMachine:MlPlatform-test-BatchPredictions');
    expect(show(describe[0]?.Resource)).toContain(':execution:MlPlatform-test-BatchPredictions/*');
    expect(reads).toHaveLength(2);
    expect(reads.some((r) => r.includes(`/${MANIFEST_OBJECTS}`))).toBe(true);
    expect(writes).toHaveLength(1);
    expect(show(writes[0]?.Resource)).toContain(`/${MAP_RESULTS_PREFIX}/*`);
    for (const statement of statements) {
      for (const action of actionsOf(statement)) expect(action).not.toMatch(/\*/);
      if (actionsOf(statement).some((a) => a.startsWith('s3:')))
        expect(show(statement.Resource)).not.toBe('"*"');
    }
  });

  it('gives the chunk function its job table, the datasets bucket and read access to models, nothing of training', () => {
    // Prepare
    const chunk = platform.workflows.pipeline.workflows.batchPredictions.taskFunctions.RunChunkFunctionArn;
    const statements = statementsOfRole(chunk?.executionRole as IConstruct);
    const tables = platform.stateful.storage.tables;

    // Act
    const text = JSON.stringify(statements);

    // Assess
    expect(text).toContain(logicalId(tables.batchPredictionJobs.table));
    expect(text).not.toContain(logicalId(tables.trainingJobs.table));
    expect(text).not.toContain(logicalId(tables.models.table));
    expect(resources[logicalId(chunk as IConstruct)]?.Properties.Layers).toHaveLength(1);
  });

  it('keeps every stack under CloudFormation’s 500 resources', () => {
    // Act
    const counts = [
      platform.stateful,
      platform.api,
      platform.api.console,
      platform.workflows,
      platform.observability,
    ].map(
      (stack) => [stack.stackName, Object.keys(Template.fromStack(stack).toJSON().Resources).length] as const,
    );

    // Assess
    for (const [name, count] of counts) expect(count, name).toBeLessThan(500);
  });
});
