/**
 * Scheduled: every model's alert rules evaluated over its recent usage and latest drift reports;
 * alerts opened and resolved in the usage table (see core/monitoring/scheduled-alerts.ts) and
 * written to the output. EventBridge invokes it on AWS; the local platform runs it on the same
 * schedule.
 */
import { evaluateAllAlerts } from '#core/monitoring/scheduled-alerts.ts';
import { logger } from '#observability';
import { modelRepository } from '../adapters/dependencies.ts';
import { LogAlertPublisher } from '../adapters/log/alert-publisher.ts';
import {
  alertRepository,
  driftReportRepository,
  usageRepository,
} from '../adapters/monitoring-dependencies.ts';

const publisher = new LogAlertPublisher();

export const handler = async (): Promise<{ models: number; opened: number; resolved: number }> => {
  const result = await evaluateAllAlerts({
    models: modelRepository,
    usage: usageRepository,
    reports: driftReportRepository,
    alerts: alertRepository,
    publisher,
    now: () => new Date(),
    onError: (model, error) => logger.error('Alert evaluation failed', { model, error: error as Error }),
  });
  logger.info('Alerts evaluated', result);
  return result;
};
