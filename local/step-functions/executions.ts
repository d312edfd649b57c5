/**
 * Executions of the local state machines, run in the background of this process by
 * aws-local-stepfunctions with every Task state overridden to call the workflow's handler in-process.
 * Retry intervals are shortened (the ASL's `MaxAttempts` still holds).
 *
 * With a store, every execution is written to disk as it starts and as it ends. A run cannot outlive
 * its process, so at the next start the executions that were still running are ended (ABORTED, "the
 * local platform stopped during the execution"). An execution that ends with a status its workflow's
 * `onExecutionEnd` function is sent (FAILED, TIMED_OUT, ABORTED for training) gets EventBridge's
 * status change event delivered to that function, as the deployed EventBridge rule does: that is what
 * ends a job whose execution died. A delivery is recorded as pending until the function has taken it,
 * so one a stop interrupted is made at the next start.
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
import type { ExecutionStore } from './execution-store.ts';
import type { LocalLambdaRuntime } from './lambda-runtime.ts';
import { LambdaInvocationFailure } from './lambda-runtime.ts';
import { executionStatusChangeEvent } from './status-events.ts';

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
  /** The state machines by ARN: an execution's workflow, for its `onExecutionEnd` function. */
  readonly stateMachines: ReadonlyMap<string, LocalStateMachine>;
  /** Keeps executions across restarts; without one they live in this process only. */
  readonly store?: ExecutionStore;
  /** Where failed event deliveries and unreadable stored executions are reported. */
  readonly onError: (error: unknown) => void;
}

/** The error of an execution ended because the process that ran it stopped. */
export const INTERRUPTED_ERROR = 'Local.PlatformStopped';
export const INTERRUPTED_CAUSE = 'The local platform stopped during the execution.';

/** Attempts at delivering an end event before it waits for the next start. */
const DELIVERY_ATTEMPTS = 3;
const DELIVERY_BACKOFF_MS = 200;
/** Ended executions are kept this long on disk, as Step Functions keeps them (90 days). */
const RETENTION_MS = 90 * 24 * 3600 * 1000;

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
  /** Executions whose end event is still to be delivered, by ARN. */
  readonly #pendingEvents = new Set<string>();
  readonly #deliveries = new Set<Promise<void>>();
  #sendingEvents = false;

  constructor(options: ExecutionRunnerOptions) {
    this.#options = options;
    const { store } = options;
    if (store === undefined) return;
    const records = store.load((file, error) =>
      options.onError(new Error(`Skipped the unreadable execution record ${file}`, { cause: error })),
    );
    const oldest = Date.now() - RETENTION_MS;
    for (const { execution, endEvent } of records) {
      if (endEvent !== 'pending' && execution.stopDate !== undefined && execution.stopDate < oldest) {
        store.remove(execution.executionArn);
        continue;
      }
      this.#executions.set(execution.executionArn, { ...execution });
      if (endEvent === 'pending') this.#pendingEvents.add(execution.executionArn);
    }
  }

  /**
   * Ends, as ABORTED, the stored executions that were running when the process that ran them stopped
   * (no run of this process has them). Their end events wait for `startSendingEndEvents`.
   * @returns how many it ended.
   */
  endInterrupted(): number {
    let ended = 0;
    for (const execution of this.#executions.values()) {
      if (execution.status !== 'RUNNING' || this.#aborts.has(execution.executionArn)) continue;
      this.#finish(execution, 'ABORTED', { error: INTERRUPTED_ERROR, cause: INTERRUPTED_CAUSE });
      ended += 1;
    }
    return ended;
  }

  /**
   * Delivers the end events still pending (executions ended by `endInterrupted`, deliveries a stop
   * interrupted), then each one as its execution ends. Call it once the functions' environment is set:
   * the handlers run in this process and read it.
   */
  async startSendingEndEvents(): Promise<void> {
    this.#sendingEvents = true;
    await Promise.all(
      [...this.#pendingEvents].map((arn) => {
        const execution = this.#executions.get(arn);
        return execution ? this.#deliver(execution) : Promise.resolve();
      }),
    );
  }

  /** Resolves when every end event being delivered has been, or after `timeoutMs`. */
  async deliveriesSettled(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((done) => {
      timer = setTimeout(done, timeoutMs);
    });
    await Promise.race([Promise.all([...this.#deliveries]), timeout]);
    clearTimeout(timer);
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
    this.#save(execution);

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

  /** Aborts every running execution (on shutdown), as the process going away would. */
  abortAll(): void {
    for (const execution of this.#executions.values()) {
      if (execution.status === 'RUNNING') {
        this.stop(execution.executionArn, INTERRUPTED_ERROR, INTERRUPTED_CAUSE);
      }
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
    const { loaded } = this.#options.stateMachines.get(execution.stateMachineArn) ?? {};
    const wantsEvent =
      loaded?.executionEndFunction !== undefined && loaded.workflow.onExecutionEnd?.statuses.includes(status);
    if (wantsEvent) this.#pendingEvents.add(execution.executionArn);
    this.#save(execution);
    if (wantsEvent && this.#sendingEvents) void this.#deliver(execution);
  }

  #save(execution: Execution): void {
    const endEvent = this.#pendingEvents.has(execution.executionArn)
      ? 'pending'
      : execution.status === 'RUNNING'
        ? 'none'
        : 'delivered';
    this.#options.store?.save({ execution: { ...execution }, endEvent });
  }

  /** Sends the end event to the workflow's `onExecutionEnd` function, retrying a few times. */
  #deliver(execution: Execution): Promise<void> {
    const delivery = (async () => {
      const { loaded } = this.#options.stateMachines.get(execution.stateMachineArn) ?? {};
      const fn = loaded?.executionEndFunction;
      if (fn === undefined) return;
      const event = executionStatusChangeEvent(execution);
      for (let attempt = 1; ; attempt += 1) {
        try {
          await this.#options.runtime.invoke(fn, event);
          break;
        } catch (error) {
          if (attempt >= DELIVERY_ATTEMPTS) {
            this.#options.onError(
              new Error(
                `The end event of ${execution.executionArn} was not delivered to ${fn.name}; the next start tries again.`,
                { cause: error },
              ),
            );
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, DELIVERY_BACKOFF_MS * attempt));
        }
      }
      this.#pendingEvents.delete(execution.executionArn);
      this.#save(execution);
    })();
    this.#deliveries.add(delivery);
    void delivery.finally(() => this.#deliveries.delete(delivery));
    return delivery;
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
