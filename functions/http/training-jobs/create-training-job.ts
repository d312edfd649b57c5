import { startTrainingJob } from '#core/training/jobs.ts';
import { httpHandler } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { toTrainingRequest } from '../schemas/training-jobs.ts';
import { jobDeps } from './job-deps.ts';
import { jobView } from './job-view.ts';

export const handler = httpHandler(routes.createTrainingJob, async ({ principal, body }) => {
  const job = await startTrainingJob(principal, toTrainingRequest(body), jobDeps);
  return { status: 202, body: jobView(job), headers: { location: `/v1/training-jobs/${job.jobId}` } };
});
