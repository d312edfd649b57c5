/**
 * The small state the training workflow passes from step to step: ids and storage keys, never data.
 * The schema is the one definition; the type is read from it, so the handlers' validation and the
 * steps' signatures cannot drift apart.
 */
import * as z from 'zod';

export const stepStateSchema = z.object({
  jobId: z.string().min(1),
  preparedKey: z.string().optional(),
  featureSetId: z.string().optional(),
  modelKey: z.string().optional(),
  /** Set by the features step: the workflow's Choice between Lambda training and SageMaker reads it. */
  trainRows: z.int().nonnegative().optional(),
});

export type StepState = Readonly<z.output<typeof stepStateSchema>>;
