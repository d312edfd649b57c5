/**
 * Scheduled: a drift report for every served version of every model with capture on, recorded in
 * the usage table (see core/monitoring/scheduled-drift.ts). EventBridge invokes it on AWS; the local
 * platform runs it at start and then on the same schedule.
 */
import { recordDriftReports } from '#core/monitoring/scheduled-drift.ts';
import { logger } from '#observability';
import { modelRepository, modelsStore, versionRepository } from '../adapters/dependencies.ts';
import { driftReportRepository } from '../adapters/monitoring-dependencies.ts';
import { S3CaptureReader } from '../adapters/s3/capture-reader.ts';

export const handler = async (): Promise<{ models: number; reports: number }> => {
  const result = await recordDriftReports({
    models: modelRepository,
    versions: versionRepository,
    captures: new S3CaptureReader(modelsStore),
    reports: driftReportRepository,
    now: () => new Date(),
    onError: (model, error) => logger.error('Drift report failed', { model, error: error as Error }),
  });
  logger.info('Drift reports recorded', result);
  return result;
};
