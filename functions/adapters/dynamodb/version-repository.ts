/** Model versions in DynamoDB: partition by model, sort by number; written once, then only reviewed. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '#core/errors.ts';
import type { CursorSigner, Page, PageRequest } from '#core/pagination.ts';
import type { AuditEntry, VersionRecord, VersionStatus } from '#core/registry/model-records.ts';
import type { VersionRepository } from '#core/registry/ports.ts';
import { decodeCursor, encodeCursor, listingScope } from './cursor.ts';

export class DynamoDbVersionRepository implements VersionRepository {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #cursors: CursorSigner | undefined;

  /** `cursors`: default, the signer built from the platform's configured key. */
  constructor(client: DynamoDBDocumentClient, tableName: string, cursors?: CursorSigner) {
    this.#client = client;
    this.#tableName = tableName;
    this.#cursors = cursors;
  }

  async create(version: VersionRecord): Promise<void> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: version,
          ConditionExpression: 'attribute_not_exists(modelName)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConflictError(
          `Version ${version.version} of ${version.modelName} exists already.`,
          {},
          { cause: error },
        );
      }
      throw error;
    }
  }

  async highestNumber(modelName: string): Promise<number> {
    const result = await this.#client.send(
      new QueryCommand({
        TableName: this.#tableName,
        KeyConditionExpression: 'modelName = :model',
        ExpressionAttributeValues: { ':model': modelName },
        ProjectionExpression: 'version',
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: 1,
      }),
    );
    return (result.Items?.[0] as { version: number } | undefined)?.version ?? 0;
  }

  async get(modelName: string, version: number): Promise<VersionRecord | undefined> {
    const result = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: { modelName, version }, ConsistentRead: true }),
    );
    return result.Item as VersionRecord | undefined;
  }

  async list(modelName: string, page: PageRequest): Promise<Page<VersionRecord>> {
    const scope = listingScope(this.#tableName, modelName);
    const result = await this.#client.send(
      new QueryCommand({
        TableName: this.#tableName,
        KeyConditionExpression: 'modelName = :model',
        ExpressionAttributeValues: { ':model': modelName },
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, scope, this.#cursors),
      }),
    );
    return {
      items: (result.Items ?? []) as VersionRecord[],
      nextCursor: encodeCursor(result.LastEvaluatedKey, scope, this.#cursors),
    };
  }

  async changeStatus(
    modelName: string,
    version: number,
    expected: VersionStatus,
    entry: AuditEntry,
  ): Promise<VersionRecord> {
    try {
      const result = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { modelName, version },
          UpdateExpression: 'SET #status = :to, auditTrail = list_append(auditTrail, :entry)',
          ConditionExpression: '#status = :expected',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':to': entry.to, ':expected': expected, ':entry': [entry] },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes as VersionRecord;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConflictError(
          `Version ${version} changed status meanwhile; read it again.`,
          {},
          { cause: error },
        );
      }
      throw error;
    }
  }

  async delete(modelName: string, version: number): Promise<void> {
    await this.#client.send(new DeleteCommand({ TableName: this.#tableName, Key: { modelName, version } }));
  }
}
