/**
 * The only module that reads `process.env`. It validates the environment once, at cold start, and
 * stops the process with a message naming every missing or malformed variable.
 *
 * The same bundle talks to AWS or to the local emulators: only the endpoint variables
 * (`AWS_ENDPOINT_URL_<SERVICE>`, read by the AWS SDK itself) differ.
 */
import * as z from 'zod';

const commaList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  )
  .pipe(z.array(z.string().min(1)));

const optionalUrl = z.url().optional();

export const environmentSchema = z.object({
  AWS_REGION: z.string().min(1),
  SERVICE_VERSION: z.string().min(1).default('0.0.0-dev'),
  STAGE: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default('local'),

  API_KEYS_TABLE: z.string().min(1),
  USAGE_TABLE: z.string().min(1),
  IDEMPOTENCY_TABLE: z.string().min(1),
  MODELS_TABLE: z.string().min(1),
  MODEL_VERSIONS_TABLE: z.string().min(1),
  MODEL_UPLOADS_TABLE: z.string().min(1),
  DATASETS_TABLE: z.string().min(1),
  DATASET_VERSIONS_TABLE: z.string().min(1),
  TRAINING_JOBS_TABLE: z.string().min(1),
  FEATURE_SETS_TABLE: z.string().min(1),
  BATCH_PREDICTION_JOBS_TABLE: z.string().min(1),
  DATASETS_BUCKET: z.string().min(3),
  MODELS_BUCKET: z.string().min(3),

  /** Cognito (or the local identity provider, which speaks the same protocol). */
  USER_POOL_ID: z.string().min(1),
  /** App client ids whose tokens the API accepts (`aud` of ID tokens, `client_id` of access tokens). */
  USER_POOL_CLIENT_IDS: commaList.pipe(z.array(z.string()).min(1)),
  /** Defaults to Cognito's issuer for the pool; set to the local identity provider in local mode. */
  TOKEN_ISSUER: optionalUrl,
  /** Defaults to `<issuer>/.well-known/jwks.json`. */
  JWKS_URL: optionalUrl,
  /** Browser sign-in, answered by GET /v1/auth/config: the user pool domain's URL (OAuth endpoints). */
  OAUTH_DOMAIN_URL: optionalUrl,
  /** The CLI's app client (authorization code + PKCE) and the redirect URI it listens on. */
  CLI_CLIENT_ID: z.string().min(1).optional(),
  CLI_REDIRECT_URI: optionalUrl,
  /** The web console's app client, once a console is deployed. */
  CONSOLE_CLIENT_ID: z.string().min(1).optional(),

  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  MAX_REQUEST_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .max(6 * 1024 * 1024)
    .default(1024 * 1024),
  IDEMPOTENCY_TTL_SECONDS: z.coerce.number().int().positive().default(3600),
  /** Largest model file a version may have (bytes). */
  MAX_MODEL_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(200 * 1024 * 1024),
  /** Memory the prediction function may spend on loaded models before evicting the least recently used. */
  MODEL_CACHE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(512 * 1024 * 1024),
  /**
   * Intra-op threads a prediction may use for a large batch; default: the function's vCPUs (from
   * its memory on Lambda, every core locally). See core/inference/inference-threads.ts.
   */
  INFERENCE_THREADS: z.coerce.number().int().min(1).max(64).optional(),
  /** Memory every model's prediction-cache entries may take together in one container (bytes). */
  PREDICTION_CACHE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024),
  /** Set by Lambda: the function's memory, which decides its vCPUs. */
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: z.coerce.number().int().positive().optional(),
  /** How long a prediction container may serve from its cached model/version/alias records (ms). */
  SERVING_CACHE_TTL_MS: z.coerce.number().int().nonnegative().default(5000),
  /** Bytes of model files one owner may keep across all their versions. */
  MODEL_STORAGE_QUOTA_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024 * 1024),
  /** Training jobs one user may have PENDING or RUNNING at once. */
  MAX_ACTIVE_JOBS_PER_USER: z.coerce.number().int().positive().default(5),
  /**
   * Age after which a model file no version refers to is removed by the sweep; above the longest a
   * registration can run (one invocation, 15 minutes at most on Lambda).
   */
  ORPHAN_ARTIFACT_MIN_AGE_SECONDS: z.coerce.number().int().nonnegative().default(3600),
  /** Prediction usage is flushed from a container's memory after this many requests… */
  USAGE_FLUSH_EVERY_REQUESTS: z.coerce.number().int().positive().default(100),
  /** …or this long after the first unflushed one (ms). */
  USAGE_FLUSH_INTERVAL_MS: z.coerce.number().int().positive().default(5000),
  /** Captured predictions are written to S3 after this many sampled requests… */
  CAPTURE_FLUSH_EVERY_RECORDS: z.coerce.number().int().positive().default(500),
  /** …or this long after the first unwritten one (ms). */
  CAPTURE_FLUSH_INTERVAL_MS: z.coerce.number().int().positive().default(10_000),

  /**
   * Signs pagination cursors (HMAC-SHA256): generated per deployment (a Secrets Manager secret on
   * AWS, a file in the data directory locally). Only functions that page listings need it.
   */
  CURSOR_SIGNING_KEY: z.string().min(32).optional(),

  /**
   * The alert function on AWS: the alerts topic it publishes to, and the name prefix of the per-model
   * CloudWatch alarms it keeps. Unset locally: alerts are printed and every rule is evaluated by the
   * schedule.
   */
  ALERTS_TOPIC_ARN: z.string().startsWith('arn:').optional(),
  MODEL_ALARM_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9-]+-$/, 'letters, digits and dashes, ending with a dash')
    .optional(),

  /** The training workflow (every function gets it; those that start or stop jobs need it). */
  TRAINING_STATE_MACHINE_ARN: z.string().startsWith('arn:').optional(),
  BATCH_PREDICTIONS_STATE_MACHINE_ARN: z.string().startsWith('arn:').optional(),
  DRIFT_REPORTS_STATE_MACHINE_ARN: z.string().startsWith('arn:').optional(),

  /** Endpoint overrides the SDK reads itself; validated here so a typo fails at start, not at first call. */
  AWS_ENDPOINT_URL_DYNAMODB: optionalUrl,
  AWS_ENDPOINT_URL_S3: optionalUrl,
  AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: optionalUrl,
  AWS_ENDPOINT_URL_SFN: optionalUrl,
});

