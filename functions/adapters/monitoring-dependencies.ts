/**
 * The container's usage recorder (per-minute aggregates to the usage table, and the same batches as
 * CloudWatch metrics) and prediction capture (sampled predictions as JSON Lines under `captures/` in
 * the models bucket). Built once per container, so their buffers live as long as the container.
 */
import { randomUUID } from 'node:crypto';
import { config } from '#config';
import { CaptureRecorder } from '#core/monitoring/prediction-capture.ts';
import { UsageRecorder } from '#core/monitoring/usage-recorder.ts';
import { logger } from '#observability';
import { documentClient, stepFunctions } from './aws-clients.ts';
import { EmfUsagePublisher } from './cloudwatch/usage-metrics.ts';
import { modelsStore } from './dependencies.ts';
import { DynamoDbAlertRepository } from './dynamodb/alert-repository.ts';
import { DynamoDbDriftReportRepository } from './dynamodb/drift-report-repository.ts';
import { DynamoDbFeedbackRepository } from './dynamodb/feedback-repository.ts';
import { DynamoDbUsageRepository } from './dynamodb/usage-repository.ts';
import { StepFunctionsWorkflowStarter } from './sfn/workflow-starter.ts';

const {
  tables: { usage: usageTable },
  limits,
  workflows: { driftReportsStateMachineArn },
} = config();

// The adapters a handler may not use are `@__PURE__`, built from plain local names, so a bundle
// leaves out those it never reaches (see aws-clients.ts): the predict function has no Step
// Functions client.
export const usageRepository = /* @__PURE__ */ new DynamoDbUsageRepository(documentClient, usageTable);

export const usageRecorder = new UsageRecorder({
  store: usageRepository,
  publisher: new EmfUsagePublisher(),
  flushEveryRequests: limits.usageFlushEveryRequests,
  flushIntervalMs: limits.usageFlushIntervalMs,
  onError: (error, dropped) => logger.warn('Usage not written yet', { error: error as Error, dropped }),
});

export const captureRecorder = new CaptureRecorder({
  store: { put: async (key, body) => void (await modelsStore.put(key, body, 'application/x-ndjson')) },
  flushEveryRecords: limits.captureFlushEveryRecords,
  flushIntervalMs: limits.captureFlushIntervalMs,
  writerId: randomUUID().slice(0, 8),
  onError: (error, dropped) =>
    logger.warn('Captured predictions not written yet', { error: error as Error, dropped }),
});

export const predictionSinks = { usage: usageRecorder, capture: captureRecorder };

export const driftReportRepository = /* @__PURE__ */ new DynamoDbDriftReportRepository(
  documentClient,
  usageTable,
);

/** Starts the drift-reports workflow of a requested report (the execution is named by its id). */
export const driftReportWorkflow = /* @__PURE__ */ new StepFunctionsWorkflowStarter(
  stepFunctions,
  driftReportsStateMachineArn,
  'DRIFT_REPORTS_STATE_MACHINE_ARN',
);

export const feedbackRepository = /* @__PURE__ */ new DynamoDbFeedbackRepository(documentClient, usageTable);

export const alertRepository = /* @__PURE__ */ new DynamoDbAlertRepository(documentClient, usageTable);
