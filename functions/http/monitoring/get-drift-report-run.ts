import { getDriftReportRun } from '#core/monitoring/drift-report-runs.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { driftReportDeps } from './drift-report-deps.ts';

export const handler = httpHandler(routes.getDriftReportRun, async ({ principal, params }) =>
  ok(await getDriftReportRun(principal, params.name, params.version, params.reportId, driftReportDeps)),
);
