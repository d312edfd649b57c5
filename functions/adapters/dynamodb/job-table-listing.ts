/**
 * Listing a jobs table (training jobs, batch prediction jobs: both keyed by `jobId` with a `byOwner`
 * index on `ownerId`): one owner's newest first through the index, or every owner's (admins) by a
 * scan, optionally filtered by status, a page at a time behind signed cursors.
 */
import { type DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { CursorSigner, Page, PageRequest } from '#core/pagination.ts';
import { decodeCursor, encodeCursor, listingScope } from './cursor.ts';

function statusFilter(status: string | undefined) {
  return status === undefined
    ? {}
    : {
        FilterExpression: '#status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status },
      };
}

export class JobTableListing {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #cursors: CursorSigner | undefined;

  constructor(client: DynamoDBDocumentClient, tableName: string, cursors: CursorSigner | undefined) {
    this.#client = client;
    this.#tableName = tableName;
    this.#cursors = cursors;
  }

  /** `T`: the stored item's type, as the table's repository knows it. */
  async byOwner<T>(ownerId: string, page: PageRequest, status?: string): Promise<Page<T>> {
    const scope = listingScope(this.#tableName, 'byOwner', ownerId, status);
    const filter = statusFilter(status);
    const result = await this.#client.send(
      new QueryCommand({
        TableName: this.#tableName,
        IndexName: 'byOwner',
        KeyConditionExpression: 'ownerId = :owner',
        ...filter,
        ExpressionAttributeValues: { ':owner': ownerId, ...filter.ExpressionAttributeValues },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, scope, this.#cursors),
      }),
    );
    return {
      items: (result.Items ?? []) as T[],
      nextCursor: encodeCursor(result.LastEvaluatedKey, scope, this.#cursors),
    };
  }

  /** Admins' listing across owners; not on a user's request path. */
  async all<T>(page: PageRequest, status?: string): Promise<Page<T>> {
    const scope = listingScope(this.#tableName, 'all', status);
    const result = await this.#client.send(
      new ScanCommand({
        TableName: this.#tableName,
        ...statusFilter(status),
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, scope, this.#cursors),
      }),
    );
    return {
      items: (result.Items ?? []) as T[],
      nextCursor: encodeCursor(result.LastEvaluatedKey, scope, this.#cursors),
    };
  }
}
