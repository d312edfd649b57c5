import { listBatchJobs } from '#core/batch/batch-jobs.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { batchDeps } from './batch-deps.ts';
import { batchJobView } from './batch-view.ts';

export const handler = httpHandler(routes.listBatchPredictions, async ({ principal, query }) => {
  const page = await listBatchJobs(principal, query, batchDeps);
  const now = batchDeps.now();
  return ok({ ...page, items: page.items.map((job) => batchJobView(job, now)) });
});
