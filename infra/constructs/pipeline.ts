/**
 * The workflows, built from the workflow table (`functions/steps/workflows.ts`): per workflow, one
 * function per task (its settings, the onnxruntime layer when asked, and the task's grants only) and a
 * Standard state machine made from the ASL file itself (`DefinitionBody.fromFile`), each `${...}`
 * placeholder substituted with its function's ARN, or with its parameter's value: the table's deployed
 * value, or what the infrastructure makes for it (the SageMaker job role, the XGBoost image of the
 * region, the job name prefix). Service tasks the table declares (SageMaker training) get their grants
 * on the state machine's role. The local platform runs the same file.
 *
 * Every state machine has a fixed name per stage, so its ARN is known before it exists: the API's
 * functions receive it (and the grants to start and stop executions) without depending on the state
 * machine, whose definition depends on the workflow's functions, which receive the same environment.
 * No dependency cycle, and the ARN does not change when the state machine is replaced.
 *
 * A workflow with an `onExecutionEnd` function gets an EventBridge rule on its state machine's
 * "Step Functions Execution Status Change" events with those statuses (training: FAILED, TIMED_OUT,
 * ABORTED), targeting that function, retried by EventBridge and dead-lettered to an encrypted queue:
 * a timeout or an abort skips the ASL's Catch, and this is what ends the job then.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { WorkflowGrant } from '#http/routes.ts';
import { sageMakerKeys } from '../../functions/core/training/pipeline/sagemaker-keys.ts';
import {
  EXECUTION_STATUS_CHANGE,
  type ExecutionEndTask,
  type WorkflowDefinition,
  type WorkflowTask,
  workflows as workflowTable,
} from '../../functions/steps/workflows.ts';
import { acknowledgeWildcardResource } from './nag.ts';
import { OnnxRuntimeLayer } from './onnx-runtime-layer.ts';
import { PlatformFunction, repositoryRoot } from './platform-function.ts';
import { SageMakerTraining } from './sagemaker-training.ts';
import type { PlatformStorage } from './storage.ts';

/** A workflow's key in the workflow table, e.g. `training`. */
export type WorkflowName = keyof typeof workflowTable;

/** The ARNs a workflow's callers need, known from its name alone. */
export interface WorkflowArns {
  readonly stateMachineName: string;
  readonly stateMachineArn: string;
  /** Every execution of the state machine: `arn:…:execution:<name>:*`. */
  readonly executionsArn: string;
}

/** The fixed state machine name of a workflow in a stage: `MlPlatform-<stage>-<id>`. */
export const stateMachineName = (stage: string, workflow: WorkflowDefinition): string =>
  `MlPlatform-${stage}-${workflow.id}`;

/** A workflow's ARNs in the stack of `scope` (its partition, region and account). */
export function workflowArns(scope: Construct, stage: string, workflow: WorkflowDefinition): WorkflowArns {
  const name = stateMachineName(stage, workflow);
  const stack = Stack.of(scope);
  const arn = (resource: string, resourceName: string) =>
    stack.formatArn({ service: 'states', resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  return {
    stateMachineName: name,
    stateMachineArn: arn('stateMachine', name),
    executionsArn: arn('execution', `${name}:*`),
  };
}

/** Every workflow's ARNs, by workflow name. */
export function allWorkflowArns(
  scope: Construct,
  stage: string,
): Readonly<Record<WorkflowName, WorkflowArns>> {
  return Object.fromEntries(
    Object.entries(workflowTable).map(([name, workflow]) => [name, workflowArns(scope, stage, workflow)]),
  ) as Record<WorkflowName, WorkflowArns>;
}

/** The actions of a route-level workflow grant. */
const workflowActions: Readonly<Record<WorkflowGrant, { stateMachine: string[]; executions: string[] }>> = {
  start: {
    stateMachine: ['states:StartExecution'],
    executions: ['states:DescribeExecution', 'states:StopExecution'],
  },
};

/**
 * Lets a function's role start executions of one workflow, and describe and stop them. Executions are
 * named by job id at run time, so the second statement covers the state machine's executions (`:*`),
 * acknowledged to cdk-nag as exactly that.
 */
export function grantWorkflow(role: Role, arns: WorkflowArns, grant: WorkflowGrant): void {
  const actions = workflowActions[grant];
  role.addToPrincipalPolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: actions.stateMachine,
      resources: [arns.stateMachineArn],
    }),
  );
  role.addToPrincipalPolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: actions.executions,
      resources: [arns.executionsArn],
    }),
  );
  acknowledgeWildcardResource(
    role,
    arns.executionsArn,
    `Executions are named by job id at run time; the grant covers the executions of one state machine (${arns.stateMachineName}).`,
  );
}

