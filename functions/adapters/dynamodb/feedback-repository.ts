/**
 * Ground truth in the usage table: `pk = feedback#<model>`, `sk = <requestId>`, kept 90 days. A
 * record is one conditional PutItem (BatchWriteItem has no conditions): it overwrites the stored
 * record of the same request id unless that one was received later, so a retried batch is harmless
 * and a delayed retry does not undo a newer correction. Reads are BatchGetItem by request id.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { FeedbackRecord, FeedbackStore } from '#core/monitoring/ground-truth.ts';

const RETENTION_SECONDS = 90 * 86_400;
const WRITE_CONCURRENCY = 16;
const BATCH_GET_LIMIT = 100;
const MAX_UNPROCESSED_ROUNDS = 8;

export class DynamoDbFeedbackRepository implements FeedbackStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  async save(records: readonly FeedbackRecord[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < records.length) {
        const record = records[next++] as FeedbackRecord;
        await this.#put(record);
      }
    };
    await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, records.length) }, worker));
  }

  async #put(record: FeedbackRecord): Promise<void> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: {
            pk: `feedback#${record.model}`,
            sk: record.requestId,
            record,
            receivedAt: record.receivedAt,
            expiresAt: Math.floor(Date.parse(record.receivedAt) / 1000) + RETENTION_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR receivedAt <= :receivedAt',
          ExpressionAttributeValues: { ':receivedAt': record.receivedAt },
        }),
      );
    } catch (error) {
      // The stored record is newer: it stands.
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
  }

  async get(model: string, requestIds: readonly string[]): Promise<FeedbackRecord[]> {
    const found: FeedbackRecord[] = [];
    const nowSeconds = Math.floor(Date.now() / 1000);
    for (let start = 0; start < requestIds.length; start += BATCH_GET_LIMIT) {
      let keys: Record<string, unknown>[] | undefined = [
        ...new Set(requestIds.slice(start, start + BATCH_GET_LIMIT)),
      ].map((id) => ({ pk: `feedback#${model}`, sk: id }));
      for (let round = 0; keys !== undefined && keys.length > 0; round += 1) {
        if (round >= MAX_UNPROCESSED_ROUNDS) throw new Error('Feedback reads kept coming back unprocessed.');
        const page = await this.#client.send(
          new BatchGetCommand({ RequestItems: { [this.#tableName]: { Keys: keys } } }),
        );
        for (const item of page.Responses?.[this.#tableName] ?? []) {
          if (typeof item.expiresAt === 'number' && item.expiresAt <= nowSeconds) continue;
          found.push(item.record as FeedbackRecord);
        }
        keys = page.UnprocessedKeys?.[this.#tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return found;
  }
}
