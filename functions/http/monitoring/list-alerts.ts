import { listAlerts } from '#core/monitoring/alert-listing.ts';
import { modelRepository } from '../../adapters/dependencies.ts';
import { alertRepository } from '../../adapters/monitoring-dependencies.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';

const deps = { models: modelRepository, alerts: alertRepository };

export const handler = httpHandler(routes.listAlerts, async ({ principal, query }) =>
  ok(await listAlerts(principal, query, deps)),
);
