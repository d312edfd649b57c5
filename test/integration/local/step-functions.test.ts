/**
 * The local Step Functions driven the way the platform drives AWS: the real SFN client with only its
 * endpoint overridden, running the fixture workflow (test/fixtures/workflows) whose handlers record
 * what they were given in a journal shared with this test (they run in-process).
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStepFunctions } from '../../../local/step-functions/step-functions.ts';
import { entriesFor, type FixtureOptions } from '../../fixtures/workflows/journal.ts';
import { fixtureWorkflow } from '../../fixtures/workflows/workflows.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

let sfn: LocalStepFunctions;
let client: SFNClient;
let stateMachineArn: string;

beforeAll(async () => {
  sfn = await LocalStepFunctions.create({
    root,
    workflows: [fixtureWorkflow],
    region: 'eu-west-1',
    accountId: '123456789012',
  });
  stateMachineArn = sfn.stateMachineArn('Fixture');
  // What AWS_ENDPOINT_URL_SFN does for the platform's shared client.
  client = new SFNClient({
    region: 'eu-west-1',
    endpoint: sfn.environment().AWS_ENDPOINT_URL_SFN,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client?.destroy();
  await sfn?.close();
});

async function start(options: FixtureOptions = {}, name: string = randomUUID()) {
  const { executionArn } = await client.send(
    new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(options) }),
  );
  return { name, executionArn: executionArn as string };
}

/** Polls DescribeExecution until the execution has ended. */
async function settled(executionArn: string, timeoutMs = 5000): Promise<DescribeExecutionCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') return execution;
    if (Date.now() > deadline) throw new Error(`${executionArn} still RUNNING after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LocalStepFunctions state machines', () => {
  it('names the state machine and the endpoint for the functions', () => {
    // Act
    const environment = sfn.environment();

    // Assess
    expect(stateMachineArn).toBe('arn:aws:states:eu-west-1:123456789012:stateMachine:Fixture');
    expect(environment).toEqual({
      AWS_ENDPOINT_URL_SFN: sfn.url,
      FIXTURE_STATE_MACHINE_ARN: stateMachineArn,
    });
    expect(() => sfn.stateMachineArn('Nope')).toThrow(/no workflow Nope/);
  });
});

describe('LocalStepFunctions StartExecution / DescribeExecution', () => {
  it('runs every step to SUCCEEDED and reports the output', async () => {
    // Prepare
    const { name, executionArn } = await start();

    // Act
    const execution = await settled(executionArn);

    // Assess
    expect(executionArn).toBe(`arn:aws:states:eu-west-1:123456789012:execution:Fixture:${name}`);
    expect(execution).toMatchObject({
      executionArn,
      stateMachineArn,
      name,
      status: 'SUCCEEDED',
      input: '{}',
      startDate: expect.any(Date),
      stopDate: expect.any(Date),
    });
    expect(execution.error).toBeUndefined();
    expect(JSON.parse(execution.output as string)).toEqual({
      jobId: name,
      options: {},
      steps: ['Prepare', 'Flaky', 'Finish'],
      attempts: 1,
    });
    const journal = entriesFor(name);
    expect(journal.map((entry) => entry.step)).toEqual(['Prepare', 'Flaky', 'Finish']);
    // The execution name reaches the first step through $$.Execution.Name; each step runs as its function.
    expect(journal[0]?.event).toEqual({ jobId: name, input: {} });
    expect(journal.map((entry) => entry.functionName)).toEqual([
      'Fixture-PrepareFunctionArn',
      'Fixture-FlakyFunctionArn',
      'Fixture-FinishFunctionArn',
    ]);
  });

  it('names an execution with a UUID when no name is given', async () => {
    // Act
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn }));
    const execution = await settled(executionArn as string);

    // Assess
    expect(execution.name).toMatch(/^[0-9a-f-]{36}$/);
    expect(execution.status).toBe('SUCCEEDED');
  });

  it('retries a step that throws TransientError, with the ASL retry count and without its delays', async () => {
    // Prepare
    const started = Date.now();
    const { name, executionArn } = await start({ transientFailures: 2 });

    // Act
    const execution = await settled(executionArn);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output as string)).toMatchObject({ attempts: 3 });
    expect(entriesFor(name).map((entry) => entry.step)).toEqual([
      'Prepare',
      'Flaky',
      'Flaky',
      'Flaky',
      'Finish',
    ]);
    // IntervalSeconds 2 with BackoffRate 2 would be 6 s on AWS.
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('gives up after MaxAttempts retries and runs the catch state', async () => {
    // Prepare
    const { name, executionArn } = await start({ transientFailures: 10 });

    // Act
    const execution = await settled(executionArn);

    // Assess
    const steps = entriesFor(name).map((entry) => entry.step);
    expect(steps).toEqual(['Prepare', 'Flaky', 'Flaky', 'Flaky', 'Flaky', 'MarkFailed']);
    expect(execution.status).toBe('FAILED');
    const marked = entriesFor(name).at(-1)?.event as { error: { Error: string; Cause: string } };
    expect(marked.error.Error).toBe('TransientError');
  });

  it('catches any other error without retrying and hands the catch state Lambda-like Error and Cause', async () => {
    // Prepare
    const { name, executionArn } = await start({ failWith: 'DatasetValidationError' });

    // Act
    const execution = await settled(executionArn);

    // Assess
    expect(entriesFor(name).map((entry) => entry.step)).toEqual(['Prepare', 'Flaky', 'MarkFailed']);
    const marked = entriesFor(name).at(-1)?.event as {
      jobId: string;
      error: { Error: string; Cause: string };
    };
    expect(marked.jobId).toBe(name);
    expect(marked.error.Error).toBe('DatasetValidationError');
    const cause = JSON.parse(marked.error.Cause);
    expect(cause).toMatchObject({
      errorType: 'DatasetValidationError',
      errorMessage: 'column "price" is not numeric',
    });
    expect(cause.trace[0]).toContain('DatasetValidationError');
    // The execution ends in the Fail state after the failure was recorded.
    expect(execution).toMatchObject({
      status: 'FAILED',
      error: 'FixtureJobFailed',
      cause: 'A step failed; the job row holds the reason.',
    });
    expect(execution.output).toBeUndefined();
  });
});

describe('LocalStepFunctions StopExecution', () => {
  it('aborts the execution: the running step finishes, no later step starts', async () => {
    // Prepare
    const { name, executionArn } = await start({ slowMs: 200 });
    await sleep(20);

    // Act
    const { stopDate } = await client.send(
      new StopExecutionCommand({ executionArn, error: 'JobCancelled', cause: 'Cancelled by alice' }),
    );
    const right = await client.send(new DescribeExecutionCommand({ executionArn }));
    await sleep(400);
    const later = await client.send(new DescribeExecutionCommand({ executionArn }));

    // Assess
    expect(stopDate).toBeInstanceOf(Date);
    expect(right).toMatchObject({ status: 'ABORTED', error: 'JobCancelled', cause: 'Cancelled by alice' });
    expect(right.stopDate).toEqual(stopDate);
    expect(later.status).toBe('ABORTED');
    expect(later.output).toBeUndefined();
    expect(entriesFor(name).map((entry) => entry.step)).toEqual(['Prepare']);
  });

  it('leaves an ended execution as it was', async () => {
    // Prepare
    const { executionArn } = await start();
    const ended = await settled(executionArn);

    // Act
    const { stopDate } = await client.send(new StopExecutionCommand({ executionArn }));
    const after = await client.send(new DescribeExecutionCommand({ executionArn }));

    // Assess
    expect(stopDate).toEqual(ended.stopDate);
    expect(after.status).toBe('SUCCEEDED');
  });

  it('answers ExecutionDoesNotExist for an unknown execution', async () => {
    // Act
    const stopping = client.send(
      new StopExecutionCommand({
        executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:nope`,
      }),
    );

    // Assess
    await expect(stopping).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  });
});

