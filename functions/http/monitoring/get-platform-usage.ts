import { platformUsage } from '#core/monitoring/usage-report.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { usageDeps, windowOf } from './usage-deps.ts';

export const handler = httpHandler(routes.getPlatformUsage, async ({ principal, query }) =>
  ok(await platformUsage(principal, { ...windowOf(query), limit: query.limit }, usageDeps)),
);
