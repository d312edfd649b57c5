/** Pending presigned uploads; they expire after a day (TTL on AWS, checked in code everywhere). */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { UploadRecord, UploadRepository } from '#core/registry/ports.ts';

export class DynamoDbUploadRepository implements UploadRepository {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  async create(upload: UploadRecord): Promise<void> {
    await this.#client.send(
      new PutCommand({
        TableName: this.#tableName,
        Item: upload,
        ConditionExpression: 'attribute_not_exists(uploadId)',
      }),
    );
  }

  async get(uploadId: string): Promise<UploadRecord | undefined> {
    const result = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: { uploadId }, ConsistentRead: true }),
    );
    return result.Item as UploadRecord | undefined;
  }

  async delete(uploadId: string): Promise<void> {
    await this.#client.send(new DeleteCommand({ TableName: this.#tableName, Key: { uploadId } }));
  }
}
