/**
 * The composition root: the secondary adapters the handlers use, built once per container.
 * Tests replace them by injecting clients into the adapter classes directly. The onnxruntime-backed
 * pieces live in inference-dependencies.ts, so functions that never run a model never load it.
 */
import { config } from '#config';
import { cognito, documentClient, s3 } from './aws-clients.ts';
import { CognitoUserDirectory } from './cognito/cognito-user-directory.ts';
import { DynamoDbApiKeyRepository } from './dynamodb/api-key-repository.ts';
import { DynamoDbDatasetRepository } from './dynamodb/dataset-repository.ts';
import { DynamoDbDatasetVersionRepository } from './dynamodb/dataset-version-repository.ts';
import { DynamoDbIdempotencyStore } from './dynamodb/idempotency-store.ts';
import { DynamoDbModelRepository } from './dynamodb/model-repository.ts';
import { DynamoDbRateCounter } from './dynamodb/rate-counter.ts';
import { DynamoDbTokenRevocations } from './dynamodb/token-revocation-repository.ts';
import { DynamoDbUploadRepository } from './dynamodb/upload-repository.ts';
import { DynamoDbVersionRepository } from './dynamodb/version-repository.ts';
import { JoseTokenVerifier } from './jwt/token-verifier.ts';
import { S3BlobStore } from './s3/blob-store.ts';
import { S3DatasetObjectStore } from './s3/dataset-object-store.ts';

const { tables, buckets, auth } = config();

export const apiKeyRepository = new DynamoDbApiKeyRepository(documentClient, tables.apiKeys);
export const rateCounter = new DynamoDbRateCounter(documentClient, tables.usage);
export const tokenRevocations = new DynamoDbTokenRevocations(documentClient, tables.usage);
export const idempotencyStore = new DynamoDbIdempotencyStore(documentClient, tables.idempotency);
export const modelRepository = new DynamoDbModelRepository(documentClient, tables.models);
export const versionRepository = new DynamoDbVersionRepository(documentClient, tables.modelVersions);
export const uploadRepository = new DynamoDbUploadRepository(documentClient, tables.modelUploads);
export const userDirectory = new CognitoUserDirectory(cognito, auth.userPoolId);
export const datasetsStore = new S3BlobStore(s3, buckets.datasets);
export const modelsStore = new S3BlobStore(s3, buckets.models);
export const datasetRepository = new DynamoDbDatasetRepository(documentClient, tables.datasets);
export const datasetVersionRepository = new DynamoDbDatasetVersionRepository(
  documentClient,
  tables.datasetVersions,
);
export const datasetObjectStore = new S3DatasetObjectStore(s3, buckets.datasets);
export const tokenVerifier = new JoseTokenVerifier({
  issuer: auth.issuer,
  jwksUrl: auth.jwksUrl,
  clientIds: auth.clientIds,
});
