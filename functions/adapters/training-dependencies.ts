/** The training jobs' adapters: job and feature-set tables, the workflow, and datasets as training reads them. */
import { config } from '#config';
import { datasetAccess, datasetSource } from '#core/training/datasets-for-training.ts';
import { documentClient, stepFunctions } from './aws-clients.ts';
import { datasetObjectStore, datasetRepository, datasetVersionRepository } from './dependencies.ts';
import { DynamoDbFeatureSetRepository } from './dynamodb/feature-set-repository.ts';
import { DynamoDbJobRepository } from './dynamodb/job-repository.ts';
import { StepFunctionsWorkflowStarter } from './sfn/workflow-starter.ts';

const { tables, workflows } = config();

export const jobRepository = new DynamoDbJobRepository(documentClient, tables.trainingJobs);
export const featureSetRepository = new DynamoDbFeatureSetRepository(documentClient, tables.featureSets);
export const trainingWorkflow = new StepFunctionsWorkflowStarter(
  stepFunctions,
  workflows.trainingStateMachineArn,
);
export const trainingDatasetAccess = datasetAccess(datasetRepository, datasetVersionRepository);
export const trainingDatasetSource = datasetSource(datasetVersionRepository, datasetObjectStore);
