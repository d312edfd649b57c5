/**
 * What operators see: Powertools settings for every function (service name and metric namespace
 * match `functions/observability.ts`), alarms sent to an encrypted SNS topic (with an email
 * subscription when an address is given), and a small dashboard.
 *
 * The alarms watch platform faults only: API 5xx; each API function's errors; the workflows' failed
 * and timed-out executions; their execution-end functions' errors and dead letters; throttled
 * functions; requests the API stage throttled. A workflow step's own errors are not alarmed one by
 * one: a step refusing the user's data (a single-class target) fails the job but not the execution
 * (the ASL's `UserDataError` path), and any other step failure fails the execution, which is alarmed.
 * Failed jobs are counted by kind (`TrainingJobsFailed`, `kind` UserData | PlatformFault) on the
 * dashboard.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  Stats,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { MODEL_INTEGRITY_METRIC } from '#core/registry/artifact-integrity.ts';
import type { PlatformWorkflow } from './pipeline.ts';
import type { PlatformFunction } from './platform-function.ts';

/** CloudWatch's limit on the metrics of one metric math alarm. */
const METRICS_PER_ALARM = 10;

export type PowertoolsLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface PlatformObservabilityProps {
  readonly httpApi: HttpApi;
  /** The API stage's access logs (JSON with `status` and `integrationLatency`), for its throttled requests. */
  readonly accessLogs: ILogGroup;
  /** Functions whose every error is a platform fault: one error alarm each. */
  readonly functions: readonly PlatformFunction[];
  /** The workflows: alarms on their executions and execution-end functions; their steps get none of their own. */
  readonly workflows?: readonly PlatformWorkflow[];
  /** Receives the alarms by email (the subscription must be confirmed from the mail AWS sends). */
  readonly alarmEmail?: string;
  /** Requests the API stage throttles in 5 minutes that raise the alarm. @default 10 */
  readonly apiThrottledThreshold?: number;
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

    const workflows = props.workflows ?? [];
    const endFunctions = workflows.flatMap((w) => (w.executionEnd ? [w.executionEnd.function] : []));
    const everyFunction = [...props.functions, ...workflows.flatMap((w) => w.functions), ...endFunctions];
    for (const fn of everyFunction) {
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
    if (props.alarmEmail !== undefined) {
      this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    }
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
    // Published by the functions that load models when a file's bytes are not the registered ones.
    const integrityFailures = new Metric({
      namespace,
      metricName: MODEL_INTEGRITY_METRIC,
      dimensionsMap: { service: serviceName },
      period: Duration.minutes(5),
      statistic: Stats.SUM,
    });
    alarms.push(
      new Alarm(this, 'ModelIntegrityAlarm', {
        alarmDescription:
          'A model file did not match its registered SHA-256 (overwritten or corrupted in storage); its version is refused until the file is restored',
        metric: integrityFailures,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    const errorMetrics: IMetric[] = [];
    for (const fn of [...props.functions, ...endFunctions]) {
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
    const alarmOnAny = (alarmId: string, description: string, metric: IMetric, threshold = 1) =>
      alarms.push(
        new Alarm(this, alarmId, {
          alarmDescription: description,
          metric,
          threshold,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    const fiveMinuteSum = { period: Duration.minutes(5), statistic: Stats.SUM };

    const executionMetrics: IMetric[] = [];
    for (const workflow of workflows) {
      const id = workflow.node.id;
      const failed = workflow.stateMachine.metricFailed(fiveMinuteSum);
      const timedOut = workflow.stateMachine.metricTimedOut(fiveMinuteSum);
      executionMetrics.push(failed, timedOut, workflow.stateMachine.metricAborted(fiveMinuteSum));
      alarmOnAny(`${id}ExecutionsFailed`, `${id} executions failed on a platform fault`, failed);
      alarmOnAny(`${id}ExecutionsTimedOut`, `${id} executions ran past their time limit`, timedOut);
      if (workflow.executionEnd) {
        alarmOnAny(
          `${id}ExecutionEndDeadLetters`,
          `${id}: execution ends EventBridge could not deliver (jobs may be left RUNNING)`,
          workflow.executionEnd.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(5),
            statistic: Stats.MAXIMUM,
          }),
        );
      }
    }

    // One metric math alarm per group of functions (CloudWatch takes at most 10 metrics per alarm).
    const throttleMetrics: IMetric[] = [];
    for (let start = 0; start < everyFunction.length; start += METRICS_PER_ALARM) {
      const group = everyFunction.slice(start, start + METRICS_PER_ALARM);
      const usingMetrics = Object.fromEntries(
        group.map((fn, i) => [`t${start + i}`, fn.metricThrottles(fiveMinuteSum)]),
      );
      const throttles = new MathExpression({
        expression: `SUM([${Object.keys(usingMetrics).join(', ')}])`,
        usingMetrics,
        label: `Throttles of functions ${start + 1}–${start + group.length}`,
        period: Duration.minutes(5),
      });
      throttleMetrics.push(throttles);
      alarmOnAny(
        `FunctionThrottles${start / METRICS_PER_ALARM + 1}`,
        `Throttled invocations of ${group.map((fn) => fn.node.id).join(', ')}`.slice(0, 1024),
        throttles,
      );
    }

    // The stage answers 429 without calling an integration; the platform's own 429s come from one.
    const stageThrottled = new MetricFilter(this, 'ApiThrottledRequestsFilter', {
      logGroup: props.accessLogs,
      metricNamespace: namespace,
      metricName: 'ApiThrottledRequests',
      filterPattern: FilterPattern.all(
        FilterPattern.stringValue('$.status', '=', '429'),
        FilterPattern.stringValue('$.integrationLatency', '=', '-'),
      ),
      metricValue: '1',
    }).metric(fiveMinuteSum);
    alarmOnAny(
      'ApiThrottledRequests',
      `API ${apiId}: requests the stage throttled`,
      stageThrottled,
      props.apiThrottledThreshold ?? 10,
    );

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
        [
          new GraphWidget({
            title: 'Executions failed, timed out, aborted (5 min)',
            left: executionMetrics,
            width: 12,
          }),
          new GraphWidget({
            title: 'Training jobs failed, by kind (5 min)',
            left: (['UserData', 'PlatformFault'] as const).map(
              (kind) =>
                new Metric({
                  namespace,
                  metricName: 'TrainingJobsFailed',
                  dimensionsMap: { service: serviceName, kind },
                  label: kind,
                  ...fiveMinuteSum,
                }),
            ),
            width: 12,
          }),
        ],
        [
          new GraphWidget({ title: 'Throttled invocations (5 min)', left: throttleMetrics, width: 12 }),
          new GraphWidget({
            title: 'Requests the API stage throttled (5 min)',
            left: [stageThrottled],
            width: 12,
          }),
        ],
      ],
    });
  }
}
