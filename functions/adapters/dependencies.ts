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

// Each adapter is `@__PURE__` and built from plain local names (a property access could run a
// getter, which would keep the statement): a bundle keeps only those its handler uses, see
// aws-clients.ts.
const {
  tables: {
    apiKeys: apiKeysTable,
    usage: usageTable,
    idempotency: idempotencyTable,
    models: modelsTable,
    modelVersions: modelVersionsTable,
    modelUploads: modelUploadsTable,
    datasets: datasetsTable,
    datasetVersions: datasetVersionsTable,
  },
  buckets: { datasets: datasetsBucket, models: modelsBucket },
  auth: { userPoolId, issuer, jwksUrl, clientIds },
} = config();

export const apiKeyRepository = /* @__PURE__ */ new DynamoDbApiKeyRepository(documentClient, apiKeysTable);
export const rateCounter = /* @__PURE__ */ new DynamoDbRateCounter(documentClient, usageTable);
export const tokenRevocations = /* @__PURE__ */ new DynamoDbTokenRevocations(documentClient, usageTable);
export const idempotencyStore = /* @__PURE__ */ new DynamoDbIdempotencyStore(
  documentClient,
  idempotencyTable,
);
export const modelRepository = /* @__PURE__ */ new DynamoDbModelRepository(documentClient, modelsTable);
export const versionRepository = /* @__PURE__ */ new DynamoDbVersionRepository(
  documentClient,
  modelVersionsTable,
);
export const uploadRepository = /* @__PURE__ */ new DynamoDbUploadRepository(
  documentClient,
  modelUploadsTable,
);
export const userDirectory = /* @__PURE__ */ new CognitoUserDirectory(cognito, userPoolId);
export const datasetsStore = /* @__PURE__ */ new S3BlobStore(s3, datasetsBucket);
export const modelsStore = /* @__PURE__ */ new S3BlobStore(s3, modelsBucket);
export const datasetRepository = /* @__PURE__ */ new DynamoDbDatasetRepository(documentClient, datasetsTable);
export const datasetVersionRepository = /* @__PURE__ */ new DynamoDbDatasetVersionRepository(
  documentClient,
  datasetVersionsTable,
);
export const datasetObjectStore = /* @__PURE__ */ new S3DatasetObjectStore(s3, datasetsBucket);
export const tokenVerifier = /* @__PURE__ */ new JoseTokenVerifier({ issuer, jwksUrl, clientIds });
