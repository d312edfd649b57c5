/** Starts the DynamoDB and S3 emulators with the platform's tables and buckets, for integration tests. */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  bucketDefinitions,
  localBucketName,
  localTableName,
  tableDefinitions,
} from '../../infra/definitions/storage.ts';
import { startEmulators } from '../../local/emulators/emulators.ts';
import { provisionBuckets, provisionTables } from '../../local/emulators/provision.ts';

export interface TestEmulators {
  readonly documentClient: DynamoDBDocumentClient;
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  readonly tableNames: { [K in keyof typeof tableDefinitions]: string };
  readonly bucketNames: { [K in keyof typeof bucketDefinitions]: string };
  close(): Promise<void>;
}

export async function startTestEmulators(): Promise<TestEmulators> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mlp-emulators-'));
  const emulators = await startEmulators({ dataDir, host: '127.0.0.1', dynamodbPort: 0, s3Port: 0 });
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const dynamodb = new DynamoDBClient({ region: 'us-east-1', credentials, endpoint: emulators.dynamodbUrl });
  const s3 = new S3Client({
    region: 'us-east-1',
    credentials,
    endpoint: emulators.s3Url,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const tableNames = Object.fromEntries(
    Object.entries(tableDefinitions).map(([key, definition]) => [key, localTableName(definition)]),
  ) as TestEmulators['tableNames'];
  const bucketNames = Object.fromEntries(
    Object.entries(bucketDefinitions).map(([key, definition]) => [key, localBucketName(definition)]),
  ) as TestEmulators['bucketNames'];
  await provisionTables(
    dynamodb,
    Object.values(tableDefinitions).map((definition) => ({ name: localTableName(definition), definition })),
  );
  await provisionBuckets(
    s3,
    Object.values(bucketDefinitions).map((definition) => ({ name: localBucketName(definition), definition })),
  );
  return {
    documentClient: DynamoDBDocumentClient.from(dynamodb, {
      marshallOptions: { removeUndefinedValues: true },
    }),
    dynamodb,
    s3,
    tableNames,
    bucketNames,
    async close() {
      dynamodb.destroy();
      s3.destroy();
      await emulators.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
