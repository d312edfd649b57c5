/** API keys in DynamoDB: one item per key, the `byOwner` index for an owner's keys, newest first. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ApiKeyRecord, ApiKeyRepository } from '#core/api-keys/api-keys.ts';
import { ConflictError, NotFoundError } from '#core/errors.ts';
import type { CursorSigner, Page, PageRequest } from '#core/pagination.ts';
import { decodeCursor, encodeCursor, listingScope } from './cursor.ts';

export class DynamoDbApiKeyRepository implements ApiKeyRepository {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #cursors: CursorSigner | undefined;

  /** `cursors`: default, the signer built from the platform's configured key. */
  constructor(client: DynamoDBDocumentClient, tableName: string, cursors?: CursorSigner) {
    this.#client = client;
    this.#tableName = tableName;
    this.#cursors = cursors;
  }

  async create(record: ApiKeyRecord): Promise<void> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: record,
          ConditionExpression: 'attribute_not_exists(keyId)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConflictError(`API key ${record.keyId} exists already.`, {}, { cause: error });
      }
      throw error;
    }
  }

  async get(keyId: string): Promise<ApiKeyRecord | undefined> {
    // Strongly consistent: a key revoked a moment ago must not work on the next call.
    const result = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: { keyId }, ConsistentRead: true }),
    );
    return result.Item as ApiKeyRecord | undefined;
  }

  async listByOwner(ownerId: string, page: PageRequest): Promise<Page<ApiKeyRecord>> {
    const scope = listingScope(this.#tableName, 'byOwner', ownerId);
    const result = await this.#client.send(
      new QueryCommand({
        TableName: this.#tableName,
        IndexName: 'byOwner',
        KeyConditionExpression: 'ownerId = :ownerId',
        ExpressionAttributeValues: { ':ownerId': ownerId },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, scope, this.#cursors),
      }),
    );
    return {
      items: (result.Items ?? []) as ApiKeyRecord[],
      nextCursor: encodeCursor(result.LastEvaluatedKey, scope, this.#cursors),
    };
  }

  /** Admin listing across owners: a paginated scan, on an admin page rather than a request hot path. */
  async listAll(page: PageRequest): Promise<Page<ApiKeyRecord>> {
    const scope = listingScope(this.#tableName, 'all');
    const result = await this.#client.send(
      new ScanCommand({
        TableName: this.#tableName,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, scope, this.#cursors),
      }),
    );
    return {
      items: (result.Items ?? []) as ApiKeyRecord[],
      nextCursor: encodeCursor(result.LastEvaluatedKey, scope, this.#cursors),
    };
  }

  async revoke(keyId: string, revokedBy: string, revokedAt: string): Promise<ApiKeyRecord> {
    try {
      const result = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { keyId },
          UpdateExpression: 'SET #status = :revoked, revokedAt = :at, revokedBy = :by',
          ConditionExpression: 'attribute_exists(keyId) AND #status = :active',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':revoked': 'revoked',
            ':active': 'active',
            ':at': revokedAt,
            ':by': revokedBy,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes as ApiKeyRecord;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Lost a race with another revoke (fine: same outcome) or the key does not exist.
      const current = await this.get(keyId);
      if (current === undefined) throw new NotFoundError(`No API key ${keyId}.`, { cause: error });
      return current;
    }
  }
}
