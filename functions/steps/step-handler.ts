/**
 * Every workflow step handler is built here: validate the state the workflow passes in, run one
 * step, and classify failures for the ASL: errors the AWS SDK marks retryable (throttling, 5xx,
 * timeouts) become `TransientError`, which the workflow retries with backoff; a refusal of the user's
 * data or request becomes `UserDataError`, which the Catch records on the job without failing the
 * execution (no platform alarm); anything else keeps its name, is recorded on the job the same way
 * and fails the execution, which alarms.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type * as z from 'zod';
import { isUserCaused, USER_DATA_ERROR } from '#core/training/failure-kind.ts';
import { logger } from '#observability';

export class TransientError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/** The user's data or request cannot be trained on; the message is the reason the job shows. */
export class UserDataError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = USER_DATA_ERROR;
  }
}

function isTransient(error: unknown): boolean {
  const sdk = error as { $retryable?: unknown; $metadata?: { httpStatusCode?: number }; name?: string };
  if (sdk?.$retryable !== undefined) return true;
  const status = sdk?.$metadata?.httpStatusCode;
  return (status !== undefined && status >= 500) || sdk?.name === 'TimeoutError';
}

export function stepHandler<S extends z.ZodType, R>(
  name: string,
  schema: S,
  step: (input: z.output<S>) => Promise<R>,
) {
  return middy<unknown, R>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      const input = schema.parse(event);
      logger.appendKeys({ step: name, jobId: (input as { jobId?: string }).jobId });
      try {
        return await step(input);
      } catch (error) {
        if (isTransient(error)) {
          logger.warn('Transient failure; the workflow will retry', { error: error as Error });
          throw new TransientError(`${name}: ${(error as Error).message}`, { cause: error });
        }
        if (isUserCaused(error)) {
          logger.info("Step refused the user's data", { error: error as Error });
          throw new UserDataError((error as Error).message, { cause: error });
        }
        logger.info('Step failed', { error: error as Error });
        throw error;
      }
    });
}
