import * as z from 'zod';
import { planBatchJob } from '#core/batch/pipeline.ts';
import { stepHandler } from '../step-handler.ts';
import { batchModelStepDeps } from './batch-model-steps.ts';

export const planEventSchema = z.object({
  jobId: z.string().min(1),
  settings: z.object({
    targetChunkBytes: z.number().int().positive(),
    inlineChunkLimit: z.number().int().nonnegative(),
    maxConcurrency: z.number().int().positive(),
  }),
});

export const handler = stepHandler('batch-plan', planEventSchema, (event) =>
  planBatchJob(event.jobId, event.settings, batchModelStepDeps),
);
