/**
 * The workflow table: each Step Functions workflow's ASL file and the Lambda task behind every
 * `${...FunctionArn}` placeholder in it. CDK builds the state machine from the file with these
 * substitutions; the local Step Functions emulator runs the same file, invoking the same handler
 * modules in-process. Like the route table, it imports no handler code.
 */

import type { FunctionSettings, StorageGrants } from '#http/routes.ts';

export interface WorkflowTask {
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly function?: FunctionSettings;
  readonly grants: StorageGrants;
}

export interface WorkflowDefinition {
  /** Logical id; the state machine's ARN reaches the functions as `<ID>_STATE_MACHINE_ARN`. */
  readonly id: string;
  readonly envVar: string;
  /** ASL file, relative to the repository root. */
  readonly definitionFile: string;
  /** Placeholder name (without `${}`) → task. */
  readonly tasks: Readonly<Record<string, WorkflowTask>>;
}

const jobAndData = {
  tables: { trainingJobs: 'readWrite', datasets: 'read', datasetVersions: 'read' },
  buckets: { datasets: 'readWrite' },
} as const;

export const workflows = {
  training: {
    id: 'Training',
    envVar: 'TRAINING_STATE_MACHINE_ARN',
    definitionFile: 'state-machines/training.asl.json',
    tasks: {
      PreprocessFunctionArn: {
        entry: 'functions/steps/preprocess.ts',
        description: 'Reads the dataset, drops unusable rows and columns, splits train/validation.',
        function: { memoryMb: 3008, timeoutSeconds: 900 },
        grants: jobAndData,
      },
      FeaturesFunctionArn: {
        entry: 'functions/steps/features.ts',
        description: 'Fits imputation, scaling and one-hot encoding; saves (or reuses) the feature set.',
        function: { memoryMb: 3008, timeoutSeconds: 900 },
        grants: { ...jobAndData, tables: { ...jobAndData.tables, featureSets: 'readWrite' } },
      },
      TrainFunctionArn: {
        entry: 'functions/steps/train.ts',
        description:
          'Trains every candidate (algorithms × hyper-parameter grid) and scores it on validation.',
        function: { memoryMb: 3008, timeoutSeconds: 900 },
        grants: { ...jobAndData, tables: { ...jobAndData.tables, featureSets: 'read' } },
      },
      SelectModelFunctionArn: {
        entry: 'functions/steps/select-model.ts',
        description:
          'Keeps the best candidate, exports the whole pipeline to ONNX and checks parity in onnxruntime.',
        function: { memoryMb: 3008, timeoutSeconds: 900, onnxRuntime: true },
        grants: { ...jobAndData, tables: { ...jobAndData.tables, featureSets: 'read' } },
      },
      RegisterModelFunctionArn: {
        entry: 'functions/steps/register-model.ts',
        description:
          'Registers the exported model as a new version with metrics, lineage and a drift baseline.',
        function: { memoryMb: 2048, timeoutSeconds: 300, onnxRuntime: true },
        grants: {
          tables: { trainingJobs: 'readWrite', models: 'readWrite', modelVersions: 'readWrite' },
          buckets: { datasets: 'read', models: 'readWrite' },
        },
      },
      MarkJobFailedFunctionArn: {
        entry: 'functions/steps/mark-job-failed.ts',
        description: "Writes a failed step's cause to the job row.",
        grants: { tables: { trainingJobs: 'readWrite' } },
      },
    },
  },
} as const satisfies Record<string, WorkflowDefinition>;

export const workflowList: readonly WorkflowDefinition[] = Object.values(workflows);