export interface PlatformWorkflowProps {
  readonly workflow: WorkflowDefinition;
  /** Deployment stage: part of names the workflow's resources need (e.g. SageMaker job names). */
  readonly stage: string;
  readonly arns: WorkflowArns;
  readonly storage: PlatformStorage;
  /** What every function of the platform receives (tables, buckets, user pool, workflow ARNs, ...). */
  readonly environment: Readonly<Record<string, string>>;
  /** The layer for tasks with `function.onnxRuntime`; asked for only when a task needs it. */
  readonly onnxRuntimeLayer: () => ILayerVersion;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Values for the workflow's parameters in place of the table's deployed ones. */
  readonly parameterValues?: Readonly<Record<string, string>>;
}

/** The one service integration besides Lambda the workflows use; its grants come from SageMakerTraining. */
const SAGEMAKER_TRAINING_SYNC = 'arn:aws:states:::sagemaker:createTrainingJob.sync';

/** PascalCase construct id from a placeholder: `PreprocessFunctionArn` → `Preprocess`. */
const taskId = (placeholder: string) => placeholder.replace(/(Function)?Arn$/, '');

/**
 * One workflow: its task functions and its state machine.
 * @example
 * const arns = workflowArns(this, 'dev', workflows.training);
 * new PlatformWorkflow(this, 'Training', { workflow: workflows.training, stage: 'dev', arns, storage, environment, onnxRuntimeLayer });
 */
