/**
 * Scheduled: every model's alert rules evaluated over its recent usage and latest drift reports;
 * alerts opened and resolved in the usage table (see core/monitoring/scheduled-alerts.ts). On AWS it
 * also keeps the per-model CloudWatch alarms of the error-rate and latency rules and publishes to the
 * alerts topic; locally it prints the alerts (adapters/alerting-dependencies.ts). EventBridge invokes
 * it on AWS; the local platform runs it on the same schedule.
 */
import { evaluateAllAlerts } from '#core/monitoring/scheduled-alerts.ts';
import { logger } from '#observability';
import { alertPublisher, modelAlarms } from '../adapters/alerting-dependencies.ts';
import { modelRepository } from '../adapters/dependencies.ts';
import {
  alertRepository,
  driftReportRepository,
  usageRepository,
} from '../adapters/monitoring-dependencies.ts';

export const handler = async (): Promise<{ models: number; opened: number; resolved: number }> => {
  const result = await evaluateAllAlerts({
    models: modelRepository,
    usage: usageRepository,
    reports: driftReportRepository,
    alerts: alertRepository,
    publisher: alertPublisher,
    ...(modelAlarms === undefined ? {} : { alarms: modelAlarms }),
    now: () => new Date(),
    onError: (model, error) => logger.error('Alert evaluation failed', { model, error: error as Error }),
  });
  logger.info('Alerts evaluated', result);
  return result;
};
