/**
 * Batch prediction jobs in DynamoDB. Every update is conditional on the job still being active, so a
 * finished job stays finished; a chunk's counts are added with the chunk's index in the same update,
 * on the condition that the index is not there yet, so a retried chunk is counted once.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  BatchJobChange,
  BatchJobRecord,
  BatchJobRepository,
  JobStatus,
} from '#core/batch/batch-jobs.ts';
import { ConflictError } from '#core/errors.ts';
import type { CursorSigner, Page, PageRequest } from '#core/pagination.ts';
import { JobTableListing } from './job-table-listing.ts';

/** The stored item: the record plus the set of chunk indexes already counted. */
type StoredJob = BatchJobRecord & { countedChunks?: Set<number> };

function toRecord(item: Record<string, unknown> | undefined): BatchJobRecord | undefined {
  if (item === undefined) return undefined;
  const { countedChunks: _, ...record } = item as unknown as StoredJob;
  return record;
}

export class DynamoDbBatchJobRepository implements BatchJobRepository {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #listing: JobTableListing;

  /** `cursors`: default, the signer built from the platform's configured key. */
  constructor(client: DynamoDBDocumentClient, tableName: string, cursors?: CursorSigner) {
    this.#client = client;
    this.#tableName = tableName;
    this.#listing = new JobTableListing(client, tableName, cursors);
  }

  async create(job: BatchJobRecord): Promise<void> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: job,
          ConditionExpression: 'attribute_not_exists(jobId)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConflictError(`Batch prediction job ${job.jobId} exists already.`, {}, { cause: error });
      }
      throw error;
    }
  }

  async get(jobId: string): Promise<BatchJobRecord | undefined> {
    const result = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: { jobId }, ConsistentRead: true }),
    );
    return toRecord(result.Item);
  }

  async listByOwner(ownerId: string, page: PageRequest, status?: JobStatus): Promise<Page<BatchJobRecord>> {
    const found = await this.#listing.byOwner<Record<string, unknown>>(ownerId, page, status);
    return {
      items: found.items.map((item) => toRecord(item) as BatchJobRecord),
      nextCursor: found.nextCursor,
    };
  }

  /** Admins' listing across owners; not on a user's request path. */
  async listAll(page: PageRequest, status?: JobStatus): Promise<Page<BatchJobRecord>> {
    const found = await this.#listing.all<Record<string, unknown>>(page, status);
    return {
      items: found.items.map((item) => toRecord(item) as BatchJobRecord),
      nextCursor: found.nextCursor,
    };
  }

  async #update(
    jobId: string,
    expression: string,
    names: Record<string, string>,
    values: Record<string, unknown>,
    extraCondition = '',
  ): Promise<BatchJobRecord | undefined> {
    try {
      const result = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { jobId },
          UpdateExpression: expression,
          ConditionExpression: `attribute_exists(jobId) AND #status IN (:pending, :running)${extraCondition}`,
          ExpressionAttributeNames: { '#status': 'status', ...names },
          ExpressionAttributeValues: { ':pending': 'PENDING', ':running': 'RUNNING', ...values },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRecord(result.Attributes);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async updateIfActive(jobId: string, change: BatchJobChange): Promise<BatchJobRecord | undefined> {
    const entries = Object.entries(change).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return this.get(jobId);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets = entries.map(([key, value], i) => {
      names[`#f${i}`] = key;
      values[`:v${i}`] = value;
      return `#f${i} = :v${i}`;
    });
    return this.#update(jobId, `SET ${sets.join(', ')}`, names, values);
  }

  async recordChunk(
    jobId: string,
    chunk: number,
    counts: { rows: number; errors: number },
    at: string,
  ): Promise<BatchJobRecord | undefined> {
    const updated = await this.#update(
      jobId,
      'ADD rowsDone :rows, errorCount :errors, chunksDone :one, countedChunks :chunkSet SET updatedAt = :at',
      { '#counted': 'countedChunks' },
      {
        ':rows': counts.rows,
        ':errors': counts.errors,
        ':one': 1,
        ':chunkSet': new Set([chunk]),
        ':chunk': chunk,
        ':at': at,
      },
      ' AND NOT contains(#counted, :chunk)',
    );
    // Counted before (a retried chunk), or the job has finished: either way nothing changes.
    return updated ?? this.get(jobId);
  }
}
