/**
 * Every workflow step handler is built here: validate the state the workflow passes in, run one
 * step, and classify failures for the ASL's Retry: errors the AWS SDK marks retryable (throttling,
 * 5xx, timeouts) become `TransientError`, which the workflow retries with backoff; anything else
 * keeps its name and reaches the Catch that records it on the job.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { z } from 'zod';
import { logger } from '#observability';

export class TransientError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TransientError';
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
        logger.info('Step failed', { error: error as Error });
        throw error;
      }
    });
}
