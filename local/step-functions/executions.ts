/**
 * Executions of the local state machines, run in the background of this process by
 * aws-local-stepfunctions with every Task state overridden to call the workflow's handler in-process.
 *
 * Executions live in memory only and are gone when the process stops: the state of a job is the job
 * row's business (DynamoDB), not the workflow engine's, so nothing of the platform reads an
 * execution after a restart. Retry intervals are shortened (the ASL's `MaxAttempts` still holds).
 */
import { randomUUID } from 'node:crypto';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import type { LoadedWorkflow, LocalFunction, TaskBinding } from './definitions.ts';
import { StepFunctionsError } from './errors.ts';
import type { LocalLambdaRuntime } from './lambda-runtime.ts';
import { LambdaInvocationFailure } from './lambda-runtime.ts';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** An execution as DescribeExecution reports it (times in epoch milliseconds). */
export interface Execution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: number;
  readonly status: ExecutionStatus;
  readonly stopDate?: number;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

type MutableExecution = { -readonly [K in keyof Execution]: Execution[K] };

/** A workflow registered as a local state machine. */
export interface LocalStateMachine {
  readonly arn: string;
  readonly name: string;
  readonly loaded: LoadedWorkflow;
  readonly machine: StateMachine;
}

export interface ExecutionRunnerOptions {
  readonly runtime: LocalLambdaRuntime;
  readonly roleArn: string;
  /** Milliseconds between retries of any `Retry` field. */
  readonly retryIntervalMs: number;
}

/**
 * Thrown by a task override once its execution is stopped, so that a retry after the abort starts no
 * handler. Neither retried nor caught: the run ends (its result was already settled by the abort).
 */
class ExecutionStoppedError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor() {
    super('The execution was stopped; no further state runs.');
    this.name = 'ExecutionStopped';
  }
}

export function createStateMachine(arn: string, name: string, loaded: LoadedWorkflow): LocalStateMachine {
  const machine = new StateMachine(loaded.definition as unknown as StateMachineDefinition);
  return { arn, name, loaded, machine };
}

export class ExecutionRunner {
  readonly #options: ExecutionRunnerOptions;
  readonly #executions = new Map<string, MutableExecution>();
  readonly #aborts = new Map<string, () => void>();

  constructor(options: ExecutionRunnerOptions) {
    this.#options = options;
  }

