/**
 * Per-user "valid after" times in the usage table (`pk = revocation#<userId>`). Writes only ever move
 * the time forward (a conditional update); reads ignore an item whose `expiresAt` has passed, since
 * dynalite has no TTL and DynamoDB deletes expired items only eventually.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TokenRevocations } from '#core/auth/token-revocation.ts';

const keyOf = (userId: string) => ({ pk: `revocation#${userId}`, sk: 'tokens' });

export class DynamoDbTokenRevocations implements TokenRevocations {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  async revokeBefore(userId: string, notBefore: number, expiresAt: number): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: keyOf(userId),
          UpdateExpression: 'SET notBefore = :notBefore, expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(notBefore) OR notBefore < :notBefore',
          ExpressionAttributeValues: { ':notBefore': notBefore, ':expiresAt': expiresAt },
        }),
      );
    } catch (error) {
      // A later (or the same) time is in force already: nothing to do.
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
  }

  async notBefore(userId: string, now: Date): Promise<number | undefined> {
    const result = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: keyOf(userId), ConsistentRead: true }),
    );
    const item = result.Item as { notBefore?: unknown; expiresAt?: unknown } | undefined;
    if (typeof item?.notBefore !== 'number') return undefined;
    if (typeof item.expiresAt === 'number' && item.expiresAt <= now.getTime() / 1000) return undefined;
    return item.notBefore;
  }
}
