/**
 * The AWS side of alerting with the SDK clients mocked (aws-sdk-client-mock): what the SNS publisher
 * sends, and the calls the CloudWatch alarm reconciliation makes for what exists and what is wanted.
 */
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { alarmDescription, alarmName, type ModelAlarmSpec } from '#core/monitoring/model-alarms.ts';
import type { AlertRecord } from '#core/monitoring/scheduled-alerts.ts';
import { CloudWatchModelAlarms } from '../../../functions/adapters/cloudwatch/model-alarms.ts';
import { SnsAlertPublisher } from '../../../functions/adapters/sns/alert-publisher.ts';

const sns = mockClient(SNSClient);
const cloudWatch = mockClient(CloudWatchClient);
afterEach(() => {
  sns.reset();
  cloudWatch.reset();
});

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:alerts';
const PREFIX = 'MlPlatform-dev-model-';
/** What the default rules want for iris (core/monitoring/model-alarms.ts). */
const errorRate: ModelAlarmSpec = {
  rule: 'errorRate',
  model: 'iris',
  thresholdPercent: 5,
  windowMinutes: 15,
  minRequests: 20,
};
const latency: ModelAlarmSpec = { rule: 'latency', model: 'iris', p99Ms: 1000, windowMinutes: 15 };

describe('SnsAlertPublisher.publish', () => {
  it('publishes the alert line and the alert as JSON, with model, rule and state as attributes', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const alert: AlertRecord = {
      model: 'iris',
      rule: 'drift',
      state: 'open',
      openedAt: '2026-12-08T01:00:00.000Z',
      detail: 'version 1: petal_length_cm drifted (report of 2026-12-08T00:59:00.000Z)',
    };

    // Act
    await new SnsAlertPublisher(new SNSClient({ region: 'eu-west-1' }), TOPIC).publish(alert);

    // Assess
    const [call] = sns.commandCalls(PublishCommand);
    const input = call?.args[0].input;
    expect(input).toMatchObject({
      TopicArn: TOPIC,
      Subject: 'Alert opened: iris drift',
      MessageAttributes: {
        model: { DataType: 'String', StringValue: 'iris' },
        rule: { DataType: 'String', StringValue: 'drift' },
        state: { DataType: 'String', StringValue: 'open' },
      },
    });
    const [line, , ...json] = (input?.Message ?? '').split('\n');
    expect(line).toBe(`Alert opened: iris drift: ${alert.detail}`);
    expect(JSON.parse(json.join('\n'))).toEqual(alert);
  });

  it('keeps the subject under SNS’s 100 characters for a long model name', async () => {
    sns.on(PublishCommand).resolves({});
    const model = 'm'.repeat(120);
    await new SnsAlertPublisher(new SNSClient({ region: 'eu-west-1' }), TOPIC).publish({
      model,
      rule: 'latency',
      state: 'resolved',
      openedAt: '2026-12-08T01:00:00.000Z',
      resolvedAt: '2026-12-08T02:00:00.000Z',
      detail: 'p99',
    });
    const subject = sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject ?? '';
    expect(subject.length).toBeLessThan(100);
    expect(subject.startsWith('Alert resolved: mmm')).toBe(true);
  });
});

describe('CloudWatchModelAlarms.reconcile', () => {
  const alarms = () =>
    new CloudWatchModelAlarms(new CloudWatchClient({ region: 'eu-west-1' }), {
      prefix: PREFIX,
      topicArn: TOPIC,
    });

  it('reads every page of its prefix, puts what is missing, deletes what is not wanted, and answers the states', async () => {
    // Prepare: the error-rate alarm exists unchanged and fires; a deleted model's alarm remains.
    cloudWatch
      .on(DescribeAlarmsCommand)
      .resolvesOnce({
        MetricAlarms: [
          {
            AlarmName: alarmName(PREFIX, errorRate),
            AlarmDescription: alarmDescription(errorRate),
            StateValue: 'ALARM',
            StateReason:
              'Threshold Crossed: 1 datapoint [12.5] was greater than or equal to the threshold (5.0).',
          },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        MetricAlarms: [{ AlarmName: `${PREFIX}latency-gone`, AlarmDescription: 'old', StateValue: 'OK' }],
      });
    cloudWatch.on(PutMetricAlarmCommand).resolves({});
    cloudWatch.on(DeleteAlarmsCommand).resolves({});

    // Act
    const states = await alarms().reconcile([errorRate, latency]);

    // Assess
    const describes = cloudWatch.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input);
    expect(describes).toEqual([
      { AlarmNamePrefix: PREFIX, AlarmTypes: ['MetricAlarm'], MaxRecords: 100 },
      { AlarmNamePrefix: PREFIX, AlarmTypes: ['MetricAlarm'], MaxRecords: 100, NextToken: 'page-2' },
    ]);
    const puts = cloudWatch.commandCalls(PutMetricAlarmCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.AlarmName)).toEqual([`${PREFIX}latency-iris`]);
    expect(cloudWatch.commandCalls(DeleteAlarmsCommand).map((c) => c.args[0].input)).toEqual([
      { AlarmNames: [`${PREFIX}latency-gone`] },
    ]);
    expect([...states.keys()]).toEqual(['iris/errorRate']);
    expect(states.get('iris/errorRate')).toMatchObject({
      firing: true,
      reason: expect.stringMatching(/Threshold Crossed/),
    });
  });

  it('builds the error-rate alarm as metric math over the per-model metrics, notifying the topic both ways', () => {
    const input = alarms().alarmInput('n', 'd', errorRate);
    expect(input).toMatchObject({
      AlarmActions: [TOPIC],
      OKActions: [TOPIC],
      Threshold: 5,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    const [errors, requests, rate] = input.Metrics ?? [];
    expect(errors?.MetricStat).toEqual({
      Metric: {
        Namespace: 'MlPlatform',
        MetricName: 'Prediction5xx',
        Dimensions: [
          { Name: 'model', Value: 'iris' },
          { Name: 'service', Value: 'ml-platform' },
        ],
      },
      Period: 900,
      Stat: 'Sum',
    });
    expect(requests?.MetricStat?.Metric?.MetricName).toBe('Predictions');
    expect(rate).toMatchObject({
      ReturnData: true,
      Expression: 'IF(requests >= 20, 100 * FILL(errors, 0) / requests, 0)',
    });
  });

  it('builds the latency alarm on the p99 of the per-model handler latency', () => {
    expect(alarms().alarmInput('n', 'd', latency)).toMatchObject({
      Namespace: 'MlPlatform',
      MetricName: 'PredictionLatency',
      Dimensions: [
        { Name: 'model', Value: 'iris' },
        { Name: 'service', Value: 'ml-platform' },
      ],
      ExtendedStatistic: 'p99',
      Period: 900,
      Threshold: 1000,
    });
  });

  it('deletes in batches of 100 (the API’s limit)', async () => {
    cloudWatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: Array.from({ length: 150 }, (_, i) => ({
        AlarmName: `${PREFIX}latency-m${i}`,
        AlarmDescription: 'x',
      })),
    });
    cloudWatch.on(DeleteAlarmsCommand).resolves({});
    await alarms().reconcile([]);
    expect(
      cloudWatch.commandCalls(DeleteAlarmsCommand).map((c) => c.args[0].input.AlarmNames?.length),
    ).toEqual([100, 50]);
  });
});