export type Environment = z.infer<typeof environmentSchema>;

export interface PlatformConfig {
  readonly region: string;
  readonly serviceVersion: string;
  /** The Lambda function's memory (MB); undefined outside Lambda. */
  readonly functionMemoryMb?: number;
  readonly stage: string;
  readonly tables: {
    readonly apiKeys: string;
    readonly usage: string;
    readonly idempotency: string;
    readonly models: string;
    readonly modelVersions: string;
    readonly modelUploads: string;
    readonly datasets: string;
    readonly datasetVersions: string;
    readonly trainingJobs: string;
    readonly featureSets: string;
    readonly batchPredictionJobs: string;
  };
  readonly buckets: { readonly datasets: string; readonly models: string };
  readonly auth: {
    readonly userPoolId: string;
    readonly clientIds: readonly string[];
    readonly issuer: string;
    readonly jwksUrl: string;
    /** Browser sign-in (core/auth/sign-in.ts); each part absent until deployed. */
    readonly signIn: {
      readonly domainUrl?: string;
      readonly cliClientId?: string;
      readonly cliRedirectUri?: string;
      readonly consoleClientId?: string;
    };
  };
  readonly limits: {
    readonly ratePerMinute: number;
    readonly maxRequestBodyBytes: number;
    readonly idempotencyTtlSeconds: number;
    readonly maxModelBytes: number;
    readonly modelCacheBytes: number;
    readonly servingCacheTtlMs: number;
    /** Unset: sized to the function's vCPUs. */
    readonly inferenceThreads?: number;
    readonly predictionCacheBytes: number;
    readonly modelStorageQuotaBytes: number;
    readonly maxActiveJobsPerUser: number;
    readonly orphanArtifactMinAgeSeconds: number;
    readonly usageFlushEveryRequests: number;
    readonly usageFlushIntervalMs: number;
    readonly captureFlushEveryRecords: number;
    readonly captureFlushIntervalMs: number;
  };
  readonly workflows: {
    readonly trainingStateMachineArn?: string;
    readonly batchPredictionsStateMachineArn?: string;
    readonly driftReportsStateMachineArn?: string;
  };
  readonly pagination: { readonly cursorSigningKey?: string };
  readonly alerting: { readonly topicArn?: string; readonly modelAlarmPrefix?: string };
  readonly endpoints: {
    readonly dynamodb?: string;
    readonly s3?: string;
    readonly cognito?: string;
    readonly sfn?: string;
  };
}

