/**
 * EventBridge's "Step Functions Execution Status Change" event, as the execution-end handlers of every
 * workflow read it (the local Step Functions sends the same shape): the job id (the execution name) and
 * how the execution ended.
 */
import * as z from 'zod';
import { UNFINISHED_EXECUTION_ENDS } from '#core/training/execution-ended.ts';
import { EXECUTION_STATUS_CHANGE } from './workflows.ts';

/** The event's fields the handlers read; EventBridge sends more (input, output, dates, ...). */
export const executionStatusChangeSchema = z
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
