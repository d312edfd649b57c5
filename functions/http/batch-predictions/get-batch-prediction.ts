import { describeBatchJob } from '#core/batch/batch-jobs.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { batchDeps } from './batch-deps.ts';
import { batchJobView } from './batch-view.ts';

export const handler = httpHandler(routes.getBatchPrediction, async ({ principal, params }) => {
  const { job, downloads } = await describeBatchJob(principal, params.jobId, batchDeps);
  return ok(batchJobView(job, batchDeps.now(), downloads));
});
