/**
 * Alerts published to the platform's alerts topic (SNS) on AWS: one message per opened or resolved
 * alert, its subject and first line as printed locally (`alertLine`), then the alert as JSON. The
 * model, rule and state go as message attributes too, so a subscriber can take one model's alerts
 * only with a filter policy (`{"model": ["iris"]}`). The platform never calls a URL a user gave.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertPublisher, AlertRecord } from '#core/monitoring/scheduled-alerts.ts';
import { alertLine } from '../log/alert-publisher.ts';

/** SNS takes subjects of fewer than 100 characters, on one line. */
const MAX_SUBJECT = 99;

export function alertSubject(alert: AlertRecord): string {
  const subject = `Alert ${alert.state === 'open' ? 'opened' : 'resolved'}: ${alert.model} ${alert.rule}`;
  return subject.length <= MAX_SUBJECT ? subject : `${subject.slice(0, MAX_SUBJECT - 1)}…`;
}

export class SnsAlertPublisher implements AlertPublisher {
  readonly #client: SNSClient;
  readonly #topicArn: string;

  constructor(client: SNSClient, topicArn: string) {
    this.#client = client;
    this.#topicArn = topicArn;
  }

  async publish(alert: AlertRecord): Promise<void> {
    const attribute = (value: string) => ({ DataType: 'String', StringValue: value });
    await this.#client.send(
      new PublishCommand({
        TopicArn: this.#topicArn,
        Subject: alertSubject(alert),
        Message: `${alertLine(alert)}\n\n${JSON.stringify(alert, null, 2)}\n`,
        MessageAttributes: {
          model: attribute(alert.model),
          rule: attribute(alert.rule),
          state: attribute(alert.state),
        },
      }),
    );
  }
}
