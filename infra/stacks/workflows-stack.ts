/**
 * The asynchronous side: the workflows' state machines and task functions (training, batch
 * predictions), their execution-end rules, and the scheduled maintenance (the orphan sweep). A stack
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
}

export class WorkflowsStack extends Stack {
  readonly pipeline: PlatformPipeline;
  readonly maintenance: PlatformMaintenance;
  readonly batchPredictions: BatchPredictions;

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
    this.batchPredictions = new BatchPredictions(this, 'BatchPredictions', {
      workflow: this.pipeline.workflows.batchPredictions,
      arns: allWorkflowArns(this, props.stage).batchPredictions,
      bucket: props.storage.buckets.datasets.bucket,
    });

    for (const workflow of Object.values(this.pipeline.workflows)) {
      new CfnOutput(this, `${workflow.node.id}StateMachineArn`, {
        value: workflow.stateMachine.stateMachineArn,
      });
    }
  }
}
