/** Per-minute request counters in the usage table: one atomic ADD per request, no read first. */
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
  ): Promise<number> {
    const result = await this.#client.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: { pk: `rate#${subject}`, sk: String(windowStartEpochSeconds) },
        UpdateExpression: 'ADD requests :one SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
        ExpressionAttributeValues: { ':one': 1, ':expiresAt': expiresAtEpochSeconds },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(result.Attributes?.requests ?? 1);
  }
}
