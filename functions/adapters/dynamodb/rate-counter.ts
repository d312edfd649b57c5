/** Per-minute request counters in the usage table: atomic ADDs (one per budget lease), no read first. */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateCounter } from '#core/rate-limit/rate-limit.ts';

export class DynamoDbRateCounter implements RateCounter {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  async increment(
    subject: string,
    windowStartEpochSeconds: number,
    expiresAtEpochSeconds: number,
    amount = 1,
  ): Promise<number> {
    const result = await this.#client.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: { pk: `rate#${subject}`, sk: String(windowStartEpochSeconds) },
        UpdateExpression: 'ADD requests :amount SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
        ExpressionAttributeValues: { ':amount': amount, ':expiresAt': expiresAtEpochSeconds },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(result.Attributes?.requests ?? amount);
  }
}
