/**
 * The batch prediction jobs' adapters: the jobs table, the workflow, the batch files in the datasets
 * bucket, and the usage table, where each finished job is counted.
 */
import { config } from '#config';
import { type BatchUsageSink, batchJobUsage } from '#core/monitoring/batch-usage.ts';
import { logger } from '#observability';
import { documentClient, s3, stepFunctions } from './aws-clients.ts';
import { DynamoDbBatchJobRepository } from './dynamodb/batch-job-repository.ts';
import { DynamoDbUsageRepository } from './dynamodb/usage-repository.ts';
import { S3BatchFiles } from './s3/batch-files.ts';
import { StepFunctionsWorkflowStarter } from './sfn/workflow-starter.ts';

const { tables, buckets, workflows } = config();

export const batchJobRepository = new DynamoDbBatchJobRepository(documentClient, tables.batchPredictionJobs);
export const batchFiles = new S3BatchFiles(s3, buckets.datasets);
export const batchWorkflow = new StepFunctionsWorkflowStarter(
  stepFunctions,
  workflows.batchPredictionsStateMachineArn,
  'BATCH_PREDICTIONS_STATE_MACHINE_ARN',
);

const usage = new DynamoDbUsageRepository(documentClient, tables.usage);

/**
 * One atomic add per finished job. A write that fails is logged, not retried: the job's own end
 * matters more than its count, and a step retried for it would find the job finished and count
 * nothing either.
 */
export const batchUsage: BatchUsageSink = {
  async record(job, outcome) {
    try {
      const unwritten = await usage.add([batchJobUsage(job, outcome, new Date())]);
      if (unwritten.length > 0) logger.warn('Batch job usage not counted', { jobId: job.jobId });
    } catch (error) {
      logger.warn('Batch job usage not counted', { jobId: job.jobId, error: error as Error });
    }
  },
};
