/**
 * Runs the workflow's Lambda handlers in-process, as the Lambda service would: the handler module is
 * imported once (cached), called with a JSON copy of the payload and a Lambda context, and its result
 * goes back through JSON. A handler that throws fails the invocation the way Lambda reports it to
 * Step Functions: the error name is the thrown error's `name` (so `Retry`/`Catch` match on it) and the
 * cause is Lambda's error payload as JSON, `{"errorType", "errorMessage", "trace"}`.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { lambdaContext } from '../api-gateway/lambda-context.ts';
import type { LocalFunction } from './definitions.ts';

type StepHandler = (event: unknown, context: Context) => unknown;

/** What invoking a function needs: a workflow task, or a workflow's `onExecutionEnd` function. */
export type InvocableFunction = Pick<LocalFunction, 'arn' | 'name' | 'task'>;

/** PlatformFunction's defaults, for tasks that set no function settings. */
const DEFAULT_TIMEOUT_SECONDS = 10;
const DEFAULT_MEMORY_MB = 512;

/** Lambda's report of a failed invocation (the `Cause` Step Functions shows, parsed). */
export interface LambdaErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
}

/**
 * A failed invocation as the state machine sees it: `name` is the error Step Functions matches in
 * `Retry` and `Catch` (`TransientError`, `Lambda.ResourceNotFoundException`, ...), `message` the cause.
 */
export class LambdaInvocationFailure extends Error {
  constructor(errorType: string, cause: string) {
    super(cause);
    this.name = errorType;
  }
}

/** What Lambda reports for a thrown value. */
export function lambdaErrorPayload(error: unknown): LambdaErrorPayload {
  if (error instanceof Error) {
    return {
      errorType: error.name || 'Error',
      errorMessage: error.message,
      trace: (error.stack ?? '').split('\n').filter((line) => line.length > 0),
    };
  }
  return { errorType: 'Error', errorMessage: String(error), trace: [] };
}

export const failureOf = (error: unknown): LambdaInvocationFailure => {
  const payload = lambdaErrorPayload(error);
  return new LambdaInvocationFailure(payload.errorType, JSON.stringify(payload));
};

function runtimeError(name: string, message: string, cause?: unknown): Error {
  const error = new Error(message, cause === undefined ? undefined : { cause });
  error.name = name;
  return error;
}

/** JSON in, JSON out: what crossing the Lambda API does to a value (`undefined` becomes `null`). */
const overTheWire = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null));

export class LocalLambdaRuntime {
  readonly #root: string;
  readonly #modules = new Map<string, Promise<StepHandler>>();
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(root: string) {
    this.#root = root;
  }

  /**
   * Invokes `fn` with `payload`; resolves to the handler's result, rejects with a
   * `LambdaInvocationFailure` when the handler (or its module) throws.
   */
  invoke(fn: InvocableFunction, payload: unknown): Promise<unknown> {
    const invocation = this.#invoke(fn, payload);
    const tracked = invocation.catch(() => undefined);
    this.#inFlight.add(tracked);
    void tracked.finally(() => this.#inFlight.delete(tracked));
    return invocation;
  }

  /** Resolves when every running invocation has finished, or after `timeoutMs`, whichever is first. */
  async settled(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((done) => {
      timer = setTimeout(done, timeoutMs);
    });
    await Promise.race([Promise.all([...this.#inFlight]), timeout]);
    clearTimeout(timer);
  }

  async #invoke(fn: InvocableFunction, payload: unknown): Promise<unknown> {
    let handler: StepHandler;
    try {
      handler = await this.#load(fn.task.entry);
    } catch (error) {
      throw failureOf(error);
    }
    const settings = fn.task.function;
    const context: Context = {
      ...lambdaContext(fn.name, randomUUID(), (settings?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000),
      invokedFunctionArn: fn.arn,
      memoryLimitInMB: String(settings?.memoryMb ?? DEFAULT_MEMORY_MB),
    };
    try {
      return overTheWire(await handler(overTheWire(payload), context));
    } catch (error) {
      throw failureOf(error);
    }
  }

  #load(entry: string): Promise<StepHandler> {
    let loaded = this.#modules.get(entry);
    if (loaded === undefined) {
      loaded = import(pathToFileURL(resolve(this.#root, entry)).href).then(
        (module: { handler?: unknown }) => {
          if (typeof module.handler !== 'function') {
            throw runtimeError('Runtime.HandlerNotFound', `${entry} does not export a handler function`);
          }
          return module.handler as StepHandler;
        },
        (error: unknown) => {
          // Lambda's name for a handler module (or one of its imports) that cannot be found.
          if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
            throw runtimeError('Runtime.ImportModuleError', (error as Error).message, error);
          }
          throw error;
        },
      );
      // A module that failed to load is tried again on the next invocation (it may have been fixed).
      loaded.catch(() => this.#modules.delete(entry));
      this.#modules.set(entry, loaded);
    }
    return loaded;
  }
}
