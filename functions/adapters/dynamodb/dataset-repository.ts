/**
 * Datasets in DynamoDB, one item per dataset keyed by name. The version counter lives on the item
 * and is an atomic `ADD`, so concurrent uploads get distinct, consecutive numbers.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DatasetRecord } from '#core/datasets/dataset-records.ts';
import type { DatasetRepository } from '#core/datasets/ports.ts';
import { ConflictError, NotFoundError } from '#core/errors.ts';
import type { CursorSigner, Page, PageRequest } from '#core/pagination.ts';
import { decodeCursor, encodeCursor, listingScope } from './cursor.ts';

export class DynamoDbDatasetRepository implements DatasetRepository {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #cursors: CursorSigner | undefined;

  /** `cursors`: default, the signer built from the platform's configured key. */
  constructor(client: DynamoDBDocumentClient, tableName: string, cursors?: CursorSigner) {
    this.#client = client;
    this.#tableName = tableName;
    this.#cursors = cursors;
  }

  async create(dataset: DatasetRecord): Promise<void> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: dataset,
          ConditionExpression: 'attribute_not_exists(#n)',
          ExpressionAttributeNames: { '#n': 'name' },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConflictError(
          `A dataset named ${dataset.name} exists already.`,
          { field: 'body.name' },
          { cause: error },
        );
      }
      throw error;
    }
  }

  async get(name: string): Promise<DatasetRecord | undefined> {
    const result = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: { name }, ConsistentRead: true }),
    );
    return result.Item as DatasetRecord | undefined;
  }

  async list(filter: { readonly ownerId?: string }, page: PageRequest): Promise<Page<DatasetRecord>> {
    const scope = listingScope(
      this.#tableName,
      filter.ownerId === undefined ? 'all' : 'byOwner',
      filter.ownerId,
    );
    const common = {
      TableName: this.#tableName,
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor, scope, this.#cursors),
    };
    const result =
      filter.ownerId === undefined
        ? // Admins' listing across owners; not on a user's request path.
          await this.#client.send(new ScanCommand(common))
        : await this.#client.send(
            new QueryCommand({
              ...common,
              IndexName: 'byOwner',
              KeyConditionExpression: 'ownerId = :owner',
              ExpressionAttributeValues: { ':owner': filter.ownerId },
            }),
          );
    return {
      items: (result.Items ?? []) as DatasetRecord[],
      nextCursor: encodeCursor(result.LastEvaluatedKey, scope, this.#cursors),
    };
  }

  async nextVersionNumber(name: string): Promise<number> {
    try {
      const result = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { name },
          UpdateExpression: 'ADD latestVersion :one',
          ConditionExpression: 'attribute_exists(#n)',
          ExpressionAttributeNames: { '#n': 'name' },
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return (result.Attributes as { latestVersion: number }).latestVersion;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new NotFoundError(`No dataset named ${name}.`, { cause: error });
      }
      throw error;
    }
  }

  async recordReadyVersion(name: string, version: number, at: string): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { name },
          UpdateExpression: 'SET latestReadyVersion = :version, updatedAt = :at',
          ConditionExpression:
            'attribute_exists(#n) AND (attribute_not_exists(latestReadyVersion) OR latestReadyVersion < :version)',
          ExpressionAttributeNames: { '#n': 'name' },
          ExpressionAttributeValues: { ':version': version, ':at': at },
        }),
      );
    } catch (error) {
      // A newer version became ready first: it stays the latest.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