  /**
   * Starts an execution, or returns the running one with the same name and input (StartExecution is
   * idempotent on AWS in the same way). Any other reuse of a name is `ExecutionAlreadyExists`.
   */
  start(stateMachine: LocalStateMachine, name: string | undefined, input: string): Execution {
    const executionName = name ?? randomUUID();
    const executionArn = `${stateMachine.arn.replace(':stateMachine:', ':execution:')}:${executionName}`;
    const existing = this.#executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) return { ...existing };
      throw new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch (error) {
      throw new StepFunctionsError(
        'InvalidExecutionInput',
        `Invalid State Machine Execution Input: '${(error as Error).message}'`,
      );
    }

    const execution: MutableExecution = {
      executionArn,
      stateMachineArn: stateMachine.arn,
      name: executionName,
      input,
      startDate: Date.now(),
      status: 'RUNNING',
    };
    this.#executions.set(executionArn, execution);

    const { loaded } = stateMachine;
    const options: RunOptions = {
      overrides: {
        taskResourceLocalHandlers: Object.fromEntries(
          [...loaded.tasks].map(([stateName, binding]) => [
            stateName,
            (taskInput: unknown) => this.#runTask(execution, loaded, binding, taskInput),
          ]),
        ) as NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers'],
        retryIntervalOverrides: Object.fromEntries(
          loaded.retryableStates.map((stateName) => [stateName, this.#options.retryIntervalMs]),
        ),
      },
      context: {
        Execution: { Id: executionArn, Name: executionName, RoleArn: this.#options.roleArn },
        StateMachine: { Id: stateMachine.arn, Name: stateMachine.name },
      },
    };
    const run = stateMachine.machine.run(parsed as never, options);
    this.#aborts.set(executionArn, run.abort);
    run.result.then(
      (output) => this.#finish(execution, 'SUCCEEDED', { output: JSON.stringify(output ?? null) }),
      (error: unknown) => this.#finish(execution, ...outcomeOf(error)),
    );
    return { ...execution };
  }

  describe(executionArn: string): Execution {
    const execution = this.#executions.get(executionArn);
    if (!execution) {
      throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    }
    return { ...execution };
  }

  /**
   * Aborts a running execution: the state running now may finish, no further state starts. Stopping
   * an execution that has already ended changes nothing.
   */
  stop(executionArn: string, error?: string, cause?: string): Execution {
    const execution = this.#executions.get(executionArn);
    if (!execution) {
      throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    }
    if (execution.status === 'RUNNING') {
      this.#finish(execution, 'ABORTED', {
        ...(error === undefined ? {} : { error }),
        ...(cause === undefined ? {} : { cause }),
      });
      this.#aborts.get(executionArn)?.();
    }
    return { ...execution };
  }

  /** The executions of a state machine, newest first. */
  list(stateMachineArn: string, status?: ExecutionStatus): Execution[] {
    return [...this.#executions.values()]
      .filter((e) => e.stateMachineArn === stateMachineArn && (status === undefined || e.status === status))
      .reverse()
      .sort((a, b) => b.startDate - a.startDate)
      .map((e) => ({ ...e }));
  }

  /** Aborts every running execution (on shutdown). */
  abortAll(cause: string): void {
    for (const execution of this.#executions.values()) {
      if (execution.status === 'RUNNING') this.stop(execution.executionArn, undefined, cause);
    }
  }

  async #runTask(
    execution: Execution,
    loaded: LoadedWorkflow,
    binding: TaskBinding,
    input: unknown,
  ): Promise<unknown> {
    if (execution.status !== 'RUNNING') throw new ExecutionStoppedError();
    const { runtime } = this.#options;
    if (binding.kind === 'direct') return runtime.invoke(binding.fn, input);
    if (binding.kind === 'service') {
      // Caught like any task failure: the job row gets this reason.
      throw new LambdaInvocationFailure(
        'States.TaskFailed',
        `State ${binding.state} calls ${binding.resource}, which the local platform cannot run. ${binding.note}`,
      );
    }

    const { FunctionName, Payload } = (input ?? {}) as { FunctionName?: unknown; Payload?: unknown };
    const fn = findFunction(loaded, FunctionName);
    if (!fn) {
      throw new LambdaInvocationFailure(
        'Lambda.ResourceNotFoundException',
        `Function not found: ${String(FunctionName)} (not a task of workflow ${loaded.workflow.id})`,
      );
    }
    const result = await runtime.invoke(fn, Payload ?? {});
    // The shape of the optimized integration's result; the ASL selects `$.Payload`.
    return { ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200 };
  }

  #finish(
    execution: MutableExecution,
    status: Exclude<ExecutionStatus, 'RUNNING'>,
    details: Pick<Execution, 'output' | 'error' | 'cause'>,
  ): void {
    // A stopped execution stays ABORTED whatever its run reports afterwards.
    if (execution.status !== 'RUNNING') return;
    Object.assign(execution, details, { status, stopDate: Date.now() });
    this.#aborts.delete(execution.executionArn);
  }
}

/** A function of the workflow by ARN or by name, as Lambda accepts either. */
function findFunction(loaded: LoadedWorkflow, functionName: unknown): LocalFunction | undefined {
  if (typeof functionName !== 'string') return undefined;
  return (
    loaded.functions.get(functionName) ??
    [...loaded.functions.values()].find((fn) => fn.name === functionName)
  );
}

/** Status, error and cause of a run that did not succeed. */
function outcomeOf(
  error: unknown,
): [Exclude<ExecutionStatus, 'RUNNING'>, Pick<Execution, 'output' | 'error' | 'cause'>] {
  if (error instanceof ExecutionAbortedError) return ['ABORTED', {}];
  if (error instanceof ExecutionTimeoutError) {
    return [
      'TIMED_OUT',
      { error: 'States.Timeout', cause: "The execution ran past the state machine's TimeoutSeconds." },
    ];
  }
  if (error instanceof ExecutionError && error.cause instanceof Error) {
    return ['FAILED', { error: error.cause.name, cause: error.cause.message }];
  }
  return [
    'FAILED',
    { error: 'States.Runtime', cause: error instanceof Error ? error.message : String(error) },
  ];
}
