/**
 * What the training workflow's SageMaker branch needs in AWS: the execution role SageMaker training
 * jobs assume, the built-in XGBoost image of the stack's region, the job name prefix, and the grants
 * that let a state machine run those jobs with `createTrainingJob.sync`. Least privilege throughout:
 * - the job role reads the channels under `sagemaker/input/` of the datasets bucket, writes models
 *   under `sagemaker/output/`, writes the logs of its own jobs, and pulls the one image repository;
 * - the state machine creates, describes, stops and tags only jobs named `<prefix>-…`, passes only
 *   this role and only to SageMaker, and manages only the EventBridge rule `.sync` polls with.
 * The stacks are environment-agnostic, so the image's registry account is a CloudFormation mapping by
 * region (`Fn::FindInMap`), from the SageMaker Python SDK's table for XGBoost 1.7-1.
 */
import { ArnFormat, Aws, CfnMapping, Stack } from 'aws-cdk-lib';
import { Effect, type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from './nag.ts';

/** The built-in XGBoost algorithm's repository and the version this platform's converter reads. */
export const XGBOOST_REPOSITORY = 'sagemaker-xgboost';
export const XGBOOST_VERSION = '1.7-1';

/** ECR registry account of SageMaker's XGBoost 1.x images, by region. */
export const XGBOOST_REGISTRIES: Readonly<Record<string, string>> = {
  'af-south-1': '510948584623',
  'ap-east-1': '651117190479',
  'ap-northeast-1': '354813040037',
  'ap-northeast-2': '366743142698',
  'ap-northeast-3': '867004704886',
  'ap-south-1': '720646828776',
  'ap-south-2': '628508329040',
  'ap-southeast-1': '121021644041',
  'ap-southeast-2': '783357654285',
  'ap-southeast-3': '951798379941',
  'ap-southeast-4': '106583098589',
  'ca-central-1': '341280168497',
  'ca-west-1': '190319476487',
  'cn-north-1': '450853457545',
  'cn-northwest-1': '451049120500',
  'eu-central-1': '492215442770',
  'eu-central-2': '680994064768',
  'eu-north-1': '662702820516',
  'eu-south-1': '978288397137',
  'eu-south-2': '104374241257',
  'eu-west-1': '141502667606',
  'eu-west-2': '764974769150',
  'eu-west-3': '659782779980',
  'il-central-1': '898809789911',
  'me-central-1': '272398656194',
  'me-south-1': '801668240914',
  'sa-east-1': '737474898029',
  'us-east-1': '683313688378',
  'us-east-2': '257758044811',
  'us-gov-east-1': '237065988967',
  'us-gov-west-1': '414596584902',
  'us-west-1': '746614075791',
  'us-west-2': '246618743249',
};

/** The rule Step Functions creates to learn when a training job it waits for (`.sync`) ends. */
const SYNC_RULE = 'StepFunctionsGetEventsForSageMakerTrainingJobsRule';
/** Where SageMaker writes training jobs' logs. */
const LOG_GROUP = '/aws/sagemaker/TrainingJobs';
/** SageMaker's limit on training job names; the ASL appends `-<uuid>` (37 characters) to the prefix. */
const MAX_JOB_NAME = 63;
const UUID_SUFFIX = 37;

export interface SageMakerTrainingProps {
  /** Part of the job name prefix (`mlp-<stage>`), so stages sharing an account keep apart. */
  readonly stage: string;
  readonly bucket: IBucket;
  /** Key prefix the jobs read their channels from, e.g. `sagemaker/input/`. */
  readonly inputPrefix: string;
  /** Key prefix the jobs write their models to, e.g. `sagemaker/output/`. */
  readonly outputPrefix: string;
}

/**
 * @example
 * const training = new SageMakerTraining(this, 'SageMaker', { stage, bucket, inputPrefix, outputPrefix });
 * training.grantRunJobs(stateMachine.role);
 */
export class SageMakerTraining extends Construct {
  /** The role SageMaker assumes for the training jobs. */
  readonly role: Role;
  /** The built-in XGBoost image in the stack's region (a token). */
  readonly imageUri: string;
  /** Every training job name starts with this, then `-<uuid>`. */
  readonly jobPrefix: string;
  /** `arn:…:training-job/<prefix>-*`. */
  readonly trainingJobsArn: string;

  constructor(scope: Construct, id: string, props: SageMakerTrainingProps) {
    super(scope, id);
    this.jobPrefix = `mlp-${props.stage}`;
    if (
      !/^[a-z0-9](-?[a-z0-9])*$/.test(this.jobPrefix) ||
      this.jobPrefix.length + UUID_SUFFIX > MAX_JOB_NAME
    ) {
      throw new Error(
        `Stage "${props.stage}" makes the SageMaker job prefix ${this.jobPrefix}: it must be lowercase ` +
          `letters, digits and single hyphens, at most ${MAX_JOB_NAME - UUID_SUFFIX} characters.`,
      );
    }
    const stack = Stack.of(this);
    // SageMaker ARNs carry names in lower case.
    this.trainingJobsArn = stack.formatArn({
      service: 'sagemaker',
      resource: 'training-job',
      resourceName: `${this.jobPrefix}-*`,
    });

    const registries = new CfnMapping(this, 'XgboostRegistries', {
      mapping: Object.fromEntries(
        Object.entries(XGBOOST_REGISTRIES).map(([region, account]) => [region, { account }]),
      ),
    });
    const registry = registries.findInMap(Aws.REGION, 'account');
    this.imageUri = `${registry}.dkr.ecr.${Aws.REGION}.${Aws.URL_SUFFIX}/${XGBOOST_REPOSITORY}:${XGBOOST_VERSION}`;

    this.role = new Role(this, 'JobRole', {
      description: `Assumed by SageMaker training jobs ${this.jobPrefix}-* (built-in XGBoost) of the training workflow`,
      assumedBy: new ServicePrincipal('sagemaker.amazonaws.com', {
        // Only this account's jobs of this prefix may use the role (confused-deputy protection).
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': this.trainingJobsArn },
        },
      }),
    });
    const input = props.bucket.arnForObjects(`${props.inputPrefix}*`);
    const output = props.bucket.arnForObjects(`${props.outputPrefix}*`);
    const logGroup = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `${LOG_GROUP}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const logStreams = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `${LOG_GROUP}:log-stream:${this.jobPrefix}-*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const repository = stack.formatArn({
      service: 'ecr',
      account: registry,
      resource: 'repository',
      resourceName: XGBOOST_REPOSITORY,
    });
    const statements = [
      new PolicyStatement({ actions: ['s3:GetObject'], resources: [input] }),
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [props.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${props.inputPrefix}*`] } },
      }),
      new PolicyStatement({ actions: ['s3:PutObject'], resources: [output] }),
      new PolicyStatement({
        actions: ['logs:CreateLogGroup', 'logs:DescribeLogStreams'],
        resources: [logGroup],
      }),
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logStreams],
      }),
      new PolicyStatement({
        actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
        resources: [repository],
      }),
      new PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
    ];
    for (const statement of statements) this.role.addToPrincipalPolicy(statement);

    acknowledgeWildcardResource(
      this.role,
      input,
      `Channel files of any training job: keys under ${props.inputPrefix} of the datasets bucket only.`,
    );
    acknowledgeWildcardResource(
      this.role,
      output,
      `Model artifacts of any training job: keys under ${props.outputPrefix} of the datasets bucket only.`,
    );
    acknowledgeWildcardResource(
      this.role,
      logGroup,
      `SageMaker writes every training job's logs to ${LOG_GROUP}; ":*" is the group's own ARN form.`,
    );
    acknowledgeWildcardResource(
      this.role,
      logStreams,
      `Log streams are named by training job (${this.jobPrefix}-<uuid>/algo-1-…): this platform's jobs only.`,
    );
    acknowledgeWildcardResource(
      this.role,
      '*',
      'Only ecr:GetAuthorizationToken, which has no resource-level permissions; the image pull itself is ' +
        `limited to the ${XGBOOST_REPOSITORY} repository.`,
    );
  }

  /**
   * Lets `role` (a state machine's) run this construct's jobs with `createTrainingJob.sync`: create,
   * describe, stop, tag them; pass the job role to SageMaker; manage the `.sync` EventBridge rule.
   */
  grantRunJobs(role: IRole): void {
    const stack = Stack.of(this);
    role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [
          'sagemaker:CreateTrainingJob',
          'sagemaker:DescribeTrainingJob',
          'sagemaker:StopTrainingJob',
          'sagemaker:AddTags',
          'sagemaker:ListTags',
        ],
        resources: [this.trainingJobsArn],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['iam:PassRole'],
        resources: [this.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: SYNC_RULE })],
      }),
    );
    acknowledgeWildcardResource(
      role,
      this.trainingJobsArn,
      `Training job names end in a unique id per attempt; the grant covers the jobs named ${this.jobPrefix}-*.`,
    );
  }
}
