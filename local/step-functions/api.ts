/**
 * The subset of the Step Functions JSON protocol (awsJson1_0) the platform uses: request
 * `X-Amz-Target: AWSStepFunctions.<Operation>` → parse the body → run on the local executions →
 * answer in Step Functions' shapes (timestamps as epoch seconds). Errors are `StepFunctionsError`s whose
 * `type` the server sends as `__type`.
 */
import { z } from 'zod';
import { StepFunctionsError } from './errors.ts';
import type { Execution, ExecutionRunner, LocalStateMachine } from './executions.ts';

export const TARGET_PREFIX = 'AWSStepFunctions.';

export interface ApiContext {
  readonly runner: ExecutionRunner;
  /** The local state machines by ARN. */
  readonly stateMachines: ReadonlyMap<string, LocalStateMachine>;
}

interface Operation<S extends z.ZodType> {
  readonly input: S;
  run(context: ApiContext, input: z.output<S>): unknown;
}

const operation = <S extends z.ZodType>(definition: Operation<S>): Operation<S> => definition;

const seconds = (epochMillis: number): number => epochMillis / 1000;

const MAX_INPUT_BYTES = 256 * 1024;
const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'] as const;

const arnString = z.string().min(1).max(2048);

/** `arn:<partition>:states:<region>:<account>:<stateMachine|execution>:<name>[:<execution name>]`. */
const ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:(stateMachine|execution):([^:]+)(?::([^:]+))?$/;

function assertArn(arn: string, kind: 'stateMachine' | 'execution'): void {
  const match = ARN.exec(arn);
  if (!match) throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${arn}'`);
  const hasExecutionName = match[3] !== undefined;
  if (match[1] !== kind || hasExecutionName !== (kind === 'execution')) {
    throw new StepFunctionsError(
      'InvalidArn',
      `Invalid Arn: 'Resource type not valid in this context: ${match[1]}'`,
    );
  }
}

/** Step Functions' rule for execution names: 1–80 characters, none of whitespace, brackets, wildcards, specials. */
const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]{1,80}$/u;

function stateMachineOf(context: ApiContext, arn: string): LocalStateMachine {
  assertArn(arn, 'stateMachine');
  const stateMachine = context.stateMachines.get(arn);
  if (!stateMachine) {
    throw new StepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
  }
  return stateMachine;
}

function listItem(execution: Execution) {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: seconds(execution.startDate),
    ...(execution.stopDate === undefined ? {} : { stopDate: seconds(execution.stopDate) }),
  };
}

/** Pagination tokens are opaque to clients: the offset of the next page, encoded. */
const encodeToken = (offset: number): string => Buffer.from(JSON.stringify({ offset })).toString('base64url');
function decodeToken(token: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // reported below
  }
  throw new StepFunctionsError('InvalidToken', `Invalid Token: '${token}'`);
}

export const operations = {
  StartExecution: operation({
    input: z.looseObject({
      stateMachineArn: arnString,
      name: z.string().optional(),
      input: z.string().optional(),
      traceHeader: z.string().max(256).optional(),
    }),
    run(context, input) {
      const stateMachine = stateMachineOf(context, input.stateMachineArn);
      if (input.name !== undefined && !EXECUTION_NAME.test(input.name)) {
        throw new StepFunctionsError('InvalidName', `Invalid Name: '${input.name}'`);
      }
      const executionInput = input.input ?? '{}';
      if (Buffer.byteLength(executionInput) > MAX_INPUT_BYTES) {
        throw new StepFunctionsError(
          'InvalidExecutionInput',
          `The execution input is over ${MAX_INPUT_BYTES} bytes.`,
        );
      }
      const execution = context.runner.start(stateMachine, input.name, executionInput);
      return { executionArn: execution.executionArn, startDate: seconds(execution.startDate) };
    },
  }),

  DescribeExecution: operation({
    input: z.looseObject({
      executionArn: arnString,
      includedData: z.enum(['ALL_DATA', 'METADATA_ONLY']).optional(),
    }),
    run(context, input) {
      assertArn(input.executionArn, 'execution');
      const execution = context.runner.describe(input.executionArn);
      const withData = input.includedData !== 'METADATA_ONLY';
      return {
        ...listItem(execution),
        ...(withData ? { input: execution.input, inputDetails: { included: true } } : {}),
        ...(withData && execution.output !== undefined
          ? { output: execution.output, outputDetails: { included: true } }
          : {}),
        ...(execution.error === undefined ? {} : { error: execution.error }),
        ...(execution.cause === undefined ? {} : { cause: execution.cause }),
      };
    },
  }),

  StopExecution: operation({
    input: z.looseObject({
      executionArn: arnString,
      error: z.string().max(256).optional(),
      cause: z.string().max(32_768).optional(),
    }),
    run(context, input) {
      assertArn(input.executionArn, 'execution');
      const execution = context.runner.stop(input.executionArn, input.error, input.cause);
      return { stopDate: seconds(execution.stopDate ?? Date.now()) };
    },
  }),

  ListExecutions: operation({
    input: z.looseObject({
      stateMachineArn: arnString.optional(),
      statusFilter: z.enum(STATUSES).optional(),
      maxResults: z.int().min(0).max(1000).optional(),
      nextToken: z.string().min(1).max(1024).optional(),
    }),
    run(context, input) {
      if (input.stateMachineArn === undefined) {
        throw new StepFunctionsError('ValidationException', 'stateMachineArn is required.');
      }
      const stateMachine = stateMachineOf(context, input.stateMachineArn);
      const status = input.statusFilter === 'PENDING_REDRIVE' ? undefined : input.statusFilter;
      const all =
        input.statusFilter === 'PENDING_REDRIVE' ? [] : context.runner.list(stateMachine.arn, status);
      const offset = input.nextToken === undefined ? 0 : decodeToken(input.nextToken);
      const limit = input.maxResults || 100;
      const page = all.slice(offset, offset + limit);
      return {
        executions: page.map(listItem),
        ...(offset + limit < all.length ? { nextToken: encodeToken(offset + limit) } : {}),
      };
    },
  }),
} as const;

export const SUPPORTED_OPERATIONS = Object.keys(operations);

/** Runs the operation named by an `X-Amz-Target` header on a parsed body. */
export function runOperation(context: ApiContext, target: string | undefined, body: unknown): unknown {
  const name = target?.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
  const op =
    name !== undefined && Object.hasOwn(operations, name)
      ? (operations[name as keyof typeof operations] as Operation<z.ZodType>)
      : undefined;
  if (!op) {
    throw new StepFunctionsError(
      'UnknownOperationException',
      `The local Step Functions server does not support ${target ?? '(no X-Amz-Target)'}; it supports ${SUPPORTED_OPERATIONS.join(', ')}.`,
    );
  }
  const parsed = op.input.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`,
    );
    throw new StepFunctionsError(
      'ValidationException',
      `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`,
    );
  }
  return op.run(context, parsed.data);
}
