import { createBatchUpload } from '#core/batch/batch-jobs.ts';
import { created, httpHandler } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { batchDeps } from './batch-deps.ts';

export const handler = httpHandler(routes.createBatchPredictionUpload, async ({ principal, body }) =>
  created(await createBatchUpload(principal, body, batchDeps)),
);
