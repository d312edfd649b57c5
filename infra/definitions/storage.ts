/**
 * One source of truth for the platform's tables and buckets: their keys, indexes and TTL
 * attributes. The CDK storage construct builds them from these definitions and the local platform
 * creates the same tables and buckets in the emulators from them. Pure data: no CDK imports, so
 * the local platform can load it without aws-cdk-lib.
 */

export type AttributeType = 'S' | 'N' | 'B';

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

export interface TableDefinition {
  /** Logical id in CDK and the suffix of the table's name locally. */
  readonly id: string;
  /** The environment variable that carries the table's name to the functions. */
  readonly envVar: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalIndexes: readonly IndexDefinition[];
  /** Epoch-seconds attribute after which an item may be deleted (filtered in code too: dynalite has no TTL). */
  readonly timeToLiveAttribute?: string;
  readonly description: string;
}

export interface BucketDefinition {
  readonly id: string;
  readonly envVar: string;
  readonly description: string;
  /** Days after which incomplete multipart uploads are aborted. */
  readonly abortIncompleteUploadsAfterDays: number;
  /**
   * Days after which objects under `uploads/` (presigned uploads never committed) expire; longer
   * than an upload may stay pending (its URL works for an hour at most, its record a day).
   */
  readonly abandonedUploadsExpireAfterDays: number;
  /** Days a replaced or deleted object's previous version is kept (the buckets are versioned). */
  readonly noncurrentVersionsExpireAfterDays: number;
}

export const tableDefinitions = {
  apiKeys: {
    id: 'ApiKeys',
    envVar: 'API_KEYS_TABLE',
    partitionKey: { name: 'keyId', type: 'S' },
    globalIndexes: [
      {
        indexName: 'byOwner',
        partitionKey: { name: 'ownerId', type: 'S' },
        sortKey: { name: 'createdAt', type: 'S' },
      },
    ],
    description:
      'API keys: hashed secret, owner, role, scope and status; read by the authorizer on every call.',
  },
  usage: {
    id: 'Usage',
    envVar: 'USAGE_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    globalIndexes: [],
    timeToLiveAttribute: 'expiresAt',
    description:
      'Usage counters (rate-limit windows per API key and user, failed-credential windows per key id and ' +
      'source IP) and per-user token revocation times.',
  },
  idempotency: {
    id: 'Idempotency',
    envVar: 'IDEMPOTENCY_TABLE',
    partitionKey: { name: 'id', type: 'S' },
    globalIndexes: [],
    timeToLiveAttribute: 'expiresAt',
    description: 'Responses of creating POSTs, replayed when a client retries with the same Idempotency-Key.',
  },
  models: {
    id: 'Models',
    envVar: 'MODELS_TABLE',
    partitionKey: { name: 'name', type: 'S' },
    globalIndexes: [
      {
        indexName: 'byOwner',
        partitionKey: { name: 'ownerId', type: 'S' },
        sortKey: { name: 'name', type: 'S' },
      },
      // Sparse: only team-visible models carry `visibility`.
      {
        indexName: 'byVisibility',
        partitionKey: { name: 'visibility', type: 'S' },
        sortKey: { name: 'name', type: 'S' },
      },
    ],
    description: 'Registered models: owner, task, tags, visibility, aliases and the version counter.',
  },
  modelVersions: {
    id: 'ModelVersions',
    envVar: 'MODEL_VERSIONS_TABLE',
    partitionKey: { name: 'modelName', type: 'S' },
    sortKey: { name: 'version', type: 'N' },
    globalIndexes: [],
    description: 'Immutable model versions: artifact, checksum, signature, metrics, lineage, approval trail.',
  },
  modelUploads: {
    id: 'ModelUploads',
    envVar: 'MODEL_UPLOADS_TABLE',
    partitionKey: { name: 'uploadId', type: 'S' },
    globalIndexes: [],
    timeToLiveAttribute: 'expiresAt',
    description: 'Pending presigned model uploads, waiting to be committed as versions.',
  },
  trainingJobs: {
    id: 'TrainingJobs',
    envVar: 'TRAINING_JOBS_TABLE',
    partitionKey: { name: 'jobId', type: 'S' },
    globalIndexes: [
      {
        indexName: 'byOwner',
        partitionKey: { name: 'ownerId', type: 'S' },
        sortKey: { name: 'createdAt', type: 'S' },
      },
    ],
    description:
      'Training jobs: request, status, current step, progress, timings, candidates, result or error.',
  },
  batchPredictionJobs: {
    id: 'BatchPredictionJobs',
    envVar: 'BATCH_PREDICTION_JOBS_TABLE',
    partitionKey: { name: 'jobId', type: 'S' },
    globalIndexes: [
      {
        indexName: 'byOwner',
        partitionKey: { name: 'ownerId', type: 'S' },
        sortKey: { name: 'createdAt', type: 'S' },
      },
    ],
    description:
      'Batch prediction jobs: request, the model version fixed at start, status, rows and errors counted per chunk, output keys.',
  },
  featureSets: {
    id: 'FeatureSets',
    envVar: 'FEATURE_SETS_TABLE',
    partitionKey: { name: 'featureSetId', type: 'S' },
    globalIndexes: [],
    description:
      'Fitted feature pipelines and transformed data per dataset version and settings, reused by later jobs.',
  },
  datasets: {
    id: 'Datasets',
    envVar: 'DATASETS_TABLE',
    partitionKey: { name: 'name', type: 'S' },
    globalIndexes: [
      {
        indexName: 'byOwner',
        partitionKey: { name: 'ownerId', type: 'S' },
        sortKey: { name: 'name', type: 'S' },
      },
    ],
    description: 'Datasets: owner, description, the version counter and the latest ready version.',
  },
  datasetVersions: {
    id: 'DatasetVersions',
    envVar: 'DATASET_VERSIONS_TABLE',
    partitionKey: { name: 'datasetName', type: 'S' },
    sortKey: { name: 'version', type: 'N' },
    globalIndexes: [],
    description: 'Immutable dataset versions: status, file key, size, checksum, profile and quality report.',
  },
} as const satisfies Record<string, TableDefinition>;

export const bucketDefinitions = {
  datasets: {
    id: 'Datasets',
    envVar: 'DATASETS_BUCKET',
    description: 'Uploaded datasets and the files derived from them (profiles, feature sets).',
    abortIncompleteUploadsAfterDays: 2,
    abandonedUploadsExpireAfterDays: 2,
    noncurrentVersionsExpireAfterDays: 30,
  },
  models: {
    id: 'Models',
    envVar: 'MODELS_BUCKET',
    description: 'Model artifacts (ONNX files) of every registered version.',
    abortIncompleteUploadsAfterDays: 2,
    abandonedUploadsExpireAfterDays: 2,
    noncurrentVersionsExpireAfterDays: 30,
  },
} as const satisfies Record<string, BucketDefinition>;

export type TableName = keyof typeof tableDefinitions;
export type BucketName = keyof typeof bucketDefinitions;

/** Names used in the local emulators, where no CloudFormation generates them. */
export function localTableName(table: TableDefinition): string {
  return `mlp-local-${table.id.replace(/[A-Z]/g, (c, i: number) => (i === 0 ? c : `-${c}`)).toLowerCase()}`;
}

export function localBucketName(bucket: BucketDefinition): string {
  return `mlp-local-${bucket.id.toLowerCase()}`;
}
