/** Feature sets in DynamoDB: written once (conditional put), then only read by later jobs. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { FeatureSetRecord, FeatureSetRepository } from '#core/training/pipeline/ports.ts';

export class DynamoDbFeatureSetRepository implements FeatureSetRepository {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  async get(featureSetId: string): Promise<FeatureSetRecord | undefined> {
    const result = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: { featureSetId }, ConsistentRead: true }),
    );
    return result.Item as FeatureSetRecord | undefined;
  }

  async createIfAbsent(record: FeatureSetRecord): Promise<FeatureSetRecord> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: record,
          ConditionExpression: 'attribute_not_exists(featureSetId)',
        }),
      );
      return record;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (await this.get(record.featureSetId)) ?? record;
    }
  }
}
