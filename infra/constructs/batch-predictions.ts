/**
 * What the batch predictions workflow needs beyond its Lambda tasks (which the pipeline builds from
 * the workflow table): the Distributed Map's own grants on the state machine's role. A Distributed
 * Map runs each chunk as a child execution of the same state machine, reads the chunk manifest
 * through its ItemReader and writes the run's results through its ResultWriter; each grant below is
 * limited to exactly that.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { MAP_RESULTS_PREFIX } from '../../functions/core/batch/batch-jobs.ts';
import { acknowledgeWildcardResource } from './nag.ts';
import type { PlatformWorkflow, WorkflowArns } from './pipeline.ts';

/** The manifests the plan step writes, one per job (see `batchKeys.manifest`). */
export const MANIFEST_OBJECTS = 'batch-predictions/jobs/*/manifest.json';

export interface BatchPredictionsProps {
  readonly workflow: PlatformWorkflow;
  /** The state machine's ARNs from its fixed name: no reference to it, so no dependency cycle. */
  readonly arns: WorkflowArns;
  /** Where the inputs, manifests, parts and Map results live (the datasets bucket). */
  readonly bucket: IBucket;
}

export class BatchPredictions extends Construct {
  /** `arn:…:execution:<state machine>/*`: the Map run's child executions. */
  readonly childExecutionsArn: string;

  constructor(scope: Construct, id: string, props: BatchPredictionsProps) {
    super(scope, id);
    const role = props.workflow.stateMachine.role;
    this.childExecutionsArn = Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${props.arns.stateMachineName}/*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['states:StartExecution'],
        resources: [props.arns.stateMachineArn],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        resources: [this.childExecutionsArn],
      }),
    );
    const manifests = props.bucket.arnForObjects(MANIFEST_OBJECTS);
    role.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:GetObject'], resources: [manifests] }),
    );
    const results = props.bucket.arnForObjects(`${MAP_RESULTS_PREFIX}/*`);
    role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
        resources: [results],
      }),
    );
    acknowledgeWildcardResource(
      role,
      this.childExecutionsArn,
      'A Distributed Map names its child executions at run time; the grant covers the children of this one state machine.',
    );
    acknowledgeWildcardResource(
      role,
      manifests,
      "The ItemReader reads each job's chunk manifest; job ids are made at run time, the grant covers manifest.json objects only.",
    );
    acknowledgeWildcardResource(
      role,
      results,
      'The ResultWriter writes each Map run under a name it makes at run time; the grant covers the results prefix only.',
    );
  }
}
