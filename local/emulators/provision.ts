/**
 * Creates the platform's tables and buckets in the emulators from the same definitions the CDK
 * storage construct uses. Idempotent: what exists already is left as it is.
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { BucketAlreadyOwnedByYou, CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BucketDefinition, TableDefinition } from '#definitions/storage.ts';

export function createTableInput(name: string, table: TableDefinition) {
  const attributes = new Map<string, AttributeDefinition>();
  const keys = [
    table.partitionKey,
    table.sortKey,
    ...table.globalIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  for (const key of keys) {
    if (key) attributes.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  }
  const keySchema = (partition: { name: string }, sort?: { name: string }) => [
    { AttributeName: partition.name, KeyType: 'HASH' as const },
    ...(sort ? [{ AttributeName: sort.name, KeyType: 'RANGE' as const }] : []),
  ];
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...attributes.values()],
    KeySchema: keySchema(table.partitionKey, table.sortKey),
    ...(table.globalIndexes.length > 0
      ? {
          GlobalSecondaryIndexes: table.globalIndexes.map((index) => ({
            IndexName: index.indexName,
            KeySchema: keySchema(index.partitionKey, index.sortKey),
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
  };
}

export async function provisionTables(
  client: DynamoDBClient,
  tables: readonly { name: string; definition: TableDefinition }[],
): Promise<void> {
  for (const { name, definition } of tables) {
    try {
      await client.send(new CreateTableCommand(createTableInput(name, definition)));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
}

export async function provisionBuckets(
  client: S3Client,
  buckets: readonly { name: string; definition: BucketDefinition }[],
): Promise<void> {
  for (const { name } of buckets) {
    try {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    } catch (error) {
      const code = (error as { name?: string }).name;
      if (!(error instanceof BucketAlreadyOwnedByYou) && code !== 'BucketAlreadyExists') throw error;
    }
  }
}
