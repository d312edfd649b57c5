import * as z from 'zod';
import { finalizeBatchJob } from '#core/batch/pipeline.ts';
import { stepHandler } from '../step-handler.ts';
import { batchStepDeps } from './batch-step-deps.ts';

export const handler = stepHandler('batch-finalize', z.object({ jobId: z.string().min(1) }), (event) =>
  finalizeBatchJob(event.jobId, batchStepDeps),
);
