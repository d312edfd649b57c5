/**
 * The workflow table: each Step Functions workflow's ASL file, the Lambda task behind every
 * `${...FunctionArn}` placeholder in it, its other placeholders (settings and resources, with their
 * deployed and local values), and the Task states that call another AWS service. CDK builds the state
 * machine from the file with these substitutions; the local Step Functions emulator runs the same file,
 * invoking the same handler modules in-process. Like the route table, it imports no handler code.
 */

import type { FunctionSettings, StorageGrants } from '#http/routes.ts';

export interface WorkflowTask {
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly function?: FunctionSettings;
  readonly grants: StorageGrants;
}

/**
 * A `${Name}` placeholder that is not a task function: a setting, or a resource the infrastructure
 * makes. The ASL holds it inside a string; a number is read back with `States.StringToJson`.
 */
export interface WorkflowParameter {
  readonly description: string;
  /**
   * The deployed value. Omitted for values the infrastructure provides (a role's ARN, an image URI by
   * region: see `infrastructureParameters` in infra/constructs/pipeline.ts).
   */
  readonly deployed?: string;
  /** What the local Step Functions substitutes. */
  readonly local: string;
}

/** EventBridge's detail-type for an execution's status change (source `aws.states`). */
export const EXECUTION_STATUS_CHANGE = 'Step Functions Execution Status Change';

/**
 * The function sent the "Step Functions Execution Status Change" event when an execution ends with one
 * of `statuses`: on AWS through an EventBridge rule on the state machine, locally by the local Step
 * Functions, which also ends (ABORTED) the executions a stopped process left running. For what the
 * ASL's Catch cannot see: a timeout, an abort, a failure of the failure path itself.
 */
export interface ExecutionEndTask extends WorkflowTask {
  /** The end statuses it is sent (the EventBridge rule's `detail.status`). */
  readonly statuses: readonly ('SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED')[];
}

/**
 * A Task state calling an AWS service other than Lambda. The local Step Functions cannot run it: it
 * accepts the state (so the ASL validates and loads) but fails it if an execution ever reaches it,
 * which `localNote` explains cannot happen locally. Tests run it with a task override.
 */
export interface ServiceTask {
  /** The state's `Resource`, e.g. `arn:aws:states:::sagemaker:createTrainingJob.sync`. */
  readonly resource: string;
  readonly localNote: string;
}

export interface WorkflowDefinition {
  /** Logical id; the state machine's ARN reaches the functions as `<ID>_STATE_MACHINE_ARN`. */
  readonly id: string;
  readonly envVar: string;
  /** ASL file, relative to the repository root. */
  readonly definitionFile: string;
  /** Placeholder name (without `${}`) → task. */
  readonly tasks: Readonly<Record<string, WorkflowTask>>;
  /** Placeholder name (without `${}`) → setting or resource. */
  readonly parameters?: Readonly<Record<string, WorkflowParameter>>;
  /** State name → the service it calls. */
  readonly serviceTasks?: Readonly<Record<string, ServiceTask>>;
  readonly onExecutionEnd?: ExecutionEndTask;
}

/**
 * The steps' files in the datasets bucket: they read committed datasets and write only their own
 * working files (per job, feature sets, SageMaker channels); `datasets/` is written by the commit alone.
 */
const pipelineObjects = {
  read: ['datasets/', 'jobs/', 'feature-sets/', 'sagemaker/'],
  write: ['jobs/', 'feature-sets/', 'sagemaker/input/'],
} as const;

const jobAndData = {
  tables: { trainingJobs: 'readWrite', datasets: 'read', datasetVersions: 'read' },
  buckets: { datasets: pipelineObjects },
} as const;

/**
 * The batch steps: the job row, the model files they run, and in the datasets bucket the inputs
 * (committed datasets, the caller's uploads) and their own files per job (plan, parts, output).
 */
