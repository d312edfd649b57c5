/**
 * EventBridge's "Step Functions Execution Status Change" event for a training execution that ended
 * FAILED, TIMED_OUT or ABORTED → the job, if the workflow left it active, ends FAILED with the reason.
 * The local Step Functions sends the same event, also for executions a stopped process took along.
 */
import { z } from 'zod';
import { endJobOfExecution, UNFINISHED_EXECUTION_ENDS } from '#core/training/execution-ended.ts';
import { logger } from '#observability';
import { stepDeps } from './step-deps.ts';
import { stepHandler } from './step-handler.ts';
import { EXECUTION_STATUS_CHANGE } from './workflows.ts';

/** The event's fields this handler reads; EventBridge sends more (input, output, dates, ...). */
const executionStatusChangeSchema = z
  .object({
    'detail-type': z.literal(EXECUTION_STATUS_CHANGE),
    source: z.literal('aws.states'),
    detail: z.object({
      executionArn: z.string().min(1),
      // The execution name is the job id.
      name: z.string().min(1),
      status: z.enum(UNFINISHED_EXECUTION_ENDS),
      error: z.string().nullish(),
      cause: z.string().nullish(),
    }),
  })
  .transform(({ detail }) => ({
    jobId: detail.name,
    status: detail.status,
    ...(detail.error ? { error: detail.error } : {}),
    ...(detail.cause ? { cause: detail.cause } : {}),
  }));

export const handler = stepHandler('execution-ended', executionStatusChangeSchema, async (event) => {
  const result = await endJobOfExecution(event, stepDeps);
  logger.info('Execution end reconciled', { status: event.status, outcome: result.outcome });
  return result;
});
