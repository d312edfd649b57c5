import { cancelBatchJob } from '#core/batch/batch-jobs.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { batchDeps } from './batch-deps.ts';
import { batchJobView } from './batch-view.ts';

export const handler = httpHandler(routes.cancelBatchPrediction, async ({ principal, params }) =>
  ok(batchJobView(await cancelBatchJob(principal, params.jobId, batchDeps), batchDeps.now())),
);