const batchGrants = {
  tables: { batchPredictionJobs: 'readWrite' },
  buckets: {
    datasets: {
      read: ['datasets/', 'uploads/batch-predictions/', 'batch-predictions/jobs/'],
      write: ['batch-predictions/jobs/'],
      delete: ['batch-predictions/jobs/'],
    },
    models: { read: ['models/'] },
  },
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
          buckets: {
            datasets: { read: pipelineObjects.read },
            models: { write: ['models/'], delete: ['models/'] },
          },
        },
      },
      MarkJobFailedFunctionArn: {
        entry: 'functions/steps/mark-job-failed.ts',
        description: "Writes a failed step's cause to the job row.",
        grants: { tables: { trainingJobs: 'readWrite' } },
      },
      ExportForSageMakerFunctionArn: {
        entry: 'functions/steps/export-for-sagemaker.ts',
        description: "Writes a large feature set as CSV channels for SageMaker's built-in XGBoost.",
        function: { memoryMb: 3008, timeoutSeconds: 900 },
        grants: {
          tables: { trainingJobs: 'readWrite', featureSets: 'read' },
          buckets: { datasets: pipelineObjects },
        },
      },
      ConvertXgboostFunctionArn: {
        entry: 'functions/steps/convert-xgboost.ts',
        description:
          "Converts the SageMaker job's XGBoost model to a tree ensemble and records it as the candidate.",
        function: { memoryMb: 3008, timeoutSeconds: 900 },
        grants: {
          tables: { trainingJobs: 'readWrite', featureSets: 'read' },
          buckets: { datasets: pipelineObjects },
        },
      },
    },
    parameters: {
      SageMakerThresholdRows: {
        description:
          'Training rows above which a job trains on SageMaker (built-in XGBoost) instead of in Lambda.',
        deployed: '1000000',
        // Out of reach: the local platform has no SageMaker, so no local job takes that branch.
        local: '9007199254740991',
      },
      SageMakerInstanceType: {
        description: 'Instance type of the SageMaker training job.',
        deployed: 'ml.m5.4xlarge',
        local: 'ml.m5.4xlarge',
      },
      XgboostImageUri: {
        description: "SageMaker's built-in XGBoost 1.7-1 image in the stack's region.",
        local: 'local.invalid/sagemaker-xgboost:1.7-1',
      },
      SageMakerRoleArn: {
        description: 'The role SageMaker training jobs assume (read the channels, write the model).',
        local: 'arn:aws:iam::000000000000:role/no-sagemaker-locally',
      },
      SageMakerJobPrefix: {
        description:
          'Prefix of the training job names (a unique id follows); the state machine may act on these jobs only.',
        local: 'mlp-local',
      },
    },
    serviceTasks: {
      TrainOnSageMaker: {
        resource: 'arn:aws:states:::sagemaker:createTrainingJob.sync',
        localNote: 'Reached only above SageMakerThresholdRows training rows, which is out of reach locally.',
      },
    },
    onExecutionEnd: {
      entry: 'functions/steps/execution-ended.ts',
      description:
        'Fails the job of an execution that ended (failed, timed out, aborted) with the job active.',
      statuses: ['FAILED', 'TIMED_OUT', 'ABORTED'],
      grants: { tables: { trainingJobs: 'readWrite' } },
    },
  },
  batchPredictions: {
    id: 'BatchPredictions',
    envVar: 'BATCH_PREDICTIONS_STATE_MACHINE_ARN',
    definitionFile: 'state-machines/batch-predictions.asl.json',
    tasks: {
      PlanFunctionArn: {
        entry: 'functions/steps/batch/plan.ts',
        description:
          'Splits the input file into chunks at record boundaries (byte ranges) and writes the chunk manifest.',
        function: { memoryMb: 1024, timeoutSeconds: 900, onnxRuntime: true },
        grants: batchGrants,
      },
      RunChunkFunctionArn: {
        entry: 'functions/steps/batch/run-chunk.ts',
        description:
          'Predicts one chunk: reads its byte range, checks rows, runs the model, writes its part.',
        function: { memoryMb: 2048, timeoutSeconds: 900, onnxRuntime: true },
        grants: batchGrants,
      },
      FinalizeFunctionArn: {
        entry: 'functions/steps/batch/finalize.ts',
        description:
          'Assembles the output and errors files from the parts (multipart copy), ends the job and counts it in the usage table.',
        function: { memoryMb: 1024, timeoutSeconds: 900 },
        grants: { ...batchGrants, tables: { ...batchGrants.tables, usage: 'readWrite' } },
      },
      MarkJobFailedFunctionArn: {
        entry: 'functions/steps/batch/mark-failed.ts',
        description:
          "Writes a failed step's cause to the batch job row and counts the job in the usage table.",
        grants: { tables: { batchPredictionJobs: 'readWrite', usage: 'readWrite' } },
      },
    },
    parameters: {
      TargetChunkBytes: {
        description: 'Input bytes per chunk: a chunk closes at the first record boundary past this size.',
        deployed: String(32 * 1024 * 1024),
        local: String(1024 * 1024),
      },
      InlineChunkLimit: {
        description:
          'Plans with at most this many chunks hand them to the Map inline; larger ones are read from the S3 manifest by the ItemReader. 0 on AWS: always the manifest. Locally every plan goes inline, since the local executor cannot run an ItemReader.',
        deployed: '0',
        local: '9007199254740991',
      },
      MaxConcurrency: {
        description: 'Chunks run at once (child executions of the Distributed Map).',
        deployed: '100',
        local: '2',
      },
      BatchBucket: {
        description:
          'The bucket of the inputs, the manifest, the parts and the Map results (the datasets bucket).',
        local: 'mlp-local-datasets',
      },
    },
    onExecutionEnd: {
      entry: 'functions/steps/batch/execution-ended.ts',
      description:
        'Fails the batch job of an execution that ended (failed, timed out, aborted) with the job active.',
      statuses: ['FAILED', 'TIMED_OUT', 'ABORTED'],
      grants: { tables: { batchPredictionJobs: 'readWrite' } },
    },
  },
  driftReports: {
    id: 'DriftReports',
    envVar: 'DRIFT_REPORTS_STATE_MACHINE_ARN',
    definitionFile: 'state-machines/drift-reports.asl.json',
    tasks: {
      ComputeDriftReportFunctionArn: {
        entry: 'functions/steps/drift/compute-drift-report.ts',
        description:
          "Computes a requested drift report (the run's window of captured inputs against the training baseline) and records it.",
        function: { memoryMb: 2048, timeoutSeconds: 900 },
        grants: {
          tables: { models: 'read', modelVersions: 'read', usage: 'readWrite' },
          buckets: { models: { read: ['captures/'] } },
        },
      },
      MarkDriftReportFailedFunctionArn: {
        entry: 'functions/steps/drift/mark-drift-report-failed.ts',
        description: "Writes a failed report step's cause to the drift report run.",
        grants: { tables: { usage: 'readWrite' } },
      },
    },
  },
} as const satisfies Record<string, WorkflowDefinition>;

export const workflowList: readonly WorkflowDefinition[] = Object.values(workflows);
