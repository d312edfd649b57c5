/**
 * Model alerts for one stage: the alerts topic (SNS, encrypted with a customer managed key,
 * TLS-only), with an email subscription when the deploy names an address (context `alertEmail`), and
 * the grants of the function that evaluates the alert rules: publish to the topic, and manage the
 * per-model CloudWatch alarms, whose names all start with `MlPlatform-<stage>-model-` (put and
 * delete are scoped to that prefix; the alarms notify the same topic).
 *
 * A construct of the workflows stack, where the evaluator lives: the topic and the function's grants
 * sit in one stack, so no reference crosses from the observability stack (which watches the
 * workflows stack) back to it.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from './nag.ts';

export interface ModelAlertsProps {
  readonly stage: string;
  /** Subscribed to the alerts topic (the subscription must be confirmed from the mail AWS sends). */
  readonly email?: string;
}

/** The name prefix of every per-model alarm of a stage. */
export const modelAlarmPrefix = (stage: string): string => `MlPlatform-${stage}-model-`;

/**
 * @example
 * const alerts = new ModelAlerts(this, 'ModelAlerts', { stage: 'dev', email: 'ops@example.com' });
 * alerts.grantEvaluator(maintenance.scheduledFunctions.evaluateAlerts);
 */
export class ModelAlerts extends Construct {
  readonly topic: Topic;
  readonly key: Key;
  readonly alarmPrefix: string;
  /** `arn:…:alarm:<prefix>*`: the alarms the evaluator may put and delete. */
  readonly alarmsArn: string;

  constructor(scope: Construct, id: string, props: ModelAlertsProps) {
    super(scope, id);
    this.alarmPrefix = modelAlarmPrefix(props.stage);
    const stack = Stack.of(this);
    const alarmArn = (name: string) =>
      stack.formatArn({
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: name,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    this.alarmsArn = alarmArn(`${this.alarmPrefix}*`);

    // CloudWatch can publish to an encrypted topic only with a customer managed key whose policy lets
    // it use the key (the AWS managed aws/sns key cannot be shared with it).
    this.key = new Key(this, 'AlertsTopicKey', {
      description: `Encrypts the model alerts topic (${props.stage})`,
      enableKeyRotation: true,
    });
    this.key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'AlertsTopic', {
      displayName: `ML platform (${props.stage}) model alerts`,
      masterKey: this.key,
      enforceSSL: true,
    });
    // The per-model alarms of this stage, and only they, may notify the topic.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': this.alarmsArn },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );
    if (props.email !== undefined) this.topic.addSubscription(new EmailSubscription(props.email));
  }

  /** Lets `fn` publish alerts and reconcile the per-model alarms, and tells it where they are. */
  grantEvaluator(fn: LambdaFunction): void {
    fn.addEnvironment('ALERTS_TOPIC_ARN', this.topic.topicArn);
    fn.addEnvironment('MODEL_ALARM_PREFIX', this.alarmPrefix);
    // Exact actions (Topic.grantPublish would add kms:GenerateDataKey*): what publishing to an
    // encrypted topic takes.
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
      }),
    );
    this.key.grant(fn, 'kms:GenerateDataKey', 'kms:Decrypt');
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms'],
        resources: [this.alarmsArn],
      }),
    );
    acknowledgeWildcardResource(
      fn.role ?? fn,
      this.alarmsArn,
      `Per-model alarms are created at run time, one per model and rule; the grant covers the alarm names of this stage's prefix (${this.alarmPrefix}) only.`,
    );
    // DescribeAlarms authorizes against every alarm it could return, so it needs them all even with
    // AlarmNamePrefix; it reads alarm definitions and states only.
    const everyAlarm = Stack.of(this).formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['cloudwatch:DescribeAlarms'],
        resources: [everyAlarm],
      }),
    );
    acknowledgeWildcardResource(
      fn.role ?? fn,
      everyAlarm,
      'DescribeAlarms is authorized against every alarm a prefix query could return; read-only (definitions and states), used with the per-model alarm prefix.',
    );
  }
}
