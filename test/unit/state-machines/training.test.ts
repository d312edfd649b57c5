/**
 * The training workflow (state-machines/training.asl.json) run by the local ASL executor with named
 * cases of mocked task results, asserting on the path taken and on what each step receives. Lambda
 * tasks are mocked at the `lambda:invoke` integration ({FunctionName, Payload} in, {Payload} out), the
 * SageMaker task at `createTrainingJob.sync` (the CreateTrainingJob request in, DescribeTrainingJob's
 * answer out). The SageMaker branch runs with a low `SageMakerThresholdRows`; with the local values
 * (what the local platform runs) no feature set reaches it.
 */
import { fileURLToPath } from 'node:url';
import { type RunOptions, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { workflows } from '../../../functions/steps/workflows.ts';
import { type LoadedWorkflow, loadWorkflow } from '../../../local/step-functions/definitions.ts';
import { createStateMachine, ExecutionRunner } from '../../../local/step-functions/executions.ts';
import type { LocalLambdaRuntime } from '../../../local/step-functions/lambda-runtime.ts';
import { failureOf } from '../../../local/step-functions/lambda-runtime.ts';

type Mock = (payload: any, attempt: number) => unknown;

const root = fileURLToPath(new URL('../../../', import.meta.url));
const steps = ['Preprocess', 'Features', 'Train', 'SelectModel', 'RegisterModel'] as const;
const sageMakerSteps = [
  'Preprocess',
  'Features',
  'ExportForSageMaker',
  'TrainOnSageMaker',
  'ConvertXgboost',
  'SelectModel',
  'RegisterModel',
] as const;
const THRESHOLD = 1000;
/** The Task states that call a service other than Lambda: their mocks get the request itself. */
const serviceStates = new Set(Object.keys(workflows.training.serviceTasks));

/** The workflow with its local parameter values, as the local platform runs it. */
let loaded: LoadedWorkflow;
/** The same with a low SageMaker threshold, so that tests can take the SageMaker branch. */
let withThreshold: LoadedWorkflow;

const load = (parameters?: Record<string, string>) =>
  loadWorkflow({
    root,
    workflow: workflows.training,
    region: 'us-east-1',
    accountId: '123456789012',
    ...(parameters ? { parameters } : {}),
  });

beforeAll(async () => {
  loaded = await load();
  withThreshold = await load({ SageMakerThresholdRows: String(THRESHOLD) });
});

const namedError = (name: string, message: string) => Object.assign(new Error(message), { name });

/**
 * Runs the workflow with `mocks` answering by state name (default: the payload with the step appended)
 * and returns the states called, in order, with their payloads.
 */
async function run(
  mocks: Partial<Record<string, Mock>>,
  input: unknown = { datasetName: 'iris' },
  workflow: LoadedWorkflow = loaded,
) {
  const calls: { state: string; functionName: string; payload: any }[] = [];
  const attempts = new Map<string, number>();
  const handlers = Object.fromEntries(
    [...workflow.tasks.keys()].map((state) => [
      state,
      async (request: any) => {
        const isService = serviceStates.has(state);
        const payload = isService ? request : request.Payload;
        calls.push({ state, functionName: isService ? '' : request.FunctionName, payload });
        const attempt = (attempts.get(state) ?? 0) + 1;
        attempts.set(state, attempt);
        const mock =
          mocks[state] ?? ((payload: any) => ({ ...payload, done: [...(payload.done ?? []), state] }));
        try {
          const result = await mock(payload, attempt);
          return isService ? result : { Payload: result, StatusCode: 200 };
        } catch (error) {
          // A service integration fails with the service's error and cause; Lambda with its error payload.
          throw isService ? error : failureOf(error);
        }
      },
    ]),
  );
  const options: RunOptions = {
    overrides: {
      taskResourceLocalHandlers: handlers as never,
      retryIntervalOverrides: Object.fromEntries(workflow.retryableStates.map((state) => [state, 0])),
    },
    context: { Execution: { Name: 'job-123' } },
  };
  const machine = new StateMachine(workflow.definition as unknown as StateMachineDefinition);
  const execution = machine.run(input as never, options);
  const outcome = await execution.result.then(
    (output) => ({ status: 'SUCCEEDED', output }) as const,
    (error: Error) => ({ status: 'FAILED', error: error.cause as Error }) as const,
  );
  return { calls, path: calls.map((call) => call.state), outcome };
}

describe('training workflow', () => {
  it("runs every step in order and succeeds, each step getting the previous one's result", async () => {
    // Act
    const { calls, path, outcome } = await run({
      Preprocess: (payload) => ({ jobId: payload.jobId, done: ['Preprocess'] }),
    });

    // Assess
    expect(path).toEqual([...steps]);
    expect(calls[0]?.payload).toEqual({ jobId: 'job-123', input: { datasetName: 'iris' } });
    expect(calls[1]?.payload).toEqual({ jobId: 'job-123', done: ['Preprocess'] });
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { jobId: 'job-123', done: [...steps] } });
    expect(calls[0]?.functionName).toBe(
      'arn:aws:lambda:us-east-1:123456789012:function:Training-PreprocessFunctionArn',
    );
  });

  it('retries a step that throws TransientError and goes on', async () => {
    // Act
    const { path, outcome } = await run({
      Train: (payload, attempt) => {
        if (attempt <= 2) throw namedError('TransientError', 'throttled');
        return payload;
      },
    });

    // Assess
    expect(path).toEqual([
      'Preprocess',
      'Features',
      'Train',
      'Train',
      'Train',
      'SelectModel',
      'RegisterModel',
    ]);
    expect(outcome.status).toBe('SUCCEEDED');
  });

  it('stops retrying after MaxAttempts and marks the job failed', async () => {
    // Act
    const { path } = await run({
      Features: () => {
        throw namedError('TransientError', 'still throttled');
      },
    });

    // Assess
    expect(path).toEqual(['Preprocess', 'Features', 'Features', 'Features', 'Features', 'MarkJobFailed']);
  });

  it.each(steps)(
    'marks the job failed with the error when %s fails, then fails the execution',
    async (step) => {
      // Act
      const { calls, path, outcome } = await run({
        [step]: () => {
          throw namedError('DatasetValidationError', 'no numeric column');
        },
      });

      // Assess
      expect(path).toEqual([...steps.slice(0, steps.indexOf(step) + 1), 'MarkJobFailed']);
      const marked = calls.at(-1)?.payload;
      expect(marked.jobId).toBe('job-123');
      expect(marked.error.Error).toBe('DatasetValidationError');
      expect(JSON.parse(marked.error.Cause)).toMatchObject({
        errorType: 'DatasetValidationError',
        errorMessage: 'no numeric column',
      });
      expect(outcome.status).toBe('FAILED');
      expect(outcome.status === 'FAILED' && outcome.error.name).toBe('TrainingJobFailed');
    },
  );

  it.each(steps)(
    "records a refusal of the user's data when %s throws UserDataError, and ends the execution succeeded",
    async (step) => {
      // Act
      const { calls, path, outcome } = await run({
        [step]: () => {
          throw namedError('UserDataError', '"label" has a single class; nothing to learn.');
        },
      });

      // Assess
      expect(path).toEqual([...steps.slice(0, steps.indexOf(step) + 1), 'MarkJobFailed']);
      expect(calls.at(-1)?.payload.error.Error).toBe('UserDataError');
      // Not a platform fault: the execution does not count among failed executions (the alarm's metric).
      expect(outcome.status).toBe('SUCCEEDED');
      expect(outcome.status === 'SUCCEEDED' && outcome.output).toMatchObject({
        error: { Error: 'UserDataError' },
      });
    },
  );

  it('retries recording the failure on any error', async () => {
    // Act
    const { path, outcome } = await run({
      Train: () => {
        throw namedError('Error', 'boom');
      },
      MarkJobFailed: (_payload, attempt) => {
        if (attempt === 1) throw namedError('ProvisionedThroughputExceededException', 'slow down');
        return {};
      },
    });

    // Assess
    expect(path.slice(-2)).toEqual(['MarkJobFailed', 'MarkJobFailed']);
    expect(outcome.status === 'FAILED' && outcome.error.name).toBe('TrainingJobFailed');
  });
});

