import { driftWithHistory } from '#core/monitoring/scheduled-drift.ts';
import { modelRepository, modelsStore, versionRepository } from '../../adapters/dependencies.ts';
import { driftReportRepository } from '../../adapters/monitoring-dependencies.ts';
import { S3CaptureReader } from '../../adapters/s3/capture-reader.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';

const deps = {
  models: modelRepository,
  versions: versionRepository,
  captures: new S3CaptureReader(modelsStore),
  reports: driftReportRepository,
};

export const handler = httpHandler(routes.getDriftReport, async ({ principal, params, query }) =>
  ok(await driftWithHistory(principal, params.name, query, deps)),
);
