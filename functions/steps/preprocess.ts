import * as z from 'zod';
import { preprocess } from '#core/training/pipeline/preprocess.ts';
import { createTrainingJobBodySchema, toTrainingRequest } from '#core/training/training-request.ts';
import { stepDeps } from './step-deps.ts';
import { stepHandler } from './step-handler.ts';

/**
 * Started by the API the input is `{ jobId }`; started by hand from the console it is the API's
 * request body (with `datasetVersion`) plus the owner, and the step makes the job row from it.
 */
const inputSchema = z.object({
  jobId: z.string().min(1),
  input: z
    .object({
      request: createTrainingJobBodySchema.optional(),
      owner: z
        .object({ userId: z.string(), username: z.string(), role: z.enum(['admin', 'user']) })
        .optional(),
    })
    .optional(),
});

export const handler = stepHandler('preprocess', inputSchema, (event) =>
  preprocess(
    {
      jobId: event.jobId,
      input: {
        ...(event.input?.request ? { request: toTrainingRequest(event.input.request) } : {}),
        ...(event.input?.owner ? { owner: event.input.owner } : {}),
      },
    },
    stepDeps,
  ),
);
