import { listDriftReports } from '#core/monitoring/drift-report-runs.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { driftReportDeps } from './drift-report-deps.ts';

export const handler = httpHandler(routes.listDriftReports, async ({ principal, params, query }) =>
  ok(await listDriftReports(principal, params.name, params.version, query, driftReportDeps)),
);
