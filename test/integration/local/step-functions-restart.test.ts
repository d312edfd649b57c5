/**
 * The local Step Functions with a data directory: executions are on disk as they start and end, a
 * restart ends those the stopped process left running (ABORTED), and executions ending FAILED,
 * TIMED_OUT or ABORTED get EventBridge's status change event delivered to the workflow's
 * `onExecutionEnd` function, again at the next start if a delivery did not get through. A second
 * instance on the same directory stands in for the restarted process: it knows only what is on disk.
 * (The e2e test kills a real process: test/e2e/interrupted-jobs.test.ts.)
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalStepFunctions } from '../../../local/step-functions/step-functions.ts';
import { entriesFor, type FixtureOptions } from '../../fixtures/workflows/journal.ts';
import { fixtureEndTask, fixtureWorkflow } from '../../fixtures/workflows/workflows.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const workflow = { ...fixtureWorkflow, onExecutionEnd: fixtureEndTask };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const open: { sfn: LocalStepFunctions; client: SFNClient }[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const { sfn, client } of open.splice(0)) {
    client.destroy();
    await sfn.close();
  }
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mlp-sfn-'));
  dirs.push(dir);
  return dir;
}

async function startServer(dataDir: string, errors: unknown[] = []) {
  const sfn = await LocalStepFunctions.create({
    root,
    workflows: [workflow],
    dataDir,
    onError: (error) => errors.push(error),
  });
  const client = new SFNClient({
    region: 'us-east-1',
    endpoint: sfn.url,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  open.push({ sfn, client });
  await sfn.startSendingEndEvents();
  return { sfn, client };
}

async function startExecution(
  server: { sfn: LocalStepFunctions; client: SFNClient },
  options: FixtureOptions,
) {
  const name = randomUUID();
  const { executionArn } = await server.client.send(
    new StartExecutionCommand({
      stateMachineArn: server.sfn.stateMachineArn('Fixture'),
      name,
      input: JSON.stringify(options),
    }),
  );
  return { name, executionArn: executionArn as string };
}

async function until<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not done after ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await sleep(20);
  }
}

const endEvents = (name: string) => entriesFor(name).filter((entry) => entry.step === 'ExecutionEnded');

describe('LocalStepFunctions with a data directory', () => {
  it('ends, at the next start, an execution the stopped process left running, and sends its end event', async () => {
    // Prepare: the first process is mid-step when the second starts on its data directory.
    const dataDir = await newDataDir();
    const first = await startServer(dataDir);
    const { name, executionArn } = await startExecution(first, { slowMs: 3000 });
    await sleep(50);

    // Act
    const second = await startServer(dataDir);
    const execution = await second.client.send(new DescribeExecutionCommand({ executionArn }));

    // Assess
    expect(execution).toMatchObject({
      status: 'ABORTED',
      error: 'Local.PlatformStopped',
      cause: 'The local platform stopped during the execution.',
    });
    const [delivered, ...more] = endEvents(name);
    expect(more).toEqual([]);
    expect(delivered?.functionName).toBe('Fixture-ExecutionEnded');
    expect(delivered?.event).toMatchObject({
      version: '0',
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: '000000000000',
      region: 'us-east-1',
      resources: [executionArn],
      detail: {
        executionArn,
        stateMachineArn: second.sfn.stateMachineArn('Fixture'),
        name,
        status: 'ABORTED',
        startDate: execution.startDate?.getTime(),
        stopDate: execution.stopDate?.getTime(),
        input: JSON.stringify({ slowMs: 3000 }),
        output: null,
        error: 'Local.PlatformStopped',
        cause: 'The local platform stopped during the execution.',
      },
    });
  });

  it('sends the end event of a failed execution as it ends, and none for a succeeded one', async () => {
    // Prepare
    const server = await startServer(await newDataDir());

    // Act
    const failed = await startExecution(server, { failWith: 'Boom' });
    const succeeded = await startExecution(server, {});
    await until(
      () => endEvents(failed.name).length,
      (count) => count > 0,
    );
    const ok = await until(
      () => server.client.send(new DescribeExecutionCommand({ executionArn: succeeded.executionArn })),
      (execution) => execution.status !== 'RUNNING',
    );
    await sleep(100);

    // Assess
    expect(endEvents(failed.name)[0]?.event).toMatchObject({
      detail: { status: 'FAILED', error: 'FixtureJobFailed' },
    });
    expect(ok.status).toBe('SUCCEEDED');
    expect(endEvents(succeeded.name)).toEqual([]);
  });

  it('retries a refused delivery, and keeps one that never got through for the next start', async () => {
    // Prepare
    const dataDir = await newDataDir();
    const errors: unknown[] = [];
    const first = await startServer(dataDir, errors);
    const retried = await startExecution(first, { failWith: 'Boom', endEventFailures: 1 });
    const refused = await startExecution(first, { failWith: 'Boom', endEventFailures: 3 });
    await until(
      () => errors.length,
      (count) => count > 0,
    );
    await until(
      () => endEvents(retried.name).length,
      (count) => count > 0,
    );

    // Act
    await startServer(dataDir);
    const deliveredAtRestart = endEvents(refused.name).length;
    await startServer(dataDir);

    // Assess
    expect(endEvents(retried.name)).toHaveLength(1);
    expect(String((errors[0] as Error).message)).toContain(refused.executionArn);
    expect(deliveredAtRestart).toBe(1);
    // Delivered once: a later start does not send it again.
    expect(endEvents(refused.name)).toHaveLength(1);
  });

  it('keeps ended executions across a restart: described as they were, their names taken', async () => {
    // Prepare
    const dataDir = await newDataDir();
    const first = await startServer(dataDir);
    const { name, executionArn } = await startExecution(first, {});
    const ended = await until(
      () => first.client.send(new DescribeExecutionCommand({ executionArn })),
      (execution) => execution.status !== 'RUNNING',
    );

    // Act
    const second = await startServer(dataDir);
    const described = await second.client.send(new DescribeExecutionCommand({ executionArn }));
    const reuse = second.client.send(
      new StartExecutionCommand({
        stateMachineArn: second.sfn.stateMachineArn('Fixture'),
        name,
        input: '{}',
      }),
    );

    // Assess
    expect(described).toMatchObject({ status: 'SUCCEEDED', output: ended.output, stopDate: ended.stopDate });
    await expect(reuse).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    expect((await readdir(dataDir)).filter((file) => file.endsWith('.tmp'))).toEqual([]);
  });
});
