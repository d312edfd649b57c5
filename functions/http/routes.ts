/**
 * The route table: the one list of the API's routes. CDK creates one function and one API Gateway
 * route per entry (with the grants it lists), the local gateway dispatches by it, and the OpenAPI
 * document is generated from it. It imports schemas only, never handler code, so CDK can load it
 * without a runtime environment.
 */
import type * as z from 'zod';
import type { BucketName, TableName } from '#definitions/storage.ts';
import type { workflows } from '../steps/workflows.ts';
import { SWAGGER_UI_PACKAGE_FILES } from './openapi/docs-asset-files.ts';
import { alertPageSchema, listAlertsQuerySchema } from './schemas/alerts.ts';
import {
  apiKeyPageSchema,
  apiKeyParamsSchema,
  apiKeySchema,
  createApiKeyBodySchema,
  createdApiKeySchema,
  listApiKeysQuerySchema,
} from './schemas/api-keys.ts';
import {
  batchPredictionPageSchema,
  batchPredictionParamsSchema,
  batchPredictionSchema,
  batchUploadSchema,
  createBatchPredictionBodySchema,
  createBatchUploadBodySchema,
  listBatchPredictionsQuerySchema,
} from './schemas/batch-predictions.ts';
import { paginationQuerySchema, problemSchema } from './schemas/common.ts';
import {
  commitDatasetBodySchema,
  createDatasetBodySchema,
  datasetPageSchema,
  datasetParamsSchema,
  datasetUploadSchema,
  datasetVersionPageSchema,
  datasetVersionParamsSchema,
  datasetVersionSchema,
  datasetWithLatestSchema,
  listDatasetsQuerySchema,
} from './schemas/datasets.ts';
import {
  driftQuerySchema,
  driftReportPageSchema,
  driftReportRunParamsSchema,
  driftReportRunSchema,
  driftReportSchema,
  listDriftReportsQuerySchema,
  requestDriftReportBodySchema,
} from './schemas/drift.ts';
import {
  feedbackBodySchema,
  feedbackResultSchema,
  liveMetricsQuerySchema,
  liveMetricsSchema,
} from './schemas/feedback.ts';
import { mlflowInvocationBodySchema, mlflowPredictionsSchema } from './schemas/mlflow.ts';
import {
  aliasParamsSchema,
  artifactDownloadSchema,
  commitUploadBodySchema,
  createModelBodySchema,
  listModelsQuerySchema,
  modelPageSchema,
  modelParamsSchema,
  modelSchema,
  registerVersionBodySchema,
  registerVersionQuerySchema,
  rejectBodySchema,
  reviewBodySchema,
  setAliasBodySchema,
  sourceFileDownloadSchema,
  startUploadBodySchema,
  updateModelBodySchema,
  uploadParamsSchema,
  uploadSchema,
  versionPageSchema,
  versionParamsSchema,
  versionSchema,
} from './schemas/models.ts';
import { authConfigSchema, callerSchema, docsAssetParamsSchema, healthSchema } from './schemas/platform.ts';
import {
  predictBodySchema,
  predictionSchema,
  predictQuerySchema,
  v2InferRequestSchema,
  v2InferResponseSchema,
  v2LiveSchema,
  v2ModelMetadataSchema,
  v2ModelParamsSchema,
  v2ModelReadySchema,
  v2ReadySchema,
  v2ServerMetadataSchema,
  v2VersionParamsSchema,
} from './schemas/predictions.ts';
import {
  createTrainingJobBodySchema,
  listTrainingJobsQuerySchema,
  trainingJobPageSchema,
  trainingJobParamsSchema,
  trainingJobSchema,
} from './schemas/training-jobs.ts';
import {
  modelUsageQuerySchema,
  modelUsageSchema,
  platformUsageQuerySchema,
  platformUsageSchema,
} from './schemas/usage.ts';
import {
  createUserBodySchema,
  listUsersQuerySchema,
  updateUserBodySchema,
  userPageSchema,
  userParamsSchema,
  userSchema,
} from './schemas/users.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Access = 'public' | 'authenticated' | 'admin';
export type Grant = 'read' | 'readWrite';
/** What a route's function may do with a workflow's executions. */
export type WorkflowGrant = 'start';

export interface ResponseDefinition {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** Defaults to application/json. */
  readonly contentType?: string;
}

/** Function settings beyond the defaults; `onnxRuntime` attaches the onnxruntime-node layer. */
export interface FunctionSettings {
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
  readonly onnxRuntime?: boolean;
  /** Files of installed packages (`pkg/file`) copied into the bundle, for a handler that reads them at cold start. */
  readonly packageFiles?: readonly string[];
}

/**
 * Object access in one bucket, by key prefix (`models/`): the objects a function may read, write
 * (put, multipart) and delete. Any bucket grant lets the function list the bucket, which answers
 * HeadBucket (health) and turns a missing key into a 404 instead of a 403.
 */
export interface BucketGrant {
  readonly read?: readonly string[];
  readonly write?: readonly string[];
  readonly delete?: readonly string[];
}

/** Least-privilege access to tables and buckets, for a route's or a workflow task's function. */
export interface StorageGrants {
  readonly tables?: Partial<Record<TableName, Grant>>;
  readonly buckets?: Partial<Record<BucketName, BucketGrant>>;
}

export interface RouteDefinition {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** API Gateway path syntax: `/v1/api-keys/{keyId}`. */
  readonly path: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly summary: string;
  readonly tag: string;
  readonly access: Access;
  /** `predict` routes accept prediction-only API keys; everything else needs a full key or a token. */
  readonly scope: 'full' | 'predict';
  /** `oip`: errors as `{"error": "..."}`, as the Open Inference Protocol specifies; default problem+json. */
  readonly errorFormat?: 'problem' | 'oip';
  /** A creating POST that honours `Idempotency-Key`. */
  readonly idempotent?: boolean;
  readonly request?: {
    readonly params?: z.ZodType;
    readonly query?: z.ZodType;
    readonly body?: z.ZodType;
    /** Overrides the platform's default body limit (bytes). */
    readonly maxBodyBytes?: number;
    /** Also accepts `application/octet-stream` bodies, handed to the handler as bytes. */
    readonly binary?: boolean;
    /** Also accepts bodies of these media types (e.g. `text/csv`), handed to the handler as bytes. */
    readonly rawContentTypes?: readonly string[];
  };
  readonly responses: Readonly<Record<number, ResponseDefinition>>;
  readonly function?: FunctionSettings;
  /** Least-privilege access the route's function gets in CDK. */
  readonly grants: StorageGrants & {
    readonly userPool?: 'read' | 'admin' | 'signOut';
    /** `start`: StartExecution on the workflow's state machine, DescribeExecution and StopExecution on its executions. */
    readonly workflows?: Partial<Record<keyof typeof workflows, WorkflowGrant>>;
  };
}

