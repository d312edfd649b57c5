/**
 * What operators see: Powertools settings for every function (service name and metric namespace
 * match `functions/observability.ts`), alarms on API 5xx and on each function's errors, sent to an
 * encrypted SNS topic, and a small dashboard.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Stats,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { PlatformFunction } from './platform-function.ts';

export type PowertoolsLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface PlatformObservabilityProps {
  readonly httpApi: HttpApi;
  readonly functions: readonly PlatformFunction[];
  /** @default 'ml-platform' (the service name of functions/observability.ts) */
  readonly serviceName?: string;
  /** @default 'MlPlatform' (the metric namespace of functions/observability.ts) */
  readonly metricsNamespace?: string;
  /** @default 'INFO' */
  readonly logLevel?: PowertoolsLogLevel;
  /** 5xx answers in 5 minutes that raise the API alarm. @default 5 */
  readonly api5xxThreshold?: number;
}

/**
 * @example
 * new PlatformObservability(this, 'Observability', { httpApi: api.httpApi, functions: api.functions });
 */
export class PlatformObservability extends Construct {
  readonly alarmTopic: Topic;
  readonly alarms: readonly Alarm[];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: PlatformObservabilityProps) {
    super(scope, id);
    const serviceName = props.serviceName ?? 'ml-platform';
    const namespace = props.metricsNamespace ?? 'MlPlatform';

    for (const fn of props.functions) {
      fn.addEnvironment('POWERTOOLS_SERVICE_NAME', serviceName);
      fn.addEnvironment('POWERTOOLS_METRICS_NAMESPACE', namespace);
      fn.addEnvironment('POWERTOOLS_LOG_LEVEL', props.logLevel ?? 'INFO');
    }

    // CloudWatch can publish to an encrypted topic only with a customer managed key whose policy lets
    // it use the key (the AWS managed aws/sns key cannot be shared with it).
    const topicKey = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the platform alarm topic',
      enableKeyRotation: true,
    });
    topicKey.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: `${serviceName} alarms`,
      masterKey: topicKey,
      enforceSSL: true,
    });
    const action = new SnsAction(this.alarmTopic);

    const apiId = props.httpApi.apiId;
    const api5xx = props.httpApi.metricServerError({ period: Duration.minutes(5), statistic: Stats.SUM });
    const api4xx = props.httpApi.metricClientError({ period: Duration.minutes(5), statistic: Stats.SUM });
    const apiLatency = props.httpApi.metricLatency({ period: Duration.minutes(5), statistic: Stats.p(99) });

    const alarms: Alarm[] = [
      new Alarm(this, 'Api5xxAlarm', {
        alarmDescription: `API ${apiId} answered 5xx`,
        metric: api5xx,
        threshold: props.api5xxThreshold ?? 5,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    ];
    const errorMetrics: IMetric[] = [];
    for (const fn of props.functions) {
      const errors = fn.metricErrors({ period: Duration.minutes(5), statistic: Stats.SUM });
      errorMetrics.push(errors);
      alarms.push(
        new Alarm(this, `${fn.node.id}Errors`, {
          alarmDescription: `${fn.node.id} threw or timed out`,
          metric: errors,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    for (const alarm of alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    this.alarms = alarms;

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-${serviceName}`,
      defaultInterval: Duration.hours(3),
      widgets: [
        [new TextWidget({ markdown: `# ${serviceName}\nAPI, functions and alarms.`, width: 24, height: 2 })],
        [
          new GraphWidget({ title: 'API answers (5 min)', left: [api4xx, api5xx], width: 12 }),
          new GraphWidget({ title: 'API latency p99', left: [apiLatency], width: 12 }),
        ],
        [new GraphWidget({ title: 'Function errors (5 min)', left: errorMetrics, width: 24, height: 8 })],
      ],
    });
  }
}
