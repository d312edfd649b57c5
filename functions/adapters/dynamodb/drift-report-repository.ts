/**
 * Recorded drift reports (scheduled and requested runs) in the usage table:
 * `pk = drift#<model>#<version>`, `sk = <reportId>` (time-ordered), so a version's runs read newest
 * first in one query; kept 90 days (`expiresAt`, filtered on read too, since dynalite has no TTL).
 * A PENDING run ends once: finishing is conditional on it still being PENDING.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DriftReport } from '#core/monitoring/drift-report.ts';
import type { DriftReportRun, DriftReportStore } from '#core/monitoring/drift-report-runs.ts';
import type { CursorSigner, Page, PageRequest } from '#core/pagination.ts';
import { decodeCursor, encodeCursor, listingScope } from './cursor.ts';

const RETENTION_SECONDS = 90 * 86_400;

const pkOf = (model: string, version: number) => `drift#${model}#${String(version).padStart(8, '0')}`;

function runOf(item: Record<string, unknown>): DriftReportRun {
  const { pk: _pk, sk: _sk, expiresAt: _expiresAt, ...run } = item;
  return run as unknown as DriftReportRun;
}

export class DynamoDbDriftReportRepository implements DriftReportStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #cursors: CursorSigner | undefined;

  /** `cursors`: default, the signer built from the platform's configured key. */
  constructor(client: DynamoDBDocumentClient, tableName: string, cursors?: CursorSigner) {
    this.#client = client;
    this.#tableName = tableName;
    this.#cursors = cursors;
  }

  async create(run: DriftReportRun): Promise<void> {
    await this.#client.send(
      new PutCommand({
        TableName: this.#tableName,
        Item: {
          ...run,
          pk: pkOf(run.model, run.version),
          sk: run.reportId,
          expiresAt: Math.floor(Date.parse(run.requestedAt) / 1000) + RETENTION_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(model: string, version: number, reportId: string): Promise<DriftReportRun | undefined> {
    const result = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: { pk: pkOf(model, version), sk: reportId } }),
    );
    const item = result.Item;
    if (item === undefined || (item.expiresAt as number) <= Date.now() / 1000) return undefined;
    return runOf(item);
  }

  async list(model: string, version: number, page: PageRequest): Promise<Page<DriftReportRun>> {
    const scope = listingScope(this.#tableName, 'driftReports', model, String(version));
    const start = decodeCursor(page.cursor, scope, this.#cursors);
    const result = await this.#client.send(
      new QueryCommand({
        TableName: this.#tableName,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: 'expiresAt > :now',
        ExpressionAttributeValues: { ':pk': pkOf(model, version), ':now': Math.floor(Date.now() / 1000) },
        ScanIndexForward: false,
        Limit: page.limit,
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
      }),
    );
    return {
      items: (result.Items ?? []).map(runOf),
      nextCursor: encodeCursor(result.LastEvaluatedKey, scope, this.#cursors),
    };
  }

  async latestSucceeded(model: string, version: number, limit: number): Promise<DriftReportRun[]> {
    const runs: DriftReportRun[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: 'expiresAt > :now AND #status = :succeeded',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':pk': pkOf(model, version),
            ':now': Math.floor(Date.now() / 1000),
            ':succeeded': 'SUCCEEDED',
          },
          ScanIndexForward: false,
          ...(cursor === undefined ? {} : { ExclusiveStartKey: cursor }),
        }),
      );
      for (const item of page.Items ?? []) {
        runs.push(runOf(item));
        if (runs.length >= limit) return runs;
      }
      cursor = page.LastEvaluatedKey;
    } while (cursor !== undefined);
    return runs;
  }

  async finish(
    model: string,
    version: number,
    reportId: string,
    outcome: { readonly report: DriftReport } | { readonly error: string },
    at: string,
  ): Promise<DriftReportRun | undefined> {
    const succeeded = 'report' in outcome;
    try {
      const result = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { pk: pkOf(model, version), sk: reportId },
          UpdateExpression: `SET #status = :status, completedAt = :at, ${succeeded ? 'report = :outcome' : '#error = :outcome'}`,
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status', ...(succeeded ? {} : { '#error': 'error' }) },
          ExpressionAttributeValues: {
            ':status': succeeded ? 'SUCCEEDED' : 'FAILED',
            ':pending': 'PENDING',
            ':at': at,
            ':outcome': succeeded ? outcome.report : outcome.error,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes === undefined ? undefined : runOf(result.Attributes);
    } catch (error) {
      // Ended already (a retried step, or the failure path after a late success): leave it.
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }
}
