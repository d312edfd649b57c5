import { getTrainingJob } from '#core/training/jobs.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { jobDeps } from './job-deps.ts';
import { jobView } from './job-view.ts';

export const handler = httpHandler(routes.getTrainingJob, async ({ principal, params }) =>
  ok(jobView(await getTrainingJob(principal, params.jobId, jobDeps))),
);
