import { cancelTrainingJob } from '#core/training/jobs.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { jobDeps } from './job-deps.ts';
import { jobView } from './job-view.ts';

export const handler = httpHandler(routes.cancelTrainingJob, async ({ principal, params }) =>
  ok(jobView(await cancelTrainingJob(principal, params.jobId, jobDeps))),
);
