import { z } from 'zod';

/** The small state the training workflow passes between steps: ids and S3 keys, never data. */
export const stepStateSchema = z.object({
  jobId: z.string().min(1),
  preparedKey: z.string().optional(),
  featureSetId: z.string().optional(),
  modelKey: z.string().optional(),
});
