/**
 * Dataset versions in DynamoDB: partition by dataset, sort by number. A version is written once as
 * `uploading` and completed once (to `ready` or `failed`) with a conditional update.
 *
 * The profile and quality report are stored gzip-compressed in one binary attribute (`report`):
 * a wide file's profile (up to 1,000 columns with their top values) would otherwise come close to
 * DynamoDB's 400 KB item limit; compressed, JSON this repetitive shrinks five- to tenfold.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DatasetVersionRecord } from '#core/datasets/dataset-records.ts';
import type { DatasetVersionCompletion, DatasetVersionRepository } from '#core/datasets/ports.ts';
import { ConflictError } from '#core/errors.ts';
import type { CursorSigner, Page, PageRequest } from '#core/pagination.ts';
import { decodeCursor, encodeCursor, listingScope } from './cursor.ts';

type Stored = Omit<DatasetVersionRecord, 'profile' | 'quality'> & { report?: Uint8Array };

function packReport(record: Pick<DatasetVersionRecord, 'profile' | 'quality'>): Uint8Array | undefined {
  if (record.profile === undefined && record.quality === undefined) return undefined;
  return gzipSync(JSON.stringify({ profile: record.profile, quality: record.quality }));
}

function fromItem(item: Record<string, unknown>): DatasetVersionRecord {
  const { report, ...rest } = item as Stored;
  if (report === undefined) return rest;
  const unpacked = JSON.parse(gunzipSync(report).toString('utf8')) as Pick<
    DatasetVersionRecord,
    'profile' | 'quality'
  >;
  return {
    ...rest,
    ...(unpacked.profile === undefined ? {} : { profile: unpacked.profile }),
    ...(unpacked.quality === undefined ? {} : { quality: unpacked.quality }),
  };
}

export class DynamoDbDatasetVersionRepository implements DatasetVersionRepository {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #cursors: CursorSigner | undefined;

  /** `cursors`: default, the signer built from the platform's configured key. */
  constructor(client: DynamoDBDocumentClient, tableName: string, cursors?: CursorSigner) {
    this.#client = client;
    this.#tableName = tableName;
    this.#cursors = cursors;
  }

  async create(version: DatasetVersionRecord): Promise<void> {
    const { profile: _profile, quality: _quality, ...rest } = version;
    const report = packReport(version);
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: report === undefined ? rest : { ...rest, report },
          ConditionExpression: 'attribute_not_exists(datasetName)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConflictError(
          `Version ${version.version} of ${version.datasetName} exists already.`,
          {},
          { cause: error },
        );
      }
      throw error;
    }
  }

  async get(datasetName: string, version: number): Promise<DatasetVersionRecord | undefined> {
    const result = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: { datasetName, version }, ConsistentRead: true }),
    );
    return result.Item === undefined ? undefined : fromItem(result.Item);
  }

  async list(datasetName: string, page: PageRequest): Promise<Page<DatasetVersionRecord>> {
    const scope = listingScope(this.#tableName, datasetName);
    const result = await this.#client.send(
      new QueryCommand({
        TableName: this.#tableName,
        KeyConditionExpression: 'datasetName = :name',
        ExpressionAttributeValues: { ':name': datasetName },
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, scope, this.#cursors),
      }),
    );
    return {
      items: (result.Items ?? []).map(fromItem),
      nextCursor: encodeCursor(result.LastEvaluatedKey, scope, this.#cursors),
    };
  }

  async complete(
    datasetName: string,
    version: number,
    completion: DatasetVersionCompletion,
  ): Promise<DatasetVersionRecord> {
    const { profile: _profile, quality: _quality, ...fields } = completion;
    const report = packReport(completion);
    const values: Record<string, unknown> = { ':uploading': 'uploading' };
    const names: Record<string, string> = { '#status': 'status' };
    const sets: string[] = [];
    for (const [key, value] of Object.entries({ ...fields, ...(report === undefined ? {} : { report }) })) {
      if (value === undefined) continue;
      names[`#${key}`] = key;
      values[`:${key}`] = value;
      sets.push(`#${key} = :${key}`);
    }
    try {
      const result = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { datasetName, version },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: '#status = :uploading',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromItem(result.Attributes ?? {});
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConflictError(
          `Version ${version} of ${datasetName} was committed meanwhile; read it again.`,
          {},
          { cause: error },
        );
      }
      throw error;
    }
  }
}
