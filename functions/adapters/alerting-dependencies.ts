/**
 * Where the alert run sends alerts and which alarms it keeps, by configuration: on AWS (CDK sets
 * ALERTS_TOPIC_ARN and MODEL_ALARM_PREFIX) alerts are published to the alerts topic and the
 * error-rate and latency rules are CloudWatch alarms; locally (neither is set) alerts are printed
 * and the schedule evaluates every rule itself. Its own module, so only the alert function loads
 * the SNS and CloudWatch clients.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SNSClient } from '@aws-sdk/client-sns';
import { config } from '#config';
import type { ModelAlarms } from '#core/monitoring/model-alarms.ts';
import type { AlertPublisher } from '#core/monitoring/scheduled-alerts.ts';
import { tracer } from '#observability';
import { CloudWatchModelAlarms } from './cloudwatch/model-alarms.ts';
import { LogAlertPublisher } from './log/alert-publisher.ts';
import { SnsAlertPublisher } from './sns/alert-publisher.ts';

const { region, alerting } = config();

export const alertPublisher: AlertPublisher =
  alerting.topicArn === undefined
    ? new LogAlertPublisher()
    : new SnsAlertPublisher(tracer.captureAWSv3Client(new SNSClient({ region })), alerting.topicArn);

export const modelAlarms: ModelAlarms | undefined =
  alerting.topicArn === undefined || alerting.modelAlarmPrefix === undefined
    ? undefined
    : new CloudWatchModelAlarms(tracer.captureAWSv3Client(new CloudWatchClient({ region })), {
        prefix: alerting.modelAlarmPrefix,
        topicArn: alerting.topicArn,
      });
