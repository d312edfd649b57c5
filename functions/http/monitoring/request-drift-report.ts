import { requestDriftReport } from '#core/monitoring/drift-report-runs.ts';
import { httpHandler } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { driftReportDeps, driftReportLocation } from './drift-report-deps.ts';

export const handler = httpHandler(routes.requestDriftReport, async ({ principal, params, body }) => {
  const run = await requestDriftReport(principal, params.name, params.version, body, driftReportDeps);
  return { status: 202, body: run, headers: { location: driftReportLocation(run) } };
});
