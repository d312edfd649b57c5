/**
 * Idempotency records in DynamoDB. Claims are conditional puts; an expired record counts as absent
 * (checked in the condition, since TTL deletion is lazy on AWS and absent in the local emulator).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { IdempotencyRecord, IdempotencyStore, StoredResponse } from '#core/idempotency/idempotency.ts';

interface IdempotencyItem {
  id: string;
  state: 'in-progress' | 'completed';
  requestHash: string;
  response?: StoredResponse;
  expiresAt: number;
}

export class DynamoDbIdempotencyStore implements IdempotencyStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #now: () => Date;

  constructor(client: DynamoDBDocumentClient, tableName: string, now: () => Date = () => new Date()) {
    this.#client = client;
    this.#tableName = tableName;
    this.#now = now;
  }

  async claim(id: string, requestHash: string, expiresAt: number): Promise<IdempotencyRecord | undefined> {
    const nowSeconds = Math.floor(this.#now().getTime() / 1000);
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { id, state: 'in-progress', requestHash, expiresAt } satisfies IdempotencyItem,
          ConditionExpression: 'attribute_not_exists(id) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
      return undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const existing = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: { id }, ConsistentRead: true }),
    );
    const item = existing.Item as IdempotencyItem | undefined;
    // Released between our put and get: the client may simply retry.
    if (item === undefined) return { state: 'in-progress', requestHash };
    return item.state === 'completed' && item.response !== undefined
      ? { state: 'completed', requestHash: item.requestHash, response: item.response }
      : { state: 'in-progress', requestHash: item.requestHash };
  }

  async complete(id: string, response: StoredResponse, expiresAt: number): Promise<void> {
    await this.#client.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: { id },
        UpdateExpression: 'SET #state = :completed, #response = :response, expiresAt = :expiresAt',
        ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
        ExpressionAttributeValues: {
          ':completed': 'completed',
          ':response': response,
          ':expiresAt': expiresAt,
        },
      }),
    );
  }

  async release(id: string): Promise<void> {
    await this.#client.send(new DeleteCommand({ TableName: this.#tableName, Key: { id } }));
  }
}
