import * as z from 'zod';
import { runBatchChunk } from '#core/batch/pipeline.ts';
import { stepHandler } from '../step-handler.ts';
import { batchModelStepDeps } from './batch-model-steps.ts';

const count = z.number().int().nonnegative();

export const chunkEventSchema = z.object({
  jobId: z.string().min(1),
  chunk: z.object({ index: count, start: count, end: count, firstRow: count, firstLine: count, rows: count }),
});

export const handler = stepHandler('batch-chunk', chunkEventSchema, (event) =>
  runBatchChunk(event, batchModelStepDeps),
);