describe('LocalStepFunctions StartExecution idempotency', () => {
  it('returns the running execution for the same name and input, and refuses other input', async () => {
    // Prepare
    const name = randomUUID();
    const input = JSON.stringify({ slowMs: 150 });
    const first = await client.send(new StartExecutionCommand({ stateMachineArn, name, input }));

    // Act
    const again = await client.send(new StartExecutionCommand({ stateMachineArn, name, input }));
    const other = client.send(
      new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify({ slowMs: 1 }) }),
    );

    // Assess
    expect(again).toMatchObject({ executionArn: first.executionArn, startDate: first.startDate });
    await expect(other).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await settled(first.executionArn as string);
    expect(entriesFor(name).filter((entry) => entry.step === 'Prepare')).toHaveLength(1);
  });

  it('refuses the name of an ended execution even with the same input, as AWS does', async () => {
    // Prepare
    const { name, executionArn } = await start();
    await settled(executionArn);

    // Act
    const again = client.send(new StartExecutionCommand({ stateMachineArn, name, input: '{}' }));

    // Assess
    await expect(again).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
  });
});

describe('LocalStepFunctions errors', () => {
  it('answers ExecutionDoesNotExist for an unknown execution ARN', async () => {
    // Prepare
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${randomUUID()}`;

    // Act
    const describing = client.send(new DescribeExecutionCommand({ executionArn }));

    // Assess
    await expect(describing).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    await expect(describing).rejects.toMatchObject({
      name: 'ExecutionDoesNotExist',
      message: expect.stringContaining(executionArn),
      $metadata: { httpStatusCode: 400 },
    });
  });

  it.each([
    ['a malformed ARN', 'not-an-arn'],
    ['a state machine ARN', 'arn:aws:states:eu-west-1:123456789012:stateMachine:Fixture'],
  ])('answers InvalidArn for %s', async (_case, executionArn) => {
    // Act
    const describing = client.send(new DescribeExecutionCommand({ executionArn }));

    // Assess
    await expect(describing).rejects.toMatchObject({ name: 'InvalidArn' });
  });

  it('answers StateMachineDoesNotExist, InvalidExecutionInput and InvalidName on bad starts', async () => {
    // Act
    const unknown = client.send(
      new StartExecutionCommand({ stateMachineArn: stateMachineArn.replace('Fixture', 'Other') }),
    );
    const badInput = client.send(new StartExecutionCommand({ stateMachineArn, input: '{"unclosed": ' }));
    const badName = client.send(new StartExecutionCommand({ stateMachineArn, name: 'has space' }));

    // Assess
    await expect(unknown).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    await expect(badInput).rejects.toMatchObject({ name: 'InvalidExecutionInput' });
    await expect(badName).rejects.toMatchObject({ name: 'InvalidName' });
  });

  it('answers UnknownOperationException for an operation it does not implement', async () => {
    // Act
    const response = await fetch(sfn.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSStepFunctions.CreateStateMachine',
      },
      body: '{}',
    });

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });
});

describe('LocalStepFunctions ListExecutions', () => {
  it("lists a state machine's executions newest first, filtered by status and paginated", async () => {
    // Prepare
    const running = await start({ slowMs: 300 });
    const done = await start();
    await settled(done.executionArn);

    // Act
    const all = await client.send(new ListExecutionsCommand({ stateMachineArn }));
    const runningOnly = await client.send(
      new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING' }),
    );
    const firstPage = await client.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1 }));
    const secondPage = await client.send(
      new ListExecutionsCommand({ stateMachineArn, maxResults: 1, nextToken: firstPage.nextToken }),
    );

    // Assess
    const arns = all.executions?.map((e) => e.executionArn) ?? [];
    expect(arns.indexOf(done.executionArn)).toBeLessThan(arns.indexOf(running.executionArn));
    expect(runningOnly.executions?.map((e) => e.executionArn)).toEqual([running.executionArn]);
    expect(runningOnly.executions?.[0]).toMatchObject({
      name: running.name,
      status: 'RUNNING',
      startDate: expect.any(Date),
    });
    expect(firstPage.executions).toHaveLength(1);
    expect(secondPage.executions?.[0]?.executionArn).toBe(arns[1]);
    await settled(running.executionArn);
  });
});

describe('LocalStepFunctions close', () => {
  it('aborts running executions and waits for the running step', async () => {
    // Prepare
    const local = await LocalStepFunctions.create({ root, workflows: [fixtureWorkflow] });
    const localClient = new SFNClient({
      region: 'us-east-1',
      endpoint: local.url,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const name = randomUUID();
    await localClient.send(
      new StartExecutionCommand({
        stateMachineArn: local.stateMachineArn('Fixture'),
        name,
        input: JSON.stringify({ slowMs: 100 }),
      }),
    );
    localClient.destroy();
    await sleep(20);

    // Act
    await local.close();
    await sleep(100);

    // Assess
    expect(entriesFor(name).map((entry) => entry.step)).toEqual(['Prepare']);
  });
});
