import { driftReport } from '#core/monitoring/drift-report.ts';
import { modelRepository, modelsStore, versionRepository } from '../../adapters/dependencies.ts';
import { S3CaptureReader } from '../../adapters/s3/capture-reader.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';

const deps = {
  models: modelRepository,
  versions: versionRepository,
  captures: new S3CaptureReader(modelsStore),
};

export const handler = httpHandler(routes.getDriftReport, async ({ principal, params, query }) =>
  ok(await driftReport(principal, params.name, query, deps)),
);
