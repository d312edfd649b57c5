/** Training jobs in DynamoDB; updates are conditional on the job still being active, so a finished job stays finished. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '#core/errors.ts';
import type { CursorSigner, Page, PageRequest } from '#core/pagination.ts';
import type { JobRecord, JobRepository, JobStatus } from '#core/training/jobs.ts';
import { JobTableListing } from './job-table-listing.ts';

export class DynamoDbJobRepository implements JobRepository {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #listing: JobTableListing;

  /** `cursors`: default, the signer built from the platform's configured key. */
  constructor(client: DynamoDBDocumentClient, tableName: string, cursors?: CursorSigner) {
    this.#client = client;
    this.#tableName = tableName;
    this.#listing = new JobTableListing(client, tableName, cursors);
  }

  async create(job: JobRecord): Promise<void> {
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
        throw new ConflictError(`Training job ${job.jobId} exists already.`, {}, { cause: error });
      }
      throw error;
    }
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    const result = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: { jobId }, ConsistentRead: true }),
    );
    return result.Item as JobRecord | undefined;
  }

  async listByOwner(ownerId: string, page: PageRequest, status?: JobStatus): Promise<Page<JobRecord>> {
    return this.#listing.byOwner<JobRecord>(ownerId, page, status);
  }

  /** Admins' listing across owners; not on a user's request path. */
  async listAll(page: PageRequest, status?: JobStatus): Promise<Page<JobRecord>> {
    return this.#listing.all<JobRecord>(page, status);
  }

  async updateIfActive(
    jobId: string,
    change: Partial<Omit<JobRecord, 'jobId' | 'ownerId' | 'request'>>,
  ): Promise<JobRecord | undefined> {
    const entries = Object.entries(change).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return this.get(jobId);
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':pending': 'PENDING', ':running': 'RUNNING' };
    const sets = entries.map(([key, value], i) => {
      names[`#f${i}`] = key;
      values[`:v${i}`] = value;
      return `#f${i} = :v${i}`;
    });
    try {
      const result = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { jobId },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(jobId) AND #status IN (:pending, :running)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes as JobRecord;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }
}
