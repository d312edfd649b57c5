import * as z from 'zod';
import { failBatchJob } from '#core/batch/pipeline.ts';
import { failureKind } from '#core/training/failure-kind.ts';
import { failureReason } from '../failure-cause.ts';
import { stepHandler } from '../step-handler.ts';
import { batchStepDeps } from './batch-step-deps.ts';

export const handler = stepHandler(
  'batch-mark-failed',
  z.object({
    jobId: z.string().min(1),
    /** Set when one chunk failed: the reason names it. */
    chunk: z.number().int().nonnegative().optional(),
    error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
  }),
  (event) => {
    const reason = failureReason(event.error);
    return failBatchJob(
      event.jobId,
      event.chunk === undefined ? reason : `Chunk ${event.chunk + 1}: ${reason}`,
      batchStepDeps,
      failureKind(event.error) === 'UserData' ? 'refused' : 'failed',
    );
  },
);
