/** The batch prediction jobs' adapters: the jobs table, the workflow, and the batch files in the datasets bucket. */
import { config } from '#config';
import { documentClient, s3, stepFunctions } from './aws-clients.ts';
import { DynamoDbBatchJobRepository } from './dynamodb/batch-job-repository.ts';
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
