import { z } from 'zod';
import { markJobFailed } from '#core/training/pipeline/job-run.ts';
import { failureReason } from './failure-cause.ts';
import { stepDeps } from './step-deps.ts';
import { stepHandler } from './step-handler.ts';

export const handler = stepHandler(
  'mark-job-failed',
  z.object({
    jobId: z.string().min(1),
    error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
  }),
  (event) => markJobFailed({ jobId: event.jobId, reason: failureReason(event.error) }, stepDeps),
);
