import { modelUsage } from '#core/monitoring/usage-report.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { usageDeps, windowOf } from './usage-deps.ts';

export const handler = httpHandler(routes.getModelUsage, async ({ principal, params, query }) =>
  ok(
    await modelUsage(
      principal,
      params.name,
      {
        ...windowOf(query, query.granularity),
        granularity: query.granularity,
        ...(query.by === undefined ? {} : { by: query.by }),
      },
      usageDeps,
    ),
  ),
);
