/**
 * Start-up checks of the local Step Functions: every workflow's ASL file is substituted, validated and
 * bound to its tasks before the server listens, and anything it could not run stops start-up with the
 * file and the problem named. Also: the platform's own workflow table loads.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from '../../../functions/steps/workflows.ts';
import { workflowList } from '../../../functions/steps/workflows.ts';
import { loadWorkflow } from '../../../local/step-functions/definitions.ts';
import { LocalStepFunctions } from '../../../local/step-functions/step-functions.ts';
import { entriesFor } from '../../fixtures/workflows/journal.ts';
import { fixtureWorkflow } from '../../fixtures/workflows/workflows.ts';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const fixtureAsl = JSON.parse(
  await readFile(join(repositoryRoot, fixtureWorkflow.definitionFile), 'utf8'),
) as { States: Record<string, Record<string, unknown>> };

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'local-sfn-'));
  await mkdir(join(root, 'state-machines'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The fixture workflow with its ASL rewritten, written under the temporary root. */
async function variant(
  change: (asl: typeof fixtureAsl) => unknown,
  tasks: WorkflowDefinition['tasks'] = fixtureWorkflow.tasks,
): Promise<WorkflowDefinition> {
  const file = `state-machines/${randomUUID()}.asl.json`;
  await writeFile(join(root, file), JSON.stringify(change(structuredClone(fixtureAsl)), null, 2));
  const absolute = Object.fromEntries(
    Object.entries(tasks).map(([name, task]) => [name, { ...task, entry: join(repositoryRoot, task.entry) }]),
  );
  return { ...fixtureWorkflow, definitionFile: file, tasks: absolute };
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: an ASL placeholder, not a template literal.
const missingPlaceholder = '${MissingFunctionArn}';

const create = (workflow: WorkflowDefinition) => LocalStepFunctions.create({ root, workflows: [workflow] });

describe('LocalStepFunctions.create', () => {
  it('loads the platform workflow table', async () => {
    // Act
    const sfn = await LocalStepFunctions.create({ root: repositoryRoot, workflows: workflowList });
    await sfn.close();

    // Assess
    for (const workflow of workflowList) {
      expect(sfn.environment()[workflow.envVar]).toBe(sfn.stateMachineArn(workflow.id));
    }
  });

  it('refuses a placeholder with no task, naming the file and the placeholder', async () => {
    // Prepare
    const workflow = await variant((asl) => {
      (asl.States.Finish?.Parameters as Record<string, unknown>).FunctionName = missingPlaceholder;
      return asl;
    });

    // Act
    const starting = create(workflow);

    // Assess
    await expect(starting).rejects.toThrow(workflow.definitionFile);
    await expect(starting).rejects.toThrow(`no task in the workflow table for ${missingPlaceholder}`);
  });

  it("refuses an invalid definition with asl-validator's reasons", async () => {
    // Prepare
    const workflow = await variant((asl) => {
      delete asl.States.Flaky?.Next;
      return asl;
    });

    // Act
    const starting = create(workflow);

    // Assess
    await expect(starting).rejects.toThrow(/invalid ASL: .*Flaky/);
  });

  it('refuses a Task calling a resource it cannot run locally', async () => {
    // Prepare
    const workflow = await variant((asl) => {
      Object.assign(asl.States.Finish ?? {}, {
        Resource: 'arn:aws:states:::dynamodb:putItem',
        Parameters: { TableName: 'jobs', Item: {} },
      });
      return asl;
    });

    // Act
    const starting = create(workflow);

    // Assess
    await expect(starting).rejects.toThrow(/state Finish uses Resource arn:aws:states:::dynamodb:putItem/);
  });

  it('refuses a file that is not JSON', async () => {
    // Prepare
    const workflow = await variant(() => '{');
    await writeFile(join(root, workflow.definitionFile), '{ "StartAt": ');

    // Act
    const starting = create(workflow);

    // Assess
    await expect(starting).rejects.toThrow(/is not valid JSON/);
  });
});

describe('loadWorkflow', () => {
  it('substitutes local Lambda ARNs and binds every Task state', async () => {
    // Act
    const loaded = await loadWorkflow({
      root: repositoryRoot,
      workflow: fixtureWorkflow,
      region: 'eu-west-1',
      accountId: '123456789012',
    });

    // Assess
    expect(JSON.stringify(loaded.definition)).not.toContain('${');
    const states = loaded.definition.States as Record<string, { Parameters?: { FunctionName?: string } }>;
    expect(states.Prepare?.Parameters?.FunctionName).toBe(
      'arn:aws:lambda:eu-west-1:123456789012:function:Fixture-PrepareFunctionArn',
    );
    expect([...loaded.tasks.keys()].sort()).toEqual(['Finish', 'Flaky', 'MarkFailed', 'Prepare']);
    expect([...loaded.functions.values()].map((fn) => fn.placeholder).sort()).toEqual(
      Object.keys(fixtureWorkflow.tasks).sort(),
    );
  });
});

describe('LocalStepFunctions handler loading', () => {
  it('fails a step whose module is missing as Lambda does (Runtime.ImportModuleError), and catches it', async () => {
    // Prepare
    const workflow = await variant((asl) => asl, {
      ...fixtureWorkflow.tasks,
      FinishFunctionArn: {
        entry: 'test/fixtures/workflows/does-not-exist.ts',
        description: 'missing',
        grants: {},
      },
    });
    const sfn = await create(workflow);
    const client = new SFNClient({
      region: 'us-east-1',
      endpoint: sfn.url,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const name = randomUUID();

    // Act
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArn('Fixture'), name }),
    );
    let status = 'RUNNING';
    while (status === 'RUNNING') {
      await new Promise((resolve) => setTimeout(resolve, 10));
      status = (await client.send(new DescribeExecutionCommand({ executionArn }))).status ?? 'RUNNING';
    }
    client.destroy();
    await sfn.close();

    // Assess
    expect(status).toBe('FAILED');
    const marked = entriesFor(name).at(-1);
    expect(marked?.step).toBe('MarkFailed');
    expect(marked?.event).toMatchObject({ error: { Error: 'Runtime.ImportModuleError' } });
  });
});
