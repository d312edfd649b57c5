import { startBatchJob } from '#core/batch/batch-jobs.ts';
import { httpHandler } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { batchDeps } from './batch-deps.ts';
import { batchJobView } from './batch-view.ts';

export const handler = httpHandler(routes.createBatchPrediction, async ({ principal, body }) => {
  const job = await startBatchJob(principal, body, batchDeps);
  return {
    status: 202,
    body: batchJobView(job, batchDeps.now()),
    headers: { location: `/v1/batch-predictions/${job.jobId}` },
  };
});