const route = <const T extends RouteDefinition>(definition: T): T => definition;

export const routes = {
  health: route({
    operationId: 'getHealth',
    method: 'GET',
    path: '/v1/health',
    entry: 'functions/http/platform/get-health.ts',
    summary: 'Service health, version and the status of each dependency.',
    tag: 'Platform',
    access: 'public',
    scope: 'full',
    responses: {
      200: { description: 'Every dependency answered.', schema: healthSchema },
      503: { description: 'A dependency did not answer.', schema: healthSchema },
    },
    // HeadBucket only: the bucket grant with no object access.
    grants: { tables: { apiKeys: 'read' }, buckets: { models: {} } },
  }),
  authConfig: route({
    operationId: 'getAuthConfig',
    method: 'GET',
    path: '/v1/auth/config',
    entry: 'functions/http/platform/get-auth-config.ts',
    summary:
      "Where to sign in: the identity provider's OAuth endpoints and the CLI and console app clients (no credential needed).",
    tag: 'Platform',
    access: 'public',
    scope: 'full',
    responses: {
      200: {
        description: 'Browser sign-in settings (404 when the deployment has none).',
        schema: authConfigSchema,
      },
    },
    grants: {},
  }),
  openApi: route({
    operationId: 'getOpenApiDocument',
    method: 'GET',
    path: '/v1/openapi.json',
    entry: 'functions/http/platform/get-openapi.ts',
    summary: 'This API as an OpenAPI 3.1 document.',
    tag: 'Platform',
    access: 'public',
    scope: 'full',
    responses: { 200: { description: 'The OpenAPI document.' } },
    grants: {},
  }),
  docs: route({
    operationId: 'getDocs',
    method: 'GET',
    path: '/docs',
    entry: 'functions/http/platform/get-docs.ts',
    summary: 'Human-readable API reference.',
    tag: 'Platform',
    access: 'public',
    scope: 'full',
    responses: { 200: { description: 'An HTML page.', contentType: 'text/html' } },
    grants: {},
  }),
  docsAsset: route({
    operationId: 'getDocsAsset',
    method: 'GET',
    path: '/docs/assets/{file}',
    entry: 'functions/http/platform/get-docs-asset.ts',
    summary: 'A script or stylesheet of the `/docs` console (Swagger UI, served from the platform).',
    tag: 'Platform',
    access: 'public',
    scope: 'full',
    request: { params: docsAssetParamsSchema },
    responses: { 200: { description: 'The file.', contentType: 'text/javascript' } },
    function: { packageFiles: SWAGGER_UI_PACKAGE_FILES },
    grants: {},
  }),
  getCaller: route({
    operationId: 'getCaller',
    method: 'GET',
    path: '/v1/me',
    entry: 'functions/http/platform/get-caller.ts',
    summary: 'Who the API takes you for: user, role, and the key used if any.',
    tag: 'Platform',
    access: 'authenticated',
    scope: 'predict',
    responses: { 200: { description: 'The caller.', schema: callerSchema } },
    grants: {},
  }),
  signOut: route({
    operationId: 'signOut',
    method: 'POST',
    path: '/v1/me/sign-out',
    entry: 'functions/http/users/sign-out.ts',
    summary:
      'Sign out everywhere: every token you hold stops working within seconds, and refresh tokens end.',
    tag: 'Platform',
    access: 'authenticated',
    scope: 'full',
    responses: { 204: { description: 'Signed out; sign in again for new tokens.' } },
    grants: { userPool: 'signOut' },
  }),
  createApiKey: route({
    operationId: 'createApiKey',
    method: 'POST',
    path: '/v1/api-keys',
    entry: 'functions/http/api-keys/create-api-key.ts',
    summary: 'Create an API key (shown once). Admins may create keys for other users.',
    tag: 'API keys',
    access: 'authenticated',
    scope: 'full',
    idempotent: true,
    request: { body: createApiKeyBodySchema },
    responses: { 201: { description: 'The key, with its secret.', schema: createdApiKeySchema } },
    grants: { tables: { apiKeys: 'readWrite', idempotency: 'readWrite' }, userPool: 'read' },
  }),
  listApiKeys: route({
    operationId: 'listApiKeys',
    method: 'GET',
    path: '/v1/api-keys',
    entry: 'functions/http/api-keys/list-api-keys.ts',
    summary: "Your API keys; admins see everyone's (or one owner's with `ownerId`).",
    tag: 'API keys',
    access: 'authenticated',
    scope: 'full',
    request: { query: listApiKeysQuerySchema },
    responses: { 200: { description: 'A page of keys, newest first.', schema: apiKeyPageSchema } },
    grants: { tables: { apiKeys: 'read' } },
  }),
  getApiKey: route({
    operationId: 'getApiKey',
    method: 'GET',
    path: '/v1/api-keys/{keyId}',
    entry: 'functions/http/api-keys/get-api-key.ts',
    summary: 'One API key (never its secret).',
    tag: 'API keys',
    access: 'authenticated',
    scope: 'full',
    request: { params: apiKeyParamsSchema },
    responses: { 200: { description: 'The key.', schema: apiKeySchema } },
    grants: { tables: { apiKeys: 'read' } },
  }),
  revokeApiKey: route({
    operationId: 'revokeApiKey',
    method: 'DELETE',
    path: '/v1/api-keys/{keyId}',
    entry: 'functions/http/api-keys/revoke-api-key.ts',
    summary: 'Revoke an API key; it stops working at once. Revoking twice is harmless.',
    tag: 'API keys',
    access: 'authenticated',
    scope: 'full',
    request: { params: apiKeyParamsSchema },
    responses: { 200: { description: 'The revoked key.', schema: apiKeySchema } },
    grants: { tables: { apiKeys: 'readWrite' } },
  }),
  listUsers: route({
    operationId: 'listUsers',
    method: 'GET',
    path: '/v1/users',
    entry: 'functions/http/users/list-users.ts',
    summary: 'The users of the platform (admins only).',
    tag: 'Users',
    access: 'admin',
    scope: 'full',
    request: { query: listUsersQuerySchema },
    responses: { 200: { description: 'A page of users.', schema: userPageSchema } },
    grants: { userPool: 'read' },
  }),
  createUser: route({
    operationId: 'createUser',
    method: 'POST',
    path: '/v1/users',
    entry: 'functions/http/users/create-user.ts',
    summary: 'Invite a user (admins only); Cognito emails them a temporary password.',
    tag: 'Users',
    access: 'admin',
    scope: 'full',
    idempotent: true,
    request: { body: createUserBodySchema },
    responses: { 201: { description: 'The new user.', schema: userSchema } },
    grants: { userPool: 'admin', tables: { idempotency: 'readWrite' } },
  }),
  getUser: route({
    operationId: 'getUser',
    method: 'GET',
    path: '/v1/users/{username}',
    entry: 'functions/http/users/get-user.ts',
    summary: 'One user (admins only).',
    tag: 'Users',
    access: 'admin',
    scope: 'full',
    request: { params: userParamsSchema },
    responses: { 200: { description: 'The user.', schema: userSchema } },
    grants: { userPool: 'read' },
  }),
  updateUser: route({
    operationId: 'updateUser',
    method: 'PATCH',
    path: '/v1/users/{username}',
    entry: 'functions/http/users/update-user.ts',
    summary: "Change a user's role or disable them (admins only); disabling revokes their API keys.",
    tag: 'Users',
    access: 'admin',
    scope: 'full',
    request: { params: userParamsSchema, body: updateUserBodySchema },
    responses: { 200: { description: 'The updated user.', schema: userSchema } },
    grants: { userPool: 'admin', tables: { apiKeys: 'readWrite' } },
  }),
  createModel: route({
    operationId: 'createModel',
    method: 'POST',
    path: '/v1/models',
    entry: 'functions/http/models/create-model.ts',
    summary: 'Register a model name; versions are added to it.',
    tag: 'Models',
    access: 'authenticated',
    scope: 'full',
    idempotent: true,
    request: { body: createModelBodySchema },
    responses: { 201: { description: 'The model.', schema: modelSchema } },
    grants: { tables: { models: 'readWrite', idempotency: 'readWrite' } },
  }),
  listModels: route({
    operationId: 'listModels',
    method: 'GET',
    path: '/v1/models',
    entry: 'functions/http/models/list-models.ts',
    summary: "Your models (admins: everyone's), or the team-visible ones; filter by tag.",
    tag: 'Models',
    access: 'authenticated',
    scope: 'full',
    request: { query: listModelsQuerySchema },
    responses: { 200: { description: 'A page of models.', schema: modelPageSchema } },
    grants: { tables: { models: 'read' } },
  }),
  getModel: route({
    operationId: 'getModel',
    method: 'GET',
    path: '/v1/models/{name}',
    entry: 'functions/http/models/get-model.ts',
    summary: 'One model with its aliases.',
    tag: 'Models',
    access: 'authenticated',
    scope: 'full',
    request: { params: modelParamsSchema },
    responses: { 200: { description: 'The model.', schema: modelSchema } },
    grants: { tables: { models: 'read' } },
  }),
  updateModel: route({
    operationId: 'updateModel',
    method: 'PATCH',
    path: '/v1/models/{name}',
    entry: 'functions/http/models/update-model.ts',
    summary: "Change a model's description, tags or team visibility.",
    tag: 'Models',
    access: 'authenticated',
    scope: 'full',
    request: { params: modelParamsSchema, body: updateModelBodySchema },
    responses: { 200: { description: 'The updated model.', schema: modelSchema } },
    grants: { tables: { models: 'readWrite' } },
  }),
  deleteModel: route({
    operationId: 'deleteModel',
    method: 'DELETE',
    path: '/v1/models/{name}',
    entry: 'functions/http/models/delete-model.ts',
    summary: 'Delete a model with its versions and files; refused while an alias exists.',
    tag: 'Models',
    access: 'authenticated',
    scope: 'full',
    request: { params: modelParamsSchema },
    responses: { 204: { description: 'Deleted.' } },
    grants: {
      tables: { models: 'readWrite', modelVersions: 'readWrite' },
      buckets: { models: { delete: ['models/'] } },
    },
  }),
  registerVersion: route({
    operationId: 'registerVersion',
    method: 'POST',
    path: '/v1/models/{name}/versions',
    entry: 'functions/http/models/register-version.ts',
    summary:
      'Upload an ONNX file, or an XGBoost model file (`format: xgboost`, converted to ONNX), up to about 4 MB ' +
      '(raw as application/octet-stream with `format` and `featureNames` in the query, or base64 in JSON) as a new version.',
    tag: 'Model versions',
    access: 'authenticated',
    scope: 'full',
    idempotent: true,
    request: {
      params: modelParamsSchema,
      query: registerVersionQuerySchema,
      body: registerVersionBodySchema,
      binary: true,
      maxBodyBytes: 6 * 1024 * 1024,
    },
    responses: { 201: { description: 'The new version, numbered.', schema: versionSchema } },
    // HTTP API gives up after 30 s; larger files go through presigned uploads.
    function: { memoryMb: 2048, timeoutSeconds: 29, onnxRuntime: true },
    grants: {
      tables: { models: 'readWrite', modelVersions: 'readWrite', idempotency: 'readWrite' },
      buckets: { models: { write: ['models/'], delete: ['models/'] } },
    },
  }),
  startModelUpload: route({
    operationId: 'startModelUpload',
    method: 'POST',
    path: '/v1/models/{name}/uploads',
    entry: 'functions/http/models/start-upload.ts',
    summary:
      "For large files: declare the model file's size (ONNX or XGBoost), get a presigned URL to PUT exactly that many bytes to, then commit it.",
    tag: 'Model versions',
    access: 'authenticated',
    scope: 'full',
    idempotent: true,
    request: { params: modelParamsSchema, body: startUploadBodySchema },
    responses: { 201: { description: 'Where to upload.', schema: uploadSchema } },
    grants: {
      tables: { models: 'read', modelUploads: 'readWrite', idempotency: 'readWrite' },
      // Presigning a PUT needs the right to put the object: staging keys only, never models/.
      buckets: { models: { write: ['uploads/'] } },
    },
  }),
  commitModelUpload: route({
    operationId: 'commitModelUpload',
    method: 'POST',
    path: '/v1/models/{name}/uploads/{uploadId}/commit',
    entry: 'functions/http/models/commit-upload.ts',
    summary:
      'Check the uploaded file (an XGBoost file, declared with `format: xgboost`, is converted to ONNX first) and register it as a new version.',
    tag: 'Model versions',
    access: 'authenticated',
    scope: 'full',
    idempotent: true,
    request: { params: uploadParamsSchema, body: commitUploadBodySchema },
    responses: { 201: { description: 'The new version, numbered.', schema: versionSchema } },
    function: { memoryMb: 3008, timeoutSeconds: 29, onnxRuntime: true },
    grants: {
      tables: {
        models: 'readWrite',
        modelVersions: 'readWrite',
        modelUploads: 'readWrite',
        idempotency: 'readWrite',
      },
      buckets: { models: { read: ['uploads/'], write: ['models/'], delete: ['uploads/', 'models/'] } },
    },
  }),
  listVersions: route({
    operationId: 'listVersions',
    method: 'GET',
    path: '/v1/models/{name}/versions',
    entry: 'functions/http/models/list-versions.ts',
    summary: "A model's versions, newest first.",
    tag: 'Model versions',
    access: 'authenticated',
    scope: 'full',
    request: { params: modelParamsSchema, query: paginationQuerySchema },
    responses: { 200: { description: 'A page of versions.', schema: versionPageSchema } },
    grants: { tables: { models: 'read', modelVersions: 'read' } },
  }),
  getVersion: route({
    operationId: 'getVersion',
    method: 'GET',
    path: '/v1/models/{name}/versions/{version}',
    entry: 'functions/http/models/get-version.ts',
    summary: 'One version: signature, metrics, lineage, audit trail.',
    tag: 'Model versions',
    access: 'authenticated',
    scope: 'full',
    request: { params: versionParamsSchema },
    responses: { 200: { description: 'The version.', schema: versionSchema } },
    grants: { tables: { models: 'read', modelVersions: 'read' } },
  }),
  getVersionSourceFile: route({
    operationId: 'getVersionSourceFile',
    method: 'GET',
    path: '/v1/models/{name}/versions/{version}/source-file',
    entry: 'functions/http/models/get-source-file.ts',
    summary:
      'Where to download the XGBoost file a version was converted from (a presigned GET URL, 15 minutes), with its sha256.',
    tag: 'Model versions',
    access: 'authenticated',
    scope: 'full',
    request: { params: versionParamsSchema },
    responses: {
      200: { description: 'The source file and where to get it.', schema: sourceFileDownloadSchema },
    },
    // Presigning a GET needs the right to get the object.
    grants: { tables: { models: 'read', modelVersions: 'read' }, buckets: { models: { read: ['models/'] } } },
  }),
  getVersionArtifact: route({
    operationId: 'getVersionArtifact',
    method: 'GET',
    path: '/v1/models/{name}/versions/{version}/download',
    entry: 'functions/http/models/get-artifact.ts',
    summary:
      "Where to download a version's ONNX artifact (a presigned GET URL, 15 minutes), with its sha256; the model's owner or an admin.",
    tag: 'Model versions',
    access: 'authenticated',
    scope: 'full',
    request: { params: versionParamsSchema },
    responses: {
      200: { description: 'The artifact and where to get it.', schema: artifactDownloadSchema },
    },
    // Presigning a GET needs the right to get the object (and the version it is pinned to).
    grants: { tables: { models: 'read', modelVersions: 'read' }, buckets: { models: { read: ['models/'] } } },
  }),
  approveVersion: route({
    operationId: 'approveVersion',
    method: 'POST',
    path: '/v1/models/{name}/versions/{version}/approve',
    entry: 'functions/http/models/approve-version.ts',
    summary: 'Approve a version (admins only), with an optional comment.',
    tag: 'Model versions',
    access: 'admin',
    scope: 'full',
    request: { params: versionParamsSchema, body: reviewBodySchema },
    responses: { 200: { description: 'The approved version.', schema: versionSchema } },
    grants: { tables: { models: 'read', modelVersions: 'readWrite' } },
  }),
  rejectVersion: route({
    operationId: 'rejectVersion',
    method: 'POST',
    path: '/v1/models/{name}/versions/{version}/reject',
    entry: 'functions/http/models/reject-version.ts',
    summary: 'Reject a version (admins only), saying why.',
    tag: 'Model versions',
    access: 'admin',
    scope: 'full',
    request: { params: versionParamsSchema, body: rejectBodySchema },
    responses: { 200: { description: 'The rejected version.', schema: versionSchema } },
    grants: { tables: { models: 'read', modelVersions: 'readWrite' } },
  }),
  setAlias: route({
    operationId: 'setAlias',
    method: 'PUT',
    path: '/v1/models/{name}/aliases/{alias}',
    entry: 'functions/http/models/set-alias.ts',
    summary: 'Point an alias at an approved version, or split its traffic between approved versions.',
    tag: 'Models',
    access: 'authenticated',
    scope: 'full',
    request: { params: aliasParamsSchema, body: setAliasBodySchema },
    responses: { 200: { description: 'The model with its aliases.', schema: modelSchema } },
    grants: { tables: { models: 'readWrite', modelVersions: 'read' } },
  }),
  deleteAlias: route({
    operationId: 'deleteAlias',
    method: 'DELETE',
    path: '/v1/models/{name}/aliases/{alias}',
    entry: 'functions/http/models/delete-alias.ts',
    summary: 'Remove an alias.',
    tag: 'Models',
    access: 'authenticated',
    scope: 'full',
    request: { params: aliasParamsSchema },
    responses: { 200: { description: 'The model with its aliases.', schema: modelSchema } },
    grants: { tables: { models: 'readWrite' } },
  }),
  createDatasetVersion: route({
    operationId: 'createDatasetVersion',
    method: 'POST',
    path: '/v1/datasets',
    entry: 'functions/http/datasets/create-dataset-version.ts',
    summary:
      'Start uploading a CSV or JSON Lines file: a new version number and a presigned URL to PUT the file to (the first upload creates the dataset).',
    tag: 'Datasets',
    access: 'authenticated',
    scope: 'full',
    idempotent: true,
    request: { body: createDatasetBodySchema },
    responses: {
      201: {
        description: 'The new version, `uploading`, and where to PUT the file.',
        schema: datasetUploadSchema,
      },
    },
    grants: {
      tables: { datasets: 'readWrite', datasetVersions: 'readWrite', idempotency: 'readWrite' },
      // Presigning a PUT needs the right to put the object: staging keys only.
      buckets: { datasets: { write: ['uploads/'] } },
    },
  }),
  commitDatasetVersion: route({
    operationId: 'commitDatasetVersion',
    method: 'POST',
    path: '/v1/datasets/{name}/versions/{version}/commit',
    entry: 'functions/http/datasets/commit-dataset-version.ts',
    summary:
      'Check the uploaded file (streamed: profile and quality checks) and make the version ready, or fail it with the blocking problems.',
    tag: 'Datasets',
    access: 'authenticated',
    scope: 'full',
    request: { params: datasetVersionParamsSchema, body: commitDatasetBodySchema },
    responses: {
      200: {
        description: 'The ready version with its profile and quality report.',
        schema: datasetVersionSchema,
      },
      409: {
        description:
          'Nothing has been uploaded for this version yet, or the file changed while it was checked.',
        schema: problemSchema,
        contentType: 'application/problem+json',
      },
      422: {
        description:
          'The file has blocking problems; `row` (data row, 1-based, header not counted), `field`/`column` and `line` locate the first, `issues` lists all. The version is now `failed` and its file deleted.',
        schema: problemSchema,
        contentType: 'application/problem+json',
      },
    },
    // HTTP API gives up after 30 s; 1769 MB is one full vCPU, which profiling is bound by.
    function: { memoryMb: 1769, timeoutSeconds: 29 },
    grants: {
      tables: { datasets: 'readWrite', datasetVersions: 'readWrite' },
      // The one writer of datasets/: the checked file is copied there from its staging key.
      buckets: { datasets: { read: ['uploads/'], write: ['datasets/'], delete: ['uploads/'] } },
    },
  }),
  listDatasets: route({
    operationId: 'listDatasets',
    method: 'GET',
    path: '/v1/datasets',
    entry: 'functions/http/datasets/list-datasets.ts',
    summary: "Your datasets (admins: everyone's, or one owner's with `ownerId`).",
    tag: 'Datasets',
    access: 'authenticated',
    scope: 'full',
    request: { query: listDatasetsQuerySchema },
    responses: { 200: { description: 'A page of datasets, by name.', schema: datasetPageSchema } },
    grants: { tables: { datasets: 'read' } },
  }),
  getDataset: route({
    operationId: 'getDataset',
    method: 'GET',
    path: '/v1/datasets/{name}',
    entry: 'functions/http/datasets/get-dataset.ts',
    summary: 'One dataset with its latest ready version (profile and quality report).',
    tag: 'Datasets',
    access: 'authenticated',
    scope: 'full',
    request: { params: datasetParamsSchema },
    responses: { 200: { description: 'The dataset.', schema: datasetWithLatestSchema } },
    grants: { tables: { datasets: 'read', datasetVersions: 'read' } },
  }),
  listDatasetVersions: route({
    operationId: 'listDatasetVersions',
    method: 'GET',
    path: '/v1/datasets/{name}/versions',
    entry: 'functions/http/datasets/list-dataset-versions.ts',
    summary: "A dataset's versions, newest first, with their profiles and quality reports.",
    tag: 'Datasets',
    access: 'authenticated',
    scope: 'full',
    request: { params: datasetParamsSchema, query: paginationQuerySchema },
    responses: { 200: { description: 'A page of versions.', schema: datasetVersionPageSchema } },
    grants: { tables: { datasets: 'read', datasetVersions: 'read' } },
  }),
  getDatasetVersion: route({
    operationId: 'getDatasetVersion',
    method: 'GET',
    path: '/v1/datasets/{name}/versions/{version}',
    entry: 'functions/http/datasets/get-dataset-version.ts',
    summary: 'One version: status, size, checksum, profile and quality report.',
    tag: 'Datasets',
    access: 'authenticated',
    scope: 'full',
    request: { params: datasetVersionParamsSchema },
    responses: { 200: { description: 'The version.', schema: datasetVersionSchema } },
    grants: { tables: { datasets: 'read', datasetVersions: 'read' } },
  }),
  createTrainingJob: route({
    operationId: 'createTrainingJob',
    method: 'POST',
    path: '/v1/training-jobs',
    entry: 'functions/http/training-jobs/create-training-job.ts',
    summary: 'Start a training job on a dataset; answers 202 with the job and its Location.',
    tag: 'Training jobs',
    access: 'authenticated',
    scope: 'full',
    idempotent: true,
    request: { body: createTrainingJobBodySchema },
    responses: { 202: { description: 'The job, PENDING; poll its Location.', schema: trainingJobSchema } },
    grants: {
      tables: {
        trainingJobs: 'readWrite',
        datasets: 'read',
        datasetVersions: 'read',
        models: 'read',
        idempotency: 'readWrite',
      },
      workflows: { training: 'start' },
    },
  }),
  listTrainingJobs: route({
    operationId: 'listTrainingJobs',
    method: 'GET',
    path: '/v1/training-jobs',
    entry: 'functions/http/training-jobs/list-training-jobs.ts',
    summary: "Your training jobs, newest first (admins: everyone's); filter by status.",
    tag: 'Training jobs',
    access: 'authenticated',
    scope: 'full',
    request: { query: listTrainingJobsQuerySchema },
    responses: { 200: { description: 'A page of jobs.', schema: trainingJobPageSchema } },
    grants: { tables: { trainingJobs: 'read' } },
  }),
  getTrainingJob: route({
    operationId: 'getTrainingJob',
    method: 'GET',
    path: '/v1/training-jobs/{jobId}',
    entry: 'functions/http/training-jobs/get-training-job.ts',
    summary:
      'Status, current step, progress, step timings, candidates, the chosen one, the registered version or the reason it failed.',
    tag: 'Training jobs',
    access: 'authenticated',
    scope: 'full',
    request: { params: trainingJobParamsSchema },
    responses: { 200: { description: 'The job.', schema: trainingJobSchema } },
    grants: { tables: { trainingJobs: 'read' } },
  }),
  cancelTrainingJob: route({
    operationId: 'cancelTrainingJob',
    method: 'POST',
    path: '/v1/training-jobs/{jobId}/cancel',
    entry: 'functions/http/training-jobs/cancel-training-job.ts',
    summary: 'Cancel a job: its execution stops and no later step runs. Cancelling twice is harmless.',
    tag: 'Training jobs',
    access: 'authenticated',
    scope: 'full',
    request: { params: trainingJobParamsSchema },
    responses: { 200: { description: 'The cancelled job.', schema: trainingJobSchema } },
    grants: { tables: { trainingJobs: 'readWrite' }, workflows: { training: 'start' } },
  }),
  createBatchPredictionUpload: route({
    operationId: 'createBatchPredictionUpload',
    method: 'POST',
    path: '/v1/batch-predictions/uploads',
    entry: 'functions/http/batch-predictions/create-batch-upload.ts',
    summary: 'A presigned URL to PUT a batch input file to (CSV with a header, or JSON Lines).',
    tag: 'Batch predictions',
    access: 'authenticated',
    scope: 'full',
    idempotent: true,
    request: { body: createBatchUploadBodySchema },
    responses: { 201: { description: 'Where to PUT the file.', schema: batchUploadSchema } },
    grants: {
      tables: { idempotency: 'readWrite' },
      buckets: { datasets: { write: ['uploads/batch-predictions/'] } },
    },
  }),
  createBatchPrediction: route({
    operationId: 'createBatchPrediction',
    method: 'POST',
    path: '/v1/batch-predictions',
    entry: 'functions/http/batch-predictions/create-batch-prediction.ts',
    summary:
      'Predict a whole file (a dataset version or an upload) with one model version, fixed now; answers 202 with the job and its Location.',
    tag: 'Batch predictions',
    access: 'authenticated',
    scope: 'full',
    idempotent: true,
    request: { body: createBatchPredictionBodySchema },
    responses: {
      202: { description: 'The job, PENDING; poll its Location.', schema: batchPredictionSchema },
    },
    grants: {
      tables: {
        batchPredictionJobs: 'readWrite',
        models: 'read',
        modelVersions: 'read',
        datasets: 'read',
        datasetVersions: 'read',
        idempotency: 'readWrite',
      },
      buckets: { datasets: { read: ['uploads/batch-predictions/'] } },
      workflows: { batchPredictions: 'start' },
    },
  }),
  listBatchPredictions: route({
    operationId: 'listBatchPredictions',
    method: 'GET',
    path: '/v1/batch-predictions',
    entry: 'functions/http/batch-predictions/list-batch-predictions.ts',
    summary: "Your batch prediction jobs, newest first (admins: everyone's); filter by status.",
    tag: 'Batch predictions',
    access: 'authenticated',
    scope: 'full',
    request: { query: listBatchPredictionsQuerySchema },
    responses: { 200: { description: 'A page of jobs.', schema: batchPredictionPageSchema } },
    grants: { tables: { batchPredictionJobs: 'read' } },
  }),
  getBatchPrediction: route({
    operationId: 'getBatchPrediction',
    method: 'GET',
    path: '/v1/batch-predictions/{jobId}',
    entry: 'functions/http/batch-predictions/get-batch-prediction.ts',
    summary:
      'Status, rows done and total, rows per second, errors, timings; once done, download URLs for the output and the errors file.',
    tag: 'Batch predictions',
    access: 'authenticated',
    scope: 'full',
    request: { params: batchPredictionParamsSchema },
    responses: { 200: { description: 'The job.', schema: batchPredictionSchema } },
    grants: {
      tables: { batchPredictionJobs: 'read' },
      buckets: { datasets: { read: ['batch-predictions/jobs/'] } },
    },
  }),
  cancelBatchPrediction: route({
    operationId: 'cancelBatchPrediction',
    method: 'POST',
    path: '/v1/batch-predictions/{jobId}/cancel',
    entry: 'functions/http/batch-predictions/cancel-batch-prediction.ts',
    summary: 'Cancel a job: its execution stops and no output is made. Cancelling twice is harmless.',
    tag: 'Batch predictions',
    access: 'authenticated',
    scope: 'full',
    request: { params: batchPredictionParamsSchema },
    responses: { 200: { description: 'The cancelled job.', schema: batchPredictionSchema } },
    grants: { tables: { batchPredictionJobs: 'readWrite' }, workflows: { batchPredictions: 'start' } },
  }),
  predict: route({
    operationId: 'predict',
    method: 'POST',
    path: '/v1/models/{name}/predict',
    entry: 'functions/http/inference/predict.ts',
    summary:
      'Predict with a model: `production` by default, or `?alias=` / `?version=`; the answer names the version.',
    tag: 'Predictions',
    access: 'authenticated',
    scope: 'predict',
    request: {
      params: modelParamsSchema,
      query: predictQuerySchema,
      body: predictBodySchema,
      maxBodyBytes: 6 * 1024 * 1024,
    },
    responses: { 200: { description: 'Predictions, one per row.', schema: predictionSchema } },
    function: { memoryMb: 2048, timeoutSeconds: 29, onnxRuntime: true },
    grants: {
      tables: { models: 'read', modelVersions: 'read' },
      buckets: { models: { read: ['models/'], write: ['captures/'] } },
    },
  }),
  mlflowInvocations: route({
    operationId: 'mlflowInvocations',
    method: 'POST',
    path: '/v1/models/{name}/invocations',
    entry: 'functions/http/inference/mlflow-invocations.ts',
    summary:
      'Predict with MLflow\'s scoring protocol: `dataframe_split`, `dataframe_records`, `instances` or `inputs` JSON, or a CSV table (text/csv); answers `{"predictions": [...]}`.',
    tag: 'Predictions',
    access: 'authenticated',
    scope: 'predict',
    request: {
      params: modelParamsSchema,
      query: predictQuerySchema,
      body: mlflowInvocationBodySchema,
      maxBodyBytes: 6 * 1024 * 1024,
      rawContentTypes: ['text/csv', 'application/csv'],
    },
    responses: { 200: { description: 'One prediction per row.', schema: mlflowPredictionsSchema } },
    function: { memoryMb: 2048, timeoutSeconds: 29, onnxRuntime: true },
    grants: { tables: { models: 'read', modelVersions: 'read' }, buckets: { models: { read: ['models/'] } } },
  }),
  v2ServerLive: route({
    operationId: 'v2ServerLive',
    method: 'GET',
    path: '/v2/health/live',
    entry: 'functions/http/inference/v2-server-live.ts',
    summary: 'Liveness.',
    tag: 'Open Inference Protocol (v2)',
    access: 'public',
    scope: 'predict',
    errorFormat: 'oip',
    responses: { 200: { description: 'See the Open Inference Protocol.', schema: v2LiveSchema } },
    grants: {},
  }),
  v2ServerReady: route({
    operationId: 'v2ServerReady',
    method: 'GET',
    path: '/v2/health/ready',
    entry: 'functions/http/inference/v2-server-ready.ts',
    summary: 'Readiness of the server.',
    tag: 'Open Inference Protocol (v2)',
    access: 'public',
    scope: 'predict',
    errorFormat: 'oip',
    responses: { 200: { description: 'See the Open Inference Protocol.', schema: v2ReadySchema } },
    grants: {},
  }),
  v2ServerMetadata: route({
    operationId: 'v2ServerMetadata',
    method: 'GET',
    path: '/v2',
    entry: 'functions/http/inference/v2-server-metadata.ts',
    summary: 'Server metadata.',
    tag: 'Open Inference Protocol (v2)',
    access: 'public',
    scope: 'predict',
    errorFormat: 'oip',
    responses: { 200: { description: 'See the Open Inference Protocol.', schema: v2ServerMetadataSchema } },
    grants: {},
  }),
  v2ModelMetadata: route({
    operationId: 'v2ModelMetadata',
    method: 'GET',
    path: '/v2/models/{name}',
    entry: 'functions/http/inference/v2-model-metadata.ts',
    summary: 'Model metadata (the version that answers by default).',
    tag: 'Open Inference Protocol (v2)',
    access: 'authenticated',
    scope: 'predict',
    errorFormat: 'oip',
    request: { params: v2ModelParamsSchema },
    responses: { 200: { description: 'See the Open Inference Protocol.', schema: v2ModelMetadataSchema } },
    function: { memoryMb: 2048, timeoutSeconds: 29, onnxRuntime: true },
    grants: { tables: { models: 'read', modelVersions: 'read' }, buckets: { models: { read: ['models/'] } } },
  }),
  v2ModelVersionMetadata: route({
    operationId: 'v2ModelVersionMetadata',
    method: 'GET',
    path: '/v2/models/{name}/versions/{version}',
    entry: 'functions/http/inference/v2-model-version-metadata.ts',
    summary: 'Metadata of one version.',
    tag: 'Open Inference Protocol (v2)',
    access: 'authenticated',
    scope: 'predict',
    errorFormat: 'oip',
    request: { params: v2VersionParamsSchema },
    responses: { 200: { description: 'See the Open Inference Protocol.', schema: v2ModelMetadataSchema } },
    function: { memoryMb: 2048, timeoutSeconds: 29, onnxRuntime: true },
    grants: { tables: { models: 'read', modelVersions: 'read' }, buckets: { models: { read: ['models/'] } } },
  }),
  v2ModelReady: route({
    operationId: 'v2ModelReady',
    method: 'GET',
    path: '/v2/models/{name}/ready',
    entry: 'functions/http/inference/v2-model-ready.ts',
    summary: 'Whether the model is ready to answer.',
    tag: 'Open Inference Protocol (v2)',
    access: 'authenticated',
    scope: 'predict',
    errorFormat: 'oip',
    request: { params: v2ModelParamsSchema },
    responses: { 200: { description: 'See the Open Inference Protocol.', schema: v2ModelReadySchema } },
    function: { memoryMb: 2048, timeoutSeconds: 29, onnxRuntime: true },
    grants: { tables: { models: 'read', modelVersions: 'read' }, buckets: { models: { read: ['models/'] } } },
  }),
  v2ModelVersionReady: route({
    operationId: 'v2ModelVersionReady',
    method: 'GET',
    path: '/v2/models/{name}/versions/{version}/ready',
    entry: 'functions/http/inference/v2-model-version-ready.ts',
    summary: 'Whether a version is ready to answer.',
    tag: 'Open Inference Protocol (v2)',
    access: 'authenticated',
    scope: 'predict',
    errorFormat: 'oip',
    request: { params: v2VersionParamsSchema },
    responses: { 200: { description: 'See the Open Inference Protocol.', schema: v2ModelReadySchema } },
    function: { memoryMb: 2048, timeoutSeconds: 29, onnxRuntime: true },
    grants: { tables: { models: 'read', modelVersions: 'read' }, buckets: { models: { read: ['models/'] } } },
  }),
  v2ModelInfer: route({
    operationId: 'v2ModelInfer',
    method: 'POST',
    path: '/v2/models/{name}/infer',
    entry: 'functions/http/inference/v2-model-infer.ts',
    summary: 'Inference (the version that answers by default).',
    tag: 'Open Inference Protocol (v2)',
    access: 'authenticated',
    scope: 'predict',
    errorFormat: 'oip',
    request: { params: v2ModelParamsSchema, body: v2InferRequestSchema, maxBodyBytes: 6 * 1024 * 1024 },
    responses: { 200: { description: 'See the Open Inference Protocol.', schema: v2InferResponseSchema } },
    function: { memoryMb: 2048, timeoutSeconds: 29, onnxRuntime: true },
    grants: {
      tables: { models: 'read', modelVersions: 'read' },
      buckets: { models: { read: ['models/'], write: ['captures/'] } },
    },
  }),
  v2ModelVersionInfer: route({
    operationId: 'v2ModelVersionInfer',
    method: 'POST',
    path: '/v2/models/{name}/versions/{version}/infer',
    entry: 'functions/http/inference/v2-model-version-infer.ts',
    summary: 'Inference with one version.',
    tag: 'Open Inference Protocol (v2)',
    access: 'authenticated',
    scope: 'predict',
    errorFormat: 'oip',
    request: { params: v2VersionParamsSchema, body: v2InferRequestSchema, maxBodyBytes: 6 * 1024 * 1024 },
    responses: { 200: { description: 'See the Open Inference Protocol.', schema: v2InferResponseSchema } },
    function: { memoryMb: 2048, timeoutSeconds: 29, onnxRuntime: true },
    grants: {
      tables: { models: 'read', modelVersions: 'read' },
      buckets: { models: { read: ['models/'], write: ['captures/'] } },
    },
  }),
  getModelUsage: route({
    operationId: 'getModelUsage',
    method: 'GET',
    path: '/v1/models/{name}/usage',
    entry: 'functions/http/monitoring/get-model-usage.ts',
    summary:
      'Requests, rows, errors and latency percentiles of a model over time, per version (split arms), alias or caller.',
    tag: 'Monitoring',
    access: 'authenticated',
    scope: 'full',
    request: { params: modelParamsSchema, query: modelUsageQuerySchema },
    responses: { 200: { description: 'The usage time series.', schema: modelUsageSchema } },
    grants: { tables: { models: 'read', usage: 'read' } },
  }),
  getDriftReport: route({
    operationId: 'getDriftReport',
    method: 'GET',
    path: '/v1/models/{name}/drift',
    entry: 'functions/http/monitoring/get-drift-report.ts',
    summary:
      'Data drift of a version: its captured inputs in a window against its training baseline (PSI, KS, chi-squared per feature), with the verdicts the hourly schedule recorded.',
    tag: 'Monitoring',
    access: 'authenticated',
    scope: 'full',
    request: { params: modelParamsSchema, query: driftQuerySchema },
    responses: { 200: { description: 'The drift report.', schema: driftReportSchema } },
    function: { memoryMb: 1024, timeoutSeconds: 29 },
    grants: {
      tables: { models: 'read', modelVersions: 'read', usage: 'read' },
      buckets: { models: { read: ['captures/'] } },
    },
  }),
  requestDriftReport: route({
    operationId: 'requestDriftReport',
    method: 'POST',
    path: '/v1/models/{name}/versions/{version}/drift-reports',
    entry: 'functions/http/monitoring/request-drift-report.ts',
    summary:
      'Ask for a drift report of a version over a window (default the last 24 h, at most 7 days): 202 with the PENDING run and its Location.',
    tag: 'Monitoring',
    access: 'authenticated',
    scope: 'full',
    idempotent: true,
    request: { params: versionParamsSchema, body: requestDriftReportBodySchema },
    responses: {
      202: { description: 'The run, PENDING; poll its Location.', schema: driftReportRunSchema },
    },
    grants: {
      tables: { models: 'read', modelVersions: 'read', usage: 'readWrite', idempotency: 'readWrite' },
      workflows: { driftReports: 'start' },
    },
  }),
  listDriftReports: route({
    operationId: 'listDriftReports',
    method: 'GET',
    path: '/v1/models/{name}/versions/{version}/drift-reports',
    entry: 'functions/http/monitoring/list-drift-reports.ts',
    summary:
      "A version's recorded drift reports (requested and the hourly schedule's), newest first, with each verdict.",
    tag: 'Monitoring',
    access: 'authenticated',
    scope: 'full',
    request: { params: versionParamsSchema, query: listDriftReportsQuerySchema },
    responses: { 200: { description: 'A page of reports.', schema: driftReportPageSchema } },
    grants: { tables: { models: 'read', usage: 'read' } },
  }),
  getDriftReportRun: route({
    operationId: 'getDriftReportRun',
    method: 'GET',
    path: '/v1/models/{name}/versions/{version}/drift-reports/{reportId}',
    entry: 'functions/http/monitoring/get-drift-report-run.ts',
    summary: 'One recorded drift report: its status and, once SUCCEEDED, the per-feature comparison.',
    tag: 'Monitoring',
    access: 'authenticated',
    scope: 'full',
    request: { params: driftReportRunParamsSchema },
    responses: { 200: { description: 'The report run.', schema: driftReportRunSchema } },
    grants: { tables: { models: 'read', usage: 'read' } },
  }),
  recordFeedback: route({
    operationId: 'recordFeedback',
    method: 'POST',
    path: '/v1/models/{name}/feedback',
    entry: 'functions/http/monitoring/record-feedback.ts',
    summary:
      'Ground truth for predictions: `[{requestId, actual}]` (the `x-request-id` of each answer); a repeated requestId overwrites its record.',
    tag: 'Monitoring',
    access: 'authenticated',
    scope: 'predict',
    request: { params: modelParamsSchema, body: feedbackBodySchema },
    responses: { 200: { description: 'The feedback recorded.', schema: feedbackResultSchema } },
    grants: { tables: { models: 'read', usage: 'readWrite' } },
  }),
  getLiveMetrics: route({
    operationId: 'getLiveMetrics',
    method: 'GET',
    path: '/v1/models/{name}/live-metrics',
    entry: 'functions/http/monitoring/get-live-metrics.ts',
    summary:
      'Live accuracy (classification) or R² (regression) per version: feedback joined with the captured predictions of a window.',
    tag: 'Monitoring',
    access: 'authenticated',
    scope: 'full',
    request: { params: modelParamsSchema, query: liveMetricsQuerySchema },
    responses: { 200: { description: 'The live metric of each version.', schema: liveMetricsSchema } },
    function: { memoryMb: 1024, timeoutSeconds: 29 },
    grants: {
      tables: { models: 'read', modelVersions: 'read', usage: 'read' },
      buckets: { models: { read: ['captures/'] } },
    },
  }),
  getPlatformUsage: route({
    operationId: 'getPlatformUsage',
    method: 'GET',
    path: '/v1/usage',
    entry: 'functions/http/monitoring/get-platform-usage.ts',
    summary: 'Admins: prediction totals, top models and top callers across the platform.',
    tag: 'Monitoring',
    access: 'admin',
    scope: 'full',
    request: { query: platformUsageQuerySchema },
    responses: { 200: { description: 'Usage across models.', schema: platformUsageSchema } },
    grants: { tables: { usage: 'read' } },
  }),
  listAlerts: route({
    operationId: 'listAlerts',
    method: 'GET',
    path: '/v1/alerts',
    entry: 'functions/http/monitoring/list-alerts.ts',
    summary:
      "Alerts (drift, error rate, p99, no traffic) of your models (admins: every model's), open or resolved.",
    tag: 'Monitoring',
    access: 'authenticated',
    scope: 'full',
    request: { query: listAlertsQuerySchema },
    responses: { 200: { description: 'A page of alerts.', schema: alertPageSchema } },
    grants: { tables: { models: 'read', usage: 'read' } },
  }),
} as const satisfies Record<string, RouteDefinition>;

export type RouteId = keyof typeof routes;

export const routeList: readonly RouteDefinition[] = Object.values(routes);

/** The authorizer: one Lambda verifying a Cognito token or an API key, the same on AWS and locally. */
export const authorizerEntry = 'functions/http/authorizer.ts';
