/**
 * Models in DynamoDB, one item per model keyed by name. The version counter and the aliases live
 * on the model item: counters are atomic `ADD`s (the emulator has no transactions, and none are needed).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '#core/errors.ts';
import type { CursorSigner, Page, PageRequest } from '#core/pagination.ts';
import type { AliasRecord, ModelRecord } from '#core/registry/model-records.ts';
import type { ModelChange, ModelFilter, ModelRepository } from '#core/registry/ports.ts';
import { decodeCursor, encodeCursor, listingScope } from './cursor.ts';

type ModelItem = ModelRecord & { visibility?: 'team' };

function toItem(model: ModelRecord): ModelItem {
  return model.teamVisible ? { ...model, visibility: 'team' } : model;
}

function fromItem(item: Record<string, unknown>): ModelRecord {
  const { visibility: _visibility, ...model } = item as unknown as ModelItem;
  return { ...model, aliases: model.aliases ?? {}, tags: model.tags ?? [] };
}

export class DynamoDbModelRepository implements ModelRepository {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #cursors: CursorSigner | undefined;

  /** `cursors`: default, the signer built from the platform's configured key. */
  constructor(client: DynamoDBDocumentClient, tableName: string, cursors?: CursorSigner) {
    this.#client = client;
    this.#tableName = tableName;
    this.#cursors = cursors;
  }

  async create(model: ModelRecord): Promise<void> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: toItem(model),
          ConditionExpression: 'attribute_not_exists(#n)',
          ExpressionAttributeNames: { '#n': 'name' },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConflictError(
          `A model named ${model.name} exists already.`,
          { field: 'body.name' },
          { cause: error },
        );
      }
      throw error;
    }
  }

  async get(name: string): Promise<ModelRecord | undefined> {
    const result = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: { name }, ConsistentRead: true }),
    );
    return result.Item === undefined ? undefined : fromItem(result.Item);
  }

  async list(filter: ModelFilter, page: PageRequest): Promise<Page<ModelRecord>> {
    const tagFilter =
      filter.tag === undefined
        ? {}
        : { FilterExpression: 'contains(tags, :tag)', ExpressionAttributeValues: { ':tag': filter.tag } };
    const listing = 'ownerId' in filter ? 'byOwner' : 'teamVisible' in filter ? 'byVisibility' : 'all';
    const owner = 'ownerId' in filter ? filter.ownerId : undefined;
    const scope = listingScope(this.#tableName, listing, owner, filter.tag);
    const common = {
      TableName: this.#tableName,
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor, scope, this.#cursors),
    };
    let result: { Items?: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, unknown> };
    if ('ownerId' in filter) {
      result = await this.#client.send(
        new QueryCommand({
          ...common,
          IndexName: 'byOwner',
          KeyConditionExpression: 'ownerId = :owner',
          ...tagFilter,
          ExpressionAttributeValues: { ':owner': filter.ownerId, ...tagFilter.ExpressionAttributeValues },
        }),
      );
    } else if ('teamVisible' in filter) {
      result = await this.#client.send(
        new QueryCommand({
          ...common,
          IndexName: 'byVisibility',
          KeyConditionExpression: 'visibility = :team',
          ...tagFilter,
          ExpressionAttributeValues: { ':team': 'team', ...tagFilter.ExpressionAttributeValues },
        }),
      );
    } else {
      // Admins' unfiltered listing across owners; not on a user's request path.
      result = await this.#client.send(new ScanCommand({ ...common, ...tagFilter }));
    }
    return {
      items: (result.Items ?? []).map(fromItem),
      nextCursor: encodeCursor(result.LastEvaluatedKey, scope, this.#cursors),
    };
  }

  async update(name: string, change: ModelChange, at: string): Promise<ModelRecord> {
    const sets = ['updatedAt = :at'];
    const removes: string[] = [];
    const values: Record<string, unknown> = { ':at': at };
    if (change.description !== undefined) {
      sets.push('description = :description');
      values[':description'] = change.description;
    }
    if (change.tags !== undefined) {
      sets.push('tags = :tags');
      values[':tags'] = change.tags;
    }
    if (change.teamVisible !== undefined) {
      sets.push('teamVisible = :teamVisible');
      values[':teamVisible'] = change.teamVisible;
      if (change.teamVisible) {
        sets.push('visibility = :team');
        values[':team'] = 'team';
      } else removes.push('visibility');
    }
    if (change.capture === null) removes.push('capture');
    else if (change.capture !== undefined) {
      sets.push('capture = :capture');
      values[':capture'] = change.capture;
    }
    if (change.alerts !== undefined) {
      sets.push('alerts = :alerts');
      values[':alerts'] = change.alerts;
    }
    if (change.driftThresholds !== undefined) {
      sets.push('driftThresholds = :driftThresholds');
      values[':driftThresholds'] = change.driftThresholds;
    }
    if (change.predictionCache === null) removes.push('predictionCache');
    else if (change.predictionCache !== undefined) {
      sets.push('predictionCache = :predictionCache');
      values[':predictionCache'] = change.predictionCache;
    }
    const expression = `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`;
    return this.#conditionalUpdate(name, expression, values);
  }

  async recordLatestVersion(name: string, version: number): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { name },
          UpdateExpression: 'SET latestVersion = :version',
          ConditionExpression: 'attribute_exists(#name) AND latestVersion < :version',
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: { ':version': version },
        }),
      );
    } catch (error) {
      // Higher already (a later registration finished first), or the model is gone: nothing to raise.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async setAlias(name: string, alias: string, record: AliasRecord | undefined): Promise<ModelRecord> {
    return record === undefined
      ? this.#conditionalUpdate(name, 'REMOVE aliases.#alias', {}, { '#alias': alias })
      : this.#conditionalUpdate(
          name,
          'SET aliases.#alias = :record',
          { ':record': record },
          { '#alias': alias },
        );
  }

  async deleteIfNoAliases(name: string): Promise<void> {
    try {
      await this.#client.send(
        new DeleteCommand({
          TableName: this.#tableName,
          Key: { name },
          ConditionExpression: 'attribute_not_exists(aliases) OR size(aliases) = :zero',
          ExpressionAttributeValues: { ':zero': 0 },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConflictError(
          'An alias was set on the model meanwhile; remove it first.',
          {},
          { cause: error },
        );
      }
      throw error;
    }
  }

  async #conditionalUpdate(
    name: string,
    expression: string,
    values: Record<string, unknown>,
    names: Record<string, string> = {},
  ): Promise<ModelRecord> {
    try {
      const result = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { name },
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(#name)',
          ExpressionAttributeNames: { '#name': 'name', ...names },
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromItem(result.Attributes ?? {});
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new NotFoundError(`No model named ${name}.`, { cause: error });
      }
      throw error;
    }
  }
}
