/**
 * Stateless resources: the functions, the HTTP API and the workflows' state machines. Safe to destroy
 * and redeploy; the data lives in the stateful stack, whose constructs arrive as props. What watches
 * them (alarms, dashboard) is the observability stack's.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { routeList } from '#http/routes.ts';
import { PlatformApi, type PlatformApiProps } from '../constructs/api.ts';
import { BatchPredictions } from '../constructs/batch-predictions.ts';
import { PlatformMaintenance } from '../constructs/maintenance.ts';
import { OnnxRuntimeLayer } from '../constructs/onnx-runtime-layer.ts';
import { allWorkflowArns, PlatformPipeline } from '../constructs/pipeline.ts';

export type ApiStackProps = StackProps & Omit<PlatformApiProps, 'workflows'>;

export class ApiStack extends Stack {
  readonly api: PlatformApi;
  readonly pipeline: PlatformPipeline;
  readonly maintenance: PlatformMaintenance;
  readonly batchPredictions: BatchPredictions;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);

    // One onnxruntime-node layer for the routes and the workflow tasks that load models.
    let onnxRuntimeLayer = props.onnxRuntimeLayer;
    const layer = (): ILayerVersion => {
      onnxRuntimeLayer ??= new OnnxRuntimeLayer(this, 'OnnxRuntime').layerVersion;
      return onnxRuntimeLayer;
    };
    const routesNeedLayer = routeList.some((route) => route.function?.onnxRuntime);

    // State machine ARNs come from their fixed names: the API's functions get them without a reference.
    this.api = new PlatformApi(this, 'Api', {
      ...props,
      ...(routesNeedLayer ? { onnxRuntimeLayer: layer() } : {}),
      workflows: allWorkflowArns(this, props.stage),
    });
    this.pipeline = new PlatformPipeline(this, 'Pipeline', {
      stage: props.stage,
      storage: props.storage,
      // The tasks page listings too (e.g. a model's versions): they sign cursors like the routes.
      environment: this.api.listingEnvironment,
      onnxRuntimeLayer: layer,
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    });
    this.maintenance = new PlatformMaintenance(this, 'Maintenance', {
      storage: props.storage,
      // The orphan sweep pages a model's versions: it signs cursors too.
      environment: this.api.listingEnvironment,
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    });
    this.batchPredictions = new BatchPredictions(this, 'BatchPredictions', {
      workflow: this.pipeline.workflows.batchPredictions,
      arns: allWorkflowArns(this, props.stage).batchPredictions,
      bucket: props.storage.buckets.datasets.bucket,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.httpApi.apiEndpoint });
    for (const workflow of Object.values(this.pipeline.workflows)) {
      new CfnOutput(this, `${workflow.node.id}StateMachineArn`, {
        value: workflow.stateMachine.stateMachineArn,
      });
    }
  }
}
