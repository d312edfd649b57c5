/**
 * Recorded drift reports in the usage table: `pk = drift#<model>`, `sk = <recordedAt>#<version>`, so
 * a model's reports read newest first in one query; kept 90 days (`expiresAt`, filtered on read too,
 * since dynalite has no TTL).
 */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DriftReportStore, RecordedDriftReport } from '#core/monitoring/scheduled-drift.ts';

const RETENTION_SECONDS = 90 * 86_400;

export class DynamoDbDriftReportRepository implements DriftReportStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  async save(report: RecordedDriftReport): Promise<void> {
    await this.#client.send(
      new PutCommand({
        TableName: this.#tableName,
        Item: {
          pk: `drift#${report.model}`,
          sk: `${report.recordedAt}#${String(report.version).padStart(8, '0')}`,
          version: report.version,
          report,
          expiresAt: Math.floor(Date.parse(report.recordedAt) / 1000) + RETENTION_SECONDS,
        },
      }),
    );
  }

  async list(model: string, options: { version?: number; limit: number }): Promise<RecordedDriftReport[]> {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const reports: RecordedDriftReport[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression:
            options.version === undefined ? 'expiresAt > :now' : 'expiresAt > :now AND version = :version',
          ExpressionAttributeValues: {
            ':pk': `drift#${model}`,
            ':now': nowSeconds,
            ...(options.version === undefined ? {} : { ':version': options.version }),
          },
          ScanIndexForward: false,
          ...(cursor === undefined ? {} : { ExclusiveStartKey: cursor }),
        }),
      );
      for (const item of page.Items ?? []) {
        reports.push(item.report as RecordedDriftReport);
        if (reports.length >= options.limit) return reports;
      }
      cursor = page.LastEvaluatedKey;
    } while (cursor !== undefined);
    return reports;
  }
}
