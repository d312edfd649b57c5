/**
 * The asynchronous side: the workflows' state machines and task functions (training, batch
 * predictions, drift reports), their execution-end rules, the scheduled maintenance (the orphan
 * sweep, drift reports, alert evaluation) and the model alerts topic the evaluator publishes to. A stack
 * of its own so that the API stack's routes and the workflows each stay under CloudFormation's 500
 * resources a stack. The API's functions reach the state machines through their fixed names
 * (`allWorkflowArns`), so no reference runs from the API stack to this one; the tasks share the API
 * stack's environment, the cursor signing key included.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { PlatformApi } from '../constructs/api.ts';
import { BatchPredictions } from '../constructs/batch-predictions.ts';
import { PlatformMaintenance } from '../constructs/maintenance.ts';
import { ModelAlerts } from '../constructs/model-alerts.ts';
import { OnnxRuntimeLayer } from '../constructs/onnx-runtime-layer.ts';
import { allWorkflowArns, PlatformPipeline } from '../constructs/pipeline.ts';
import type { PlatformStorage } from '../constructs/storage.ts';

export interface WorkflowsStackProps extends StackProps {
  readonly stage: string;
  readonly storage: PlatformStorage;
  /** The API whose environment (tables, buckets, cursor signing key) the tasks share. */
  readonly api: PlatformApi;
  /** A layer to use instead of building one (tests). */
  readonly onnxRuntimeLayer?: ILayerVersion;
  readonly logRetention?: RetentionDays;
  /** Subscribed to the model alerts topic (context `alertEmail`). */
  readonly alertEmail?: string;
}

export class WorkflowsStack extends Stack {
  readonly pipeline: PlatformPipeline;
  readonly maintenance: PlatformMaintenance;
  readonly batchPredictions: BatchPredictions;
  readonly modelAlerts: ModelAlerts;

  constructor(scope: Construct, id: string, props: WorkflowsStackProps) {
    super(scope, id, props);

    // The tasks that load models get the onnxruntime-node layer; built once, when first asked for.
    let onnxRuntimeLayer = props.onnxRuntimeLayer;
    const layer = (): ILayerVersion => {
      onnxRuntimeLayer ??= new OnnxRuntimeLayer(this, 'OnnxRuntime').layerVersion;
      return onnxRuntimeLayer;
    };

    this.pipeline = new PlatformPipeline(this, 'Pipeline', {
      stage: props.stage,
      storage: props.storage,
      // The tasks page listings too (e.g. a model's versions): they sign cursors like the routes.
      environment: props.api.listingEnvironment,
      onnxRuntimeLayer: layer,
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    });
    this.maintenance = new PlatformMaintenance(this, 'Maintenance', {
      storage: props.storage,
      // The orphan sweep pages a model's versions: it signs cursors too.
      environment: props.api.listingEnvironment,
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    });
    // The topic lives beside the evaluator that publishes to it and keeps the alarms that notify it.
    this.modelAlerts = new ModelAlerts(this, 'ModelAlerts', {
      stage: props.stage,
      ...(props.alertEmail ? { email: props.alertEmail } : {}),
    });
    const evaluator = this.maintenance.scheduledFunctions.evaluateAlerts;
    if (evaluator === undefined) throw new Error('The schedule table has no evaluateAlerts task');
    this.modelAlerts.grantEvaluator(evaluator);
    this.batchPredictions = new BatchPredictions(this, 'BatchPredictions', {
      workflow: this.pipeline.workflows.batchPredictions,
      arns: allWorkflowArns(this, props.stage).batchPredictions,
      bucket: props.storage.buckets.datasets.bucket,
    });

    new CfnOutput(this, 'ModelAlertsTopicArn', { value: this.modelAlerts.topic.topicArn });
    for (const workflow of Object.values(this.pipeline.workflows)) {
      new CfnOutput(this, `${workflow.node.id}StateMachineArn`, {
        value: workflow.stateMachine.stateMachineArn,
      });
    }
  }
}