const exported = {
  trainUri: 's3://datasets-bucket/sagemaker/input/job-123/train/',
  validationUri: 's3://datasets-bucket/sagemaker/input/job-123/validation/',
  outputUri: 's3://datasets-bucket/sagemaker/output/job-123/',
  hyperParameters: { objective: 'binary:logistic', num_round: '1000', eval_metric: 'logloss' },
  volumeSizeGb: 42,
};

/** What `createTrainingJob.sync` returns once the job completed: DescribeTrainingJob's answer. */
const completedJob = (request: any) => ({
  TrainingJobName: request.TrainingJobName,
  TrainingJobArn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${request.TrainingJobName}`,
  TrainingJobStatus: 'Completed',
  SecondaryStatus: 'Completed',
  HyperParameters: request.HyperParameters,
  ModelArtifacts: {
    S3ModelArtifacts: `${request.OutputDataConfig.S3OutputPath}${request.TrainingJobName}/output/model.tar.gz`,
  },
  BillableTimeInSeconds: 600,
});

/** Task results of a job whose feature set has `trainRows` training rows (undefined: not reported). */
function mocksFor(trainRows: number | undefined): Partial<Record<string, Mock>> {
  return {
    Preprocess: (payload) => ({ jobId: payload.jobId, preparedKey: 'jobs/job-123/prepared.json' }),
    Features: (payload) => ({
      jobId: payload.jobId,
      featureSetId: 'fs-1',
      ...(trainRows === undefined ? {} : { trainRows }),
    }),
    Train: (payload) => ({ jobId: payload.jobId, featureSetId: payload.featureSetId }),
    ExportForSageMaker: (payload) => ({
      jobId: payload.jobId,
      featureSetId: payload.featureSetId,
      sageMaker: exported,
    }),
    TrainOnSageMaker: completedJob,
    ConvertXgboost: (payload) => ({ jobId: payload.jobId, featureSetId: payload.featureSetId }),
    SelectModel: (payload) => ({ ...payload, modelKey: 'jobs/job-123/model.onnx' }),
    RegisterModel: (payload) => ({ jobId: payload.jobId }),
  };
}

describe('training workflow, SageMaker branch', () => {
  it('sends a feature set above the threshold through SageMaker: export, training job, convert, select', async () => {
    // Act
    const { calls, path, outcome } = await run(mocksFor(THRESHOLD + 1), undefined, withThreshold);

    // Assess
    expect(path).toEqual([...sageMakerSteps]);
    const byState = Object.fromEntries(calls.map((call) => [call.state, call.payload]));
    expect(byState.ExportForSageMaker).toEqual({ jobId: 'job-123', featureSetId: 'fs-1', trainRows: 1001 });
    const request = byState.TrainOnSageMaker;
    expect(request.TrainingJobName).toMatch(
      /^mlp-local-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(request.TrainingJobName.length).toBeLessThanOrEqual(63);
    expect(request).toEqual({
      TrainingJobName: request.TrainingJobName,
      RoleArn: workflows.training.parameters.SageMakerRoleArn.local,
      AlgorithmSpecification: {
        TrainingImage: workflows.training.parameters.XgboostImageUri.local,
        TrainingInputMode: 'File',
      },
      HyperParameters: exported.hyperParameters,
      InputDataConfig: [
        {
          ChannelName: 'train',
          ContentType: 'text/csv',
          CompressionType: 'None',
          DataSource: {
            S3DataSource: {
              S3DataType: 'S3Prefix',
              S3Uri: exported.trainUri,
              S3DataDistributionType: 'FullyReplicated',
            },
          },
        },
        {
          ChannelName: 'validation',
          ContentType: 'text/csv',
          CompressionType: 'None',
          DataSource: {
            S3DataSource: {
              S3DataType: 'S3Prefix',
              S3Uri: exported.validationUri,
              S3DataDistributionType: 'FullyReplicated',
            },
          },
        },
      ],
      OutputDataConfig: { S3OutputPath: exported.outputUri },
      ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.m5.4xlarge', VolumeSizeInGB: 42 },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      EnableNetworkIsolation: true,
      Tags: [{ Key: 'training-job-id', Value: 'job-123' }],
    });
    expect(byState.ConvertXgboost).toEqual({
      jobId: 'job-123',
      featureSetId: 'fs-1',
      sageMaker: exported,
      trainingJob: {
        name: request.TrainingJobName,
        modelArtifact: `${exported.outputUri}${request.TrainingJobName}/output/model.tar.gz`,
      },
    });
    expect(byState.SelectModel).toEqual({ jobId: 'job-123', featureSetId: 'fs-1' });
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { jobId: 'job-123' } });
  });

  it.each([
    ['at the threshold', THRESHOLD],
    ['below it', 10],
    ['without a row count from the features step', undefined],
  ])('trains in Lambda %s, passing the state on unchanged', async (_case, trainRows) => {
    // Act
    const { calls, path, outcome } = await run(mocksFor(trainRows), undefined, withThreshold);

    // Assess
    expect(path).toEqual([...steps]);
    expect(calls[2]?.payload).toEqual({
      jobId: 'job-123',
      featureSetId: 'fs-1',
      ...(trainRows === undefined ? {} : { trainRows }),
    });
    expect(outcome.status).toBe('SUCCEEDED');
  });

  it('never takes the SageMaker branch with the local values, however large the feature set', async () => {
    // Act
    const { path } = await run(mocksFor(10_000_000_000), undefined, loaded);

    // Assess
    expect(path).toEqual([...steps]);
  });

  it("marks the job failed with SageMaker's reason when the training job fails, without retrying it", async () => {
    // Prepare
    const cause = JSON.stringify({ TrainingJobStatus: 'Failed', FailureReason: 'AlgorithmError: bad CSV' });

    // Act
    const { calls, path, outcome } = await run(
      {
        ...mocksFor(THRESHOLD + 1),
        TrainOnSageMaker: () => {
          throw namedError('States.TaskFailed', cause);
        },
      },
      undefined,
      withThreshold,
    );

    // Assess
    expect(path).toEqual([...sageMakerSteps.slice(0, 4), 'MarkJobFailed']);
    expect(calls.at(-1)?.payload).toEqual({
      jobId: 'job-123',
      error: { Error: 'States.TaskFailed', Cause: cause },
    });
    expect(outcome.status === 'FAILED' && outcome.error.name).toBe('TrainingJobFailed');
  });

  it('retries throttling and quota errors of SageMaker with a new job name each time', async () => {
    // Act
    const { calls, path, outcome } = await run(
      {
        ...mocksFor(THRESHOLD + 1),
        TrainOnSageMaker: (request, attempt) => {
          if (attempt === 1) throw namedError('SageMaker.ThrottlingException', 'Rate exceeded');
          if (attempt === 2)
            throw namedError('SageMaker.ResourceLimitExceededException', 'No ml.m5.4xlarge left');
          return completedJob(request);
        },
      },
      undefined,
      withThreshold,
    );

    // Assess
    expect(path.filter((state) => state === 'TrainOnSageMaker')).toHaveLength(3);
    const names = calls
      .filter((call) => call.state === 'TrainOnSageMaker')
      .map((call) => call.payload.TrainingJobName);
    expect(new Set(names).size).toBe(3);
    expect(outcome.status).toBe('SUCCEEDED');
  });

  it.each(['ExportForSageMaker', 'ConvertXgboost'])(
    'marks the job failed with the error when %s fails, then fails the execution',
    async (step) => {
      // Act
      const { calls, path, outcome } = await run(
        {
          ...mocksFor(THRESHOLD + 1),
          [step]: () => {
            throw namedError('UnprocessableError', 'The model archive has no xgboost-model.');
          },
        },
        undefined,
        withThreshold,
      );

      // Assess
      expect(path).toEqual([
        ...sageMakerSteps.slice(0, sageMakerSteps.indexOf(step as never) + 1),
        'MarkJobFailed',
      ]);
      expect(calls.at(-1)?.payload.error.Error).toBe('UnprocessableError');
      expect(outcome.status).toBe('FAILED');
    },
  );

  it('retries a SageMaker-branch Lambda step that throws TransientError', async () => {
    // Act
    const { path, outcome } = await run(
      {
        ...mocksFor(THRESHOLD + 1),
        ConvertXgboost: (payload, attempt) => {
          if (attempt === 1) throw namedError('TransientError', 'S3 throttled');
          return { jobId: payload.jobId, featureSetId: payload.featureSetId };
        },
      },
      undefined,
      withThreshold,
    );

    // Assess
    expect(path.filter((state) => state === 'ConvertXgboost')).toHaveLength(2);
    expect(outcome.status).toBe('SUCCEEDED');
  });
});

describe('training workflow on the local platform', () => {
  it('loads the SageMaker task as a stand-in for the service, not as a function', () => {
    // Assess
    expect(loaded.tasks.get('TrainOnSageMaker')).toEqual({
      kind: 'service',
      state: 'TrainOnSageMaker',
      resource: 'arn:aws:states:::sagemaker:createTrainingJob.sync',
      note: workflows.training.serviceTasks.TrainOnSageMaker.localNote,
    });
  });

  it('fails the job with a clear reason if an execution ever reaches SageMaker locally', async () => {
    // Prepare: the local runner with in-process "functions" answering like the mocks above.
    const mocks = mocksFor(THRESHOLD + 1);
    const marked: any[] = [];
    const runtime = {
      invoke: async (fn: { placeholder: string }, payload: any) => {
        if (fn.placeholder === 'MarkJobFailedFunctionArn') {
          marked.push(payload);
          return { jobId: payload.jobId };
        }
        const state = fn.placeholder.replace(/FunctionArn$/, '');
        return (mocks[state] as Mock)(payload, 1);
      },
    } as unknown as LocalLambdaRuntime;
    const runner = new ExecutionRunner({
      runtime,
      roleArn: 'arn:aws:iam::123456789012:role/local',
      retryIntervalMs: 0,
      stateMachines: new Map(),
      onError: (error) => {
        throw error;
      },
    });
    const machine = createStateMachine(
      'arn:aws:states:us-east-1:123456789012:stateMachine:Training',
      'Training',
      withThreshold,
    );

    // Act
    const started = runner.start(machine, 'job-123', JSON.stringify({ jobId: 'job-123' }));
    let execution = runner.describe(started.executionArn);
    for (let wait = 0; execution.status === 'RUNNING' && wait < 200; wait += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      execution = runner.describe(started.executionArn);
    }

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'TrainingJobFailed' });
    expect(marked).toHaveLength(1);
    expect(marked[0].error.Error).toBe('States.TaskFailed');
    expect(marked[0].error.Cause).toContain(
      'State TrainOnSageMaker calls arn:aws:states:::sagemaker:createTrainingJob.sync, which the local platform cannot run.',
    );
  });
});
