/**
 * The workflows, built from the workflow table (`functions/steps/workflows.ts`): per workflow, one
 * function per task (its settings, the onnxruntime layer when asked, and the task's grants only) and a
 * Standard state machine made from the ASL file itself (`DefinitionBody.fromFile`), each `${...}`
 * placeholder substituted with its function's ARN. The local platform runs the same file.
 *
 * Every state machine has a fixed name per stage, so its ARN is known before it exists: the API's
 * functions receive it (and the grants to start and stop executions) without depending on the state
 * machine, whose definition depends on the workflow's functions, which receive the same environment.
 * No dependency cycle, and the ARN does not change when the state machine is replaced.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { WorkflowGrant } from '#http/routes.ts';
import {
  type WorkflowDefinition,
  type WorkflowTask,
  workflows as workflowTable,
} from '../../functions/steps/workflows.ts';
import { acknowledgeWildcardResource } from './nag.ts';
import { OnnxRuntimeLayer } from './onnx-runtime-layer.ts';
import { PlatformFunction, repositoryRoot } from './platform-function.ts';
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
  readonly arns: WorkflowArns;
  readonly storage: PlatformStorage;
  /** What every function of the platform receives (tables, buckets, user pool, workflow ARNs, ...). */
  readonly environment: Readonly<Record<string, string>>;
  /** The layer for tasks with `function.onnxRuntime`; asked for only when a task needs it. */
  readonly onnxRuntimeLayer: () => ILayerVersion;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/** PascalCase construct id from a placeholder: `PreprocessFunctionArn` → `Preprocess`. */
const taskId = (placeholder: string) => placeholder.replace(/(Function)?Arn$/, '');

/**
 * One workflow: its task functions and its state machine.
 * @example
 * const arns = workflowArns(this, 'dev', workflows.training);
 * new PlatformWorkflow(this, 'Training', { workflow: workflows.training, arns, storage, environment, onnxRuntimeLayer });
 */
export class PlatformWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;
  /** The task functions by placeholder name (e.g. `PreprocessFunctionArn`). */
  readonly taskFunctions: Readonly<Record<string, PlatformFunction>>;
  readonly functions: readonly PlatformFunction[];

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

    this.logGroup = new LogGroup(this, 'StateMachineLogs', {
      retention: logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.arns.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      comment: `${workflow.id} workflow (${workflow.definitionFile})`,
      definitionBody: DefinitionBody.fromFile(`${repositoryRoot}${workflow.definitionFile}`),
      definitionSubstitutions: Object.fromEntries(
        Object.entries(taskFunctions).map(([placeholder, fn]) => [placeholder, fn.functionArn]),
      ),
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
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the log delivery actions (logs:CreateLogDelivery and friends, added for LogLevel.ALL) and ' +
        'xray:PutTraceSegments/PutTelemetryRecords/GetSampling* (tracing) use "*": neither service ' +
        'supports resource-level permissions for them.',
    });
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
        arns: workflowArns(this, props.stage, workflow),
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