export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/** Pure: parses an environment record into the typed config, or throws naming each bad variable. */
export function parseConfig(env: Record<string, string | undefined>): PlatformConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const variable = issue.path.join('.') || '(environment)';
      return env[variable] === undefined ? `${variable} is missing` : `${variable}: ${issue.message}`;
    });
    throw new ConfigurationError(`Invalid environment: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const issuer = e.TOKEN_ISSUER ?? `https://cognito-idp.${e.AWS_REGION}.amazonaws.com/${e.USER_POOL_ID}`;
  return {
    region: e.AWS_REGION,
    serviceVersion: e.SERVICE_VERSION,
    ...(e.AWS_LAMBDA_FUNCTION_MEMORY_SIZE === undefined
      ? {}
      : { functionMemoryMb: e.AWS_LAMBDA_FUNCTION_MEMORY_SIZE }),
    stage: e.STAGE,
    tables: {
      apiKeys: e.API_KEYS_TABLE,
      usage: e.USAGE_TABLE,
      idempotency: e.IDEMPOTENCY_TABLE,
      models: e.MODELS_TABLE,
      modelVersions: e.MODEL_VERSIONS_TABLE,
      modelUploads: e.MODEL_UPLOADS_TABLE,
      datasets: e.DATASETS_TABLE,
      datasetVersions: e.DATASET_VERSIONS_TABLE,
      trainingJobs: e.TRAINING_JOBS_TABLE,
      featureSets: e.FEATURE_SETS_TABLE,
      batchPredictionJobs: e.BATCH_PREDICTION_JOBS_TABLE,
    },
    buckets: { datasets: e.DATASETS_BUCKET, models: e.MODELS_BUCKET },
    auth: {
      userPoolId: e.USER_POOL_ID,
      clientIds: e.USER_POOL_CLIENT_IDS,
      issuer,
      jwksUrl: e.JWKS_URL ?? `${issuer}/.well-known/jwks.json`,
      signIn: {
        ...(e.OAUTH_DOMAIN_URL === undefined ? {} : { domainUrl: e.OAUTH_DOMAIN_URL }),
        ...(e.CLI_CLIENT_ID === undefined ? {} : { cliClientId: e.CLI_CLIENT_ID }),
        ...(e.CLI_REDIRECT_URI === undefined ? {} : { cliRedirectUri: e.CLI_REDIRECT_URI }),
        ...(e.CONSOLE_CLIENT_ID === undefined ? {} : { consoleClientId: e.CONSOLE_CLIENT_ID }),
      },
    },
    limits: {
      ratePerMinute: e.RATE_LIMIT_PER_MINUTE,
      maxRequestBodyBytes: e.MAX_REQUEST_BODY_BYTES,
      idempotencyTtlSeconds: e.IDEMPOTENCY_TTL_SECONDS,
      maxModelBytes: e.MAX_MODEL_BYTES,
      modelCacheBytes: e.MODEL_CACHE_BYTES,
      servingCacheTtlMs: e.SERVING_CACHE_TTL_MS,
      ...(e.INFERENCE_THREADS === undefined ? {} : { inferenceThreads: e.INFERENCE_THREADS }),
      predictionCacheBytes: e.PREDICTION_CACHE_BYTES,
      modelStorageQuotaBytes: e.MODEL_STORAGE_QUOTA_BYTES,
      maxActiveJobsPerUser: e.MAX_ACTIVE_JOBS_PER_USER,
      orphanArtifactMinAgeSeconds: e.ORPHAN_ARTIFACT_MIN_AGE_SECONDS,
      usageFlushEveryRequests: e.USAGE_FLUSH_EVERY_REQUESTS,
      usageFlushIntervalMs: e.USAGE_FLUSH_INTERVAL_MS,
      captureFlushEveryRecords: e.CAPTURE_FLUSH_EVERY_RECORDS,
      captureFlushIntervalMs: e.CAPTURE_FLUSH_INTERVAL_MS,
    },
    workflows: {
      trainingStateMachineArn: e.TRAINING_STATE_MACHINE_ARN,
      batchPredictionsStateMachineArn: e.BATCH_PREDICTIONS_STATE_MACHINE_ARN,
      driftReportsStateMachineArn: e.DRIFT_REPORTS_STATE_MACHINE_ARN,
    },
    pagination: { cursorSigningKey: e.CURSOR_SIGNING_KEY },
    alerting: { topicArn: e.ALERTS_TOPIC_ARN, modelAlarmPrefix: e.MODEL_ALARM_PREFIX },
    endpoints: {
      sfn: e.AWS_ENDPOINT_URL_SFN,
      dynamodb: e.AWS_ENDPOINT_URL_DYNAMODB,
      s3: e.AWS_ENDPOINT_URL_S3,
      cognito: e.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER,
    },
  };
}

let cached: PlatformConfig | undefined;

/**
 * The process-wide config, parsed on first use (at cold start, since adapters call it at import).
 * A bad environment is a deployment error: we log one line and let the runtime fail the init.
 */
export function config(): PlatformConfig {
  cached ??= parseConfig(process.env);
  return cached;
}
