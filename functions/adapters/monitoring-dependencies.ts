/**
 * The container's usage recorder: per-minute aggregates to the usage table, and the same batches as
 * CloudWatch metrics (EMF). Built once per container, so its buffer lives as long as the container.
 */
import { config } from '#config';
import { UsageRecorder } from '#core/monitoring/usage-recorder.ts';
import { logger } from '#observability';
import { documentClient } from './aws-clients.ts';
import { EmfUsagePublisher } from './cloudwatch/usage-metrics.ts';
import { DynamoDbUsageRepository } from './dynamodb/usage-repository.ts';

const { tables, limits } = config();

export const usageRepository = new DynamoDbUsageRepository(documentClient, tables.usage);

export const usageRecorder = new UsageRecorder({
  store: usageRepository,
  publisher: new EmfUsagePublisher(),
  flushEveryRequests: limits.usageFlushEveryRequests,
  flushIntervalMs: limits.usageFlushIntervalMs,
  onError: (error, dropped) => logger.warn('Usage not written yet', { error: error as Error, dropped }),
});
