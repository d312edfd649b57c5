/**
 * The training workflow (state-machines/training.asl.json) run by the local ASL executor with named
 * cases of mocked task results, asserting on the path taken and on what each step receives.
 */
import { fileURLToPath } from 'node:url';
import { type RunOptions, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { workflows } from '../../../functions/steps/workflows.ts';
import { type LoadedWorkflow, loadWorkflow } from '../../../local/step-functions/definitions.ts';
import { failureOf } from '../../../local/step-functions/lambda-runtime.ts';

type Mock = (payload: any, attempt: number) => unknown;

const root = fileURLToPath(new URL('../../../', import.meta.url));
const steps = ['Preprocess', 'Features', 'Train', 'SelectModel', 'RegisterModel'] as const;

let loaded: LoadedWorkflow;

beforeAll(async () => {
  loaded = await loadWorkflow({
    root,
    workflow: workflows.training,
    region: 'us-east-1',
    accountId: '123456789012',
  });
});

const namedError = (name: string, message: string) => Object.assign(new Error(message), { name });

/**
 * Runs the workflow with `mocks` answering by state name (default: the payload with the step appended)
 * and returns the states called, in order, with their payloads.
 */
async function run(mocks: Partial<Record<string, Mock>>, input: unknown = { datasetName: 'iris' }) {
  const calls: { state: string; functionName: string; payload: any }[] = [];
  const attempts = new Map<string, number>();
  const handlers = Object.fromEntries(
    [...loaded.tasks.keys()].map((state) => [
      state,
      async ({ FunctionName, Payload }: { FunctionName: string; Payload: any }) => {
        calls.push({ state, functionName: FunctionName, payload: Payload });
        const attempt = (attempts.get(state) ?? 0) + 1;
        attempts.set(state, attempt);
        const mock =
          mocks[state] ?? ((payload: any) => ({ ...payload, done: [...(payload.done ?? []), state] }));
        try {
          return { Payload: await mock(Payload, attempt), StatusCode: 200 };
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
    context: { Execution: { Name: 'job-123' } },
  };
  const machine = new StateMachine(loaded.definition as unknown as StateMachineDefinition);
  const execution = machine.run(input as never, options);
  const outcome = await execution.result.then(
    (output) => ({ status: 'SUCCEEDED', output }) as const,
    (error: Error) => ({ status: 'FAILED', error: error.cause as Error }) as const,
  );
  return { calls, path: calls.map((call) => call.state), outcome };
}

describe('training workflow', () => {
  it("runs every step in order and succeeds, each step getting the previous one's result", async () => {
    // Act
    const { calls, path, outcome } = await run({
      Preprocess: (payload) => ({ jobId: payload.jobId, done: ['Preprocess'] }),
    });

    // Assess
    expect(path).toEqual([...steps]);
    expect(calls[0]?.payload).toEqual({ jobId: 'job-123', input: { datasetName: 'iris' } });
    expect(calls[1]?.payload).toEqual({ jobId: 'job-123', done: ['Preprocess'] });
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { jobId: 'job-123', done: [...steps] } });
    expect(calls[0]?.functionName).toBe(
      'arn:aws:lambda:us-east-1:123456789012:function:Training-PreprocessFunctionArn',
    );
  });

  it('retries a step that throws TransientError and goes on', async () => {
    // Act
    const { path, outcome } = await run({
      Train: (payload, attempt) => {
        if (attempt <= 2) throw namedError('TransientError', 'throttled');
        return payload;
      },
    });

    // Assess
    expect(path).toEqual([
      'Preprocess',
      'Features',
      'Train',
      'Train',
      'Train',
      'SelectModel',
      'RegisterModel',
    ]);
    expect(outcome.status).toBe('SUCCEEDED');
  });

  it('stops retrying after MaxAttempts and marks the job failed', async () => {
    // Act
    const { path } = await run({
      Features: () => {
        throw namedError('TransientError', 'still throttled');
      },
    });

    // Assess
    expect(path).toEqual(['Preprocess', 'Features', 'Features', 'Features', 'Features', 'MarkJobFailed']);
  });

  it.each(steps)(
    'marks the job failed with the error when %s fails, then fails the execution',
    async (step) => {
      // Act
      const { calls, path, outcome } = await run({
        [step]: () => {
          throw namedError('DatasetValidationError', 'no numeric column');
        },
      });

      // Assess
      expect(path).toEqual([...steps.slice(0, steps.indexOf(step) + 1), 'MarkJobFailed']);
      const marked = calls.at(-1)?.payload;
      expect(marked.jobId).toBe('job-123');
      expect(marked.error.Error).toBe('DatasetValidationError');
      expect(JSON.parse(marked.error.Cause)).toMatchObject({
        errorType: 'DatasetValidationError',
        errorMessage: 'no numeric column',
      });
      expect(outcome.status).toBe('FAILED');
      expect(outcome.status === 'FAILED' && outcome.error.name).toBe('TrainingJobFailed');
    },
  );

  it('retries recording the failure on any error', async () => {
    // Act
    const { path, outcome } = await run({
      Train: () => {
        throw namedError('Error', 'boom');
      },
      MarkJobFailed: (_payload, attempt) => {
        if (attempt === 1) throw namedError('ProvisionedThroughputExceededException', 'slow down');
        return {};
      },
    });

    // Assess
    expect(path.slice(-2)).toEqual(['MarkJobFailed', 'MarkJobFailed']);
    expect(outcome.status === 'FAILED' && outcome.error.name).toBe('TrainingJobFailed');
  });
});
