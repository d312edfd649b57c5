import { liveMetrics } from '#core/monitoring/ground-truth.ts';
import { modelRepository, modelsStore, versionRepository } from '../../adapters/dependencies.ts';
import { feedbackRepository } from '../../adapters/monitoring-dependencies.ts';
import { S3CaptureReader } from '../../adapters/s3/capture-reader.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';

const deps = {
  models: modelRepository,
  versions: versionRepository,
  captures: new S3CaptureReader(modelsStore),
  feedback: feedbackRepository,
};

export const handler = httpHandler(routes.getLiveMetrics, async ({ principal, params, query }) =>
  ok(await liveMetrics(principal, params.name, query, deps)),
);
