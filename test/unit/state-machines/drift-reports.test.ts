/**
 * The drift-reports workflow (state-machines/drift-reports.asl.json) run by the local ASL executor
 * with named cases of mocked task results, asserting on the path taken and on what each step
 * receives. Lambda tasks are mocked at the `lambda:invoke` integration.
 */
import { fileURLToPath } from 'node:url';
import { type RunOptions, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { workflows } from '../../../functions/steps/workflows.ts';
import { type LoadedWorkflow, loadWorkflow } from '../../../local/step-functions/definitions.ts';
import { failureOf } from '../../../local/step-functions/lambda-runtime.ts';

type Mock = (payload: any, attempt: number) => unknown;

const root = fileURLToPath(new URL('../../../', import.meta.url));
let loaded: LoadedWorkflow;

beforeAll(async () => {
  loaded = await loadWorkflow({
    root,
    workflow: workflows.driftReports,
    region: 'us-east-1',
    accountId: '123456789012',
  });
});

const namedError = (name: string, message: string) => Object.assign(new Error(message), { name });
const input = { model: 'iris', version: 2, reportId: '20261208T010000000Z-0a1b2c3d' };

async function run(mocks: Record<string, Mock>) {
  const calls: { state: string; payload: any }[] = [];
  const attempts = new Map<string, number>();
  const handlers = Object.fromEntries(
    [...loaded.tasks.keys()].map((state) => [
      state,
      async (request: any) => {
        calls.push({ state, payload: request.Payload });
        const attempt = (attempts.get(state) ?? 0) + 1;
        attempts.set(state, attempt);
        try {
          return { Payload: await mocks[state]?.(request.Payload, attempt), StatusCode: 200 };
        } catch (error) {
          throw failureOf(error);
        }
      },
    ]),
  );
  const options: RunOptions = {
    overrides: {
      taskResourceLocalHandlers: handlers as never,
      retryIntervalOverrides: Object.fromEntries(loaded.retryableStates.map((state) => [state, 0])),
    },
    context: { Execution: { Name: input.reportId } },
  };
  const machine = new StateMachine(loaded.definition as unknown as StateMachineDefinition, {
    validationOptions: { noValidate: true },
  });
  const outcome = await machine.run(input as never, options).result.then(
    () => 'SUCCEEDED' as const,
    () => 'FAILED' as const,
  );
  return { calls, path: calls.map((call) => call.state), outcome };
}

describe('drift-reports workflow', () => {
  it('computes the report with the run key it was started with', async () => {
    const { calls, outcome } = await run({ ComputeReport: () => ({ status: 'SUCCEEDED' }) });
    expect(calls).toEqual([{ state: 'ComputeReport', payload: input }]);
    expect(outcome).toBe('SUCCEEDED');
  });

  it('retries a transient failure and goes on', async () => {
    const { path, outcome } = await run({
      ComputeReport: (_payload, attempt) => {
        if (attempt === 1) throw namedError('TransientError', 'S3 throttled');
        return { status: 'SUCCEEDED' };
      },
    });
    expect(path).toEqual(['ComputeReport', 'ComputeReport']);
    expect(outcome).toBe('SUCCEEDED');
  });

  it("records a platform fault on the run and fails the execution (the alarms' business)", async () => {
    const { calls, outcome } = await run({
      ComputeReport: () => {
        throw namedError('Error', 'the capture is not JSON');
      },
      MarkReportFailed: () => null,
    });
    expect(calls.map((c) => c.state)).toEqual(['ComputeReport', 'MarkReportFailed']);
    expect(calls[1]?.payload).toMatchObject({ ...input, error: { Error: 'Error' } });
    expect(JSON.parse(calls[1]?.payload.error.Cause).errorMessage).toBe('the capture is not JSON');
    expect(outcome).toBe('FAILED');
  });

  it('records a refused request on the run and ends the execution as succeeded', async () => {
    const { path, outcome } = await run({
      ComputeReport: () => {
        throw namedError('UserDataError', 'Model iris has no version 2.');
      },
      MarkReportFailed: () => null,
    });
    expect(path).toEqual(['ComputeReport', 'MarkReportFailed']);
    expect(outcome).toBe('SUCCEEDED');
  });
});