export class PlatformWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;
  /** The task functions by placeholder name (e.g. `PreprocessFunctionArn`). */
  readonly taskFunctions: Readonly<Record<string, PlatformFunction>>;
  readonly functions: readonly PlatformFunction[];
  /** The value substituted for each parameter placeholder (tokens for what the infrastructure makes). */
  readonly parameterValues: Readonly<Record<string, string>>;
  /**
   * The workflow's `onExecutionEnd` function, its rule and its dead-letter queue. Not among
   * `functions`: the state machine may not invoke it.
   */
  readonly executionEnd?: {
    readonly function: PlatformFunction;
    readonly rule: Rule;
    readonly deadLetterQueue: Queue;
  };

  #sageMakerTraining: SageMakerTraining | undefined;

  constructor(scope: Construct, id: string, props: PlatformWorkflowProps) {
    super(scope, id);
    const { workflow } = props;
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;

    const taskFunctions: Record<string, PlatformFunction> = {};
    for (const [placeholder, task] of Object.entries(workflow.tasks)) {
      taskFunctions[placeholder] = this.addTask(
        `${workflow.id}${taskId(placeholder)}`,
        task,
        props,
        logRetention,
      );
    }
    this.taskFunctions = taskFunctions;
    this.functions = Object.values(taskFunctions);
    this.parameterValues = this.resolveParameters(props);

    this.logGroup = new LogGroup(this, 'StateMachineLogs', {
      retention: logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.arns.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      comment: `${workflow.id} workflow (${workflow.definitionFile})`,
      definitionBody: DefinitionBody.fromFile(`${repositoryRoot}${workflow.definitionFile}`),
      definitionSubstitutions: {
        ...Object.fromEntries(
          Object.entries(taskFunctions).map(([placeholder, fn]) => [placeholder, fn.functionArn]),
        ),
        ...this.parameterValues,
      },
      tracingEnabled: true,
      // Every event, without inputs and outputs: they hold job ids and S3 keys, but the job row is the
      // place to read a job's data, and the logs stay free of whatever a future step passes along.
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: false },
    });
    // Exactly the workflow's functions, unqualified (the ASL invokes $LATEST through the bare ARN).
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['lambda:InvokeFunction'],
        resources: this.functions.map((fn) => fn.functionArn),
      }),
    );
    const services = Object.entries(workflow.serviceTasks ?? {});
    for (const [state, service] of services) {
      if (service.resource !== SAGEMAKER_TRAINING_SYNC) {
        throw new Error(
          `Workflow ${workflow.id}: no grants are known for ${service.resource} (state ${state}).`,
        );
      }
    }
    if (services.length > 0) this.sageMaker(props).grantRunJobs(this.stateMachine.role);
    if (workflow.onExecutionEnd) {
      this.executionEnd = this.addExecutionEnd(workflow.onExecutionEnd, props, logRetention);
    }
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the log delivery actions (logs:CreateLogDelivery and friends, added for LogLevel.ALL) and ' +
        'xray:PutTraceSegments/PutTelemetryRecords/GetSampling* (tracing) use "*": neither service ' +
        'supports resource-level permissions for them.',
    });
  }

  /** The SageMaker job role, image and grants, when the workflow trains on SageMaker. */
  get sageMakerTraining(): SageMakerTraining | undefined {
    return this.#sageMakerTraining;
  }

  /** The SageMaker job role, image and job prefix, made on first use. */
  private sageMaker(props: PlatformWorkflowProps): SageMakerTraining {
    this.#sageMakerTraining ??= new SageMakerTraining(this, 'SageMakerTraining', {
      stage: props.stage,
      bucket: props.storage.buckets.datasets.bucket,
      inputPrefix: sageMakerKeys.inputPrefix,
      outputPrefix: sageMakerKeys.outputPrefix,
    });
    return this.#sageMakerTraining;
  }

  /**
   * Each parameter's value: the caller's, else what the infrastructure makes for it, else the table's
   * deployed value. A parameter with none of these stops synthesis, naming it.
   */
  private resolveParameters(props: PlatformWorkflowProps): Record<string, string> {
    const provided: Readonly<Record<string, () => string>> = {
      SageMakerRoleArn: () => this.sageMaker(props).role.roleArn,
      XgboostImageUri: () => this.sageMaker(props).imageUri,
      SageMakerJobPrefix: () => this.sageMaker(props).jobPrefix,
      BatchBucket: () => props.storage.buckets.datasets.bucket.bucketName,
    };
    const values: Record<string, string> = {};
    for (const [name, parameter] of Object.entries(props.workflow.parameters ?? {})) {
      const value =
        props.parameterValues?.[name] ??
        (Object.hasOwn(provided, name) ? provided[name]?.() : undefined) ??
        parameter.deployed;
      if (value === undefined) {
        throw new Error(`Workflow ${props.workflow.id}: no deployed value for the parameter ${name}.`);
      }
      values[name] = value;
    }
    const unknown = Object.keys(props.parameterValues ?? {}).filter(
      (name) => !Object.hasOwn(props.workflow.parameters ?? {}, name),
    );
    if (unknown.length > 0) {
      throw new Error(`Workflow ${props.workflow.id} has no parameter ${unknown.join(', ')}.`);
    }
    return values;
  }

  /** The rule sending the state machine's ends with the task's statuses to the task's function. */
  private addExecutionEnd(task: ExecutionEndTask, props: PlatformWorkflowProps, logRetention: RetentionDays) {
    const id = `${props.workflow.id}ExecutionEnded`;
    const fn = this.addTask(id, task, props, logRetention);
    const deadLetterQueue = new Queue(this, 'ExecutionEndDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is the dead-letter queue of the execution-end rule's target: events EventBridge could not deliver land here, and an alarm watches its depth.",
    });
    const rule = new Rule(this, 'ExecutionEndRule', {
      description: `${props.workflow.id} executions that end ${task.statuses.join(', ')} → ${fn.node.id}`,
      eventPattern: {
        source: ['aws.states'],
        detailType: [EXECUTION_STATUS_CHANGE],
        detail: { stateMachineArn: [props.arns.stateMachineArn], status: [...task.statuses] },
      },
      targets: [
        new LambdaFunction(fn, {
          deadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });
    return { function: fn, rule, deadLetterQueue };
  }

  private addTask(
    id: string,
    task: WorkflowTask,
    props: PlatformWorkflowProps,
    logRetention: RetentionDays,
  ): PlatformFunction {
    const tuning = task.function;
    return new PlatformFunction(this, `${id}Function`, {
      entry: task.entry,
      description: `${props.workflow.id} workflow: ${task.description}`.slice(0, 256),
      ...(tuning?.memoryMb ? { memorySize: tuning.memoryMb } : {}),
      ...(tuning?.timeoutSeconds ? { timeout: Duration.seconds(tuning.timeoutSeconds) } : {}),
      ...(tuning?.onnxRuntime
        ? { externalModules: OnnxRuntimeLayer.externalModules, layers: [props.onnxRuntimeLayer()] }
        : {}),
      environment: props.environment,
      logRetention,
    }).bindStorage(props.storage, task.grants);
  }
}

export interface PlatformPipelineProps {
  /** Deployment stage name: part of every state machine's name. */
  readonly stage: string;
  readonly storage: PlatformStorage;
  readonly environment: Readonly<Record<string, string>>;
  readonly onnxRuntimeLayer: () => ILayerVersion;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Per workflow, values for its parameters in place of the table's deployed ones. */
  readonly parameterValues?: Partial<Record<WorkflowName, Readonly<Record<string, string>>>>;
}

/**
 * Every workflow of the workflow table.
 * @example
 * const pipeline = new PlatformPipeline(this, 'Pipeline', { stage, storage, environment, onnxRuntimeLayer });
 * pipeline.workflows.training.stateMachine;
 */
export class PlatformPipeline extends Construct {
  readonly workflows: Readonly<Record<WorkflowName, PlatformWorkflow>>;
  /** Every task function of every workflow. */
  readonly functions: readonly PlatformFunction[];

  constructor(scope: Construct, id: string, props: PlatformPipelineProps) {
    super(scope, id);
    const built = Object.entries(workflowTable).map(([name, workflow]) => [
      name,
      new PlatformWorkflow(this, workflow.id, {
        workflow,
        stage: props.stage,
        arns: workflowArns(this, props.stage, workflow),
        ...(props.parameterValues?.[name as WorkflowName]
          ? { parameterValues: props.parameterValues[name as WorkflowName] }
          : {}),
        storage: props.storage,
        environment: props.environment,
        onnxRuntimeLayer: props.onnxRuntimeLayer,
        ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      }),
    ]);
    this.workflows = Object.fromEntries(built) as Record<WorkflowName, PlatformWorkflow>;
    this.functions = Object.values(this.workflows).flatMap((workflow) => workflow.functions);
  }
}
