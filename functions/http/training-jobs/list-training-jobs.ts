import { listTrainingJobs } from '#core/training/jobs.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { jobDeps } from './job-deps.ts';
import { jobView } from './job-view.ts';

export const handler = httpHandler(routes.listTrainingJobs, async ({ principal, query }) => {
  const page = await listTrainingJobs(principal, query, jobDeps);
  return ok({ ...page, items: page.items.map(jobView) });
});
