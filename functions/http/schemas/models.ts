import * as z from 'zod';
import { boundedRecord, FIELD_LIMITS, jsonObject } from '#core/field-limits.ts';
import { PREDICTION_CACHE_DEFAULTS, PREDICTION_CACHE_LIMITS } from '#core/inference/prediction-cache.ts';
import {
  ALIAS_NAME_PATTERN,
  MODEL_NAME_PATTERN,
  MODEL_NAME_RULE,
  MODEL_TASKS,
  VERSION_STATUSES,
} from '#core/registry/model-records.ts';
import { MODEL_FILE_FORMATS } from '#core/registry/uploaded-model.ts';
import { SUPPORTED_OBJECTIVES } from '#core/training/xgboost/convert.ts';
import { alertSettingsPatchSchema, alertSettingsSchema } from './alerts.ts';
import { isoTimestamp, pageOf, paginationQuerySchema } from './common.ts';
import { driftThresholdsPatchSchema, driftThresholdsSchema } from './drift.ts';

export const modelNameSchema = z.string().regex(MODEL_NAME_PATTERN, MODEL_NAME_RULE);

const tagSchema = z.string().regex(/^[a-z0-9][a-z0-9._:-]{0,49}$/, 'lowercase tag of up to 50 characters');

export const createModelBodySchema = z
  .strictObject({
    name: modelNameSchema.describe('Unique, URL-safe; it appears in prediction URLs.'),
    description: z.string().max(2000).default(''),
    task: z.enum(MODEL_TASKS).default('other'),
    tags: z.array(tagSchema).max(20).default([]),
    teamVisible: z
      .boolean()
      .default(false)
      .describe('Let every user read the model and call it for predictions.'),
  })
  .meta({ id: 'CreateModelRequest' });

const captureSettingsSchema = z
  .strictObject({
    sampleRate: z.number().min(0).max(1).default(0.1).describe('Share of predictions captured, 0 to 1.'),
    includeInputs: z.boolean().default(true).describe('False keeps only the outputs.'),
  })
  .meta({ id: 'CaptureSettings' });

const predictionCacheSettingsSchema = z
  .strictObject({
    enabled: z.boolean().describe('Answer rows this version has answered before from memory.'),
    maxBytes: z
      .int()
      .min(PREDICTION_CACHE_LIMITS.minBytes)
      .max(PREDICTION_CACHE_LIMITS.maxBytes)
      .default(PREDICTION_CACHE_DEFAULTS.maxBytes)
      .describe('Memory its entries may take per container (estimated); least recently used first out.'),
    ttlSeconds: z
      .int()
      .min(1)
      .max(PREDICTION_CACHE_LIMITS.maxTtlSeconds)
      .default(PREDICTION_CACHE_DEFAULTS.ttlSeconds)
      .describe('How long an answer may be given again.'),
  })
  .meta({ id: 'PredictionCacheSettings' });

export const updateModelBodySchema = z
  .strictObject({
    description: z.string().max(2000).optional(),
    tags: z.array(tagSchema).max(20).optional(),
    teamVisible: z.boolean().optional(),
    capture: captureSettingsSchema
      .nullable()
      .optional()
      .describe(
        'Prediction capture to S3 (`captures/{model}/{version}/{yyyy}/{mm}/{dd}/{hh}/`); null turns it off.',
      ),
    alerts: alertSettingsPatchSchema
      .optional()
      .describe('Alert rules; the fields given change, the rest keep their current (or default) values.'),
    driftThresholds: driftThresholdsPatchSchema
      .optional()
      .describe(
        'PSI thresholds of drift reports and the drift alert; the fields given change, the rest keep their current (or default) values.',
      ),
    predictionCache: predictionCacheSettingsSchema
      .nullable()
      .optional()
      .describe(
        'The per-container prediction cache of /v1 predict, per version (see the README: it pays for expensive models and repeated rows); null turns it off.',
      ),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'Give at least one field to change.' })
  .meta({ id: 'UpdateModelRequest', minProperties: 1 });

const aliasRouteSchema = z.object({
  version: z.int().positive(),
  weight: z.int().min(1).max(100).describe('Percent of the traffic.'),
});

export const modelSchema = z
  .object({
    name: z.string(),
    ownerId: z.string(),
    ownerUsername: z.string(),
    description: z.string(),
    task: z.enum(MODEL_TASKS),
    tags: z.array(z.string()),
    teamVisible: z.boolean(),
    createdAt: isoTimestamp,
    updatedAt: isoTimestamp,
    latestVersion: z.int().nonnegative().describe('The highest version number handed out so far.'),
    aliases: z.record(
      z.string(),
      z.object({ routes: z.array(aliasRouteSchema), updatedAt: isoTimestamp, updatedBy: z.string() }),
    ),
    capture: captureSettingsSchema.optional().describe('Absent: predictions are not captured.'),
    alerts: alertSettingsSchema.optional().describe('Absent: the default alert rules apply.'),
    driftThresholds: driftThresholdsSchema
      .optional()
      .describe('Absent: the defaults apply (PSI 0.1 warning, 0.2 drift).'),
    predictionCache: predictionCacheSettingsSchema.optional().describe('Absent: predictions are not cached.'),
  })
  .meta({ id: 'Model' });

export const modelPageSchema = pageOf(modelSchema, 'ModelPage');

export const listModelsQuerySchema = paginationQuerySchema.extend({
  ownerId: z.string().min(1).max(128).optional().describe('Admins only: the models of this owner.'),
  tag: tagSchema.optional().describe('Only models carrying this tag.'),
  visibility: z.enum(['team']).optional().describe('`team`: the team-visible models of every owner.'),
});

export const modelParamsSchema = z.strictObject({ name: modelNameSchema });

const tensorSchema = z.object({
  name: z.string(),
  type: z.string().describe('Element type (`float32`, `int64`, `string`…) or a non-tensor type.'),
  shape: z
    .array(z.union([z.int(), z.string(), z.null()]))
    .nullable()
    .describe('Fixed sizes as numbers, symbolic dimensions by name (null when unnamed).'),
});

export const signatureSchema = z
  .object({
    inputs: z.array(tensorSchema),
    outputs: z.array(tensorSchema),
    kind: z.enum(['classifier', 'regressor', 'other']),
    classLabels: z.array(z.union([z.number(), z.string()])).optional(),
    ignoredInputs: z
      .array(z.string())
      .optional()
      .describe(
        'Columns a row may carry that the model does not read (dropped when it was trained): accepted and ignored.',
      ),
  })
  .meta({ id: 'ModelSignature', description: 'Read from the ONNX graph when the version was registered.' });

const auditEntrySchema = z.object({
  at: isoTimestamp,
  by: z.string(),
  from: z.enum(VERSION_STATUSES).nullable(),
  to: z.enum(VERSION_STATUSES),
  comment: z.string().optional(),
});

export const lineageSchema = z.object({
  datasetName: z.string().optional(),
  datasetVersion: z.int().optional(),
  trainingJobId: z.string().optional(),
  featureSetId: z.string().optional(),
  algorithm: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  codeVersion: z.string().optional(),
});

const sourceFileShape = z.object({
  format: z.literal('xgboost'),
  encoding: z.enum(['json', 'ubjson', 'binary']).describe("Which of XGBoost's formats the file is in."),
  objective: z.string(),
  rounds: z.int().nonnegative().describe('Boosting rounds served (up to a saved best iteration).'),
  featureNames: z.array(z.string()).describe("The served inputs, in the model's column order."),
  sizeBytes: z.int().positive(),
  sha256: z.string(),
});

export const sourceFileDownloadSchema = sourceFileShape
  .extend({
    url: z.url().describe('GET the file here before `expiresAt`.'),
    method: z.literal('GET'),
    expiresAt: isoTimestamp,
  })
  .meta({ id: 'ModelSourceFile' });

export const artifactDownloadSchema = z
  .object({
    format: z.literal('onnx'),
    sizeBytes: z.int().positive(),
    sha256: z.string().describe("The artifact's SHA-256, hex: check the downloaded bytes against it."),
    url: z.url().describe('GET the artifact here before `expiresAt`.'),
    method: z.literal('GET'),
    expiresAt: isoTimestamp,
  })
  .meta({ id: 'ModelArtifactDownload' });

export const versionSchema = z
  .object({
    modelName: z.string(),
    version: z.int().positive(),
    status: z.enum(VERSION_STATUSES),
    sizeBytes: z.int().positive(),
    sha256: z.string(),
    framework: z.string().describe('Guessed from the ONNX producer: scikit-learn, pytorch, xgboost…'),
    producer: z.string().optional(),
    opsets: z.record(z.string(), z.int()).optional(),
    signature: signatureSchema,
    createdBy: z.string(),
    createdAt: isoTimestamp,
    metrics: z.record(z.string(), z.unknown()),
    metadata: z.record(z.string(), z.unknown()),
    lineage: lineageSchema.optional(),
    sourceFile: sourceFileShape
      .optional()
      .describe(
        'The uploaded XGBoost file this version was converted from, kept as uploaded; `sizeBytes` and ' +
          '`sha256` of the version are those of the served ONNX artifact.',
      ),
    auditTrail: z.array(auditEntrySchema).describe('Every status change: who, when, from → to, comment.'),
  })
  .meta({ id: 'ModelVersion' });

export const versionPageSchema = pageOf(versionSchema, 'ModelVersionPage');

const { metrics: metricLimits } = FIELD_LIMITS;
const versionExtrasShape = {
  metrics: boundedRecord(
    z.string().min(1).max(metricLimits.maxKeyLength),
    z.union([z.number(), z.string().max(metricLimits.maxStringLength), z.boolean()]),
    metricLimits.maxEntries,
  )
    .optional()
    .describe(
      `At most ${metricLimits.maxEntries} metrics; names up to ${metricLimits.maxKeyLength} characters, string values up to ${metricLimits.maxStringLength}.`,
    ),
  metadata: jsonObject(FIELD_LIMITS.metadata).optional(),
};

const formatSchema = z
  .enum(MODEL_FILE_FORMATS)
  .describe(
    'What the file is: `onnx` (the default) or `xgboost`, an XGBoost model file in any format ' +
      "XGBoost's save_model writes (JSON, UBJSON or the deprecated binary format, told apart from the bytes). " +
      'An XGBoost file is converted to ONNX (trees compared and summed in float32, as XGBoost predicts), ' +
      'which becomes the served artifact; the original is kept with its sha256 (`sourceFile`). ' +
      'Supported objectives: ' +
      `${Object.keys(SUPPORTED_OBJECTIVES).join(', ')}; others are refused with 422.`,
  );

const FEATURE_NAMES_DESCRIPTION =
  "XGBoost only: the model's feature names, in its column order, one per feature (num_feature; " +
  'another count is a 400). They name the served inputs. Default: the names the file was trained ' +
  'with (XGBoost JSON and UBJSON keep `feature_names`; the binary format does not), else ' +
  "XGBoost's own f0, f1, ….";

const featureNameSchema = z.string().min(1).max(256);

const modelFileShape = {
  format: formatSchema.optional(),
  featureNames: z.array(featureNameSchema).min(1).max(10_000).optional().describe(FEATURE_NAMES_DESCRIPTION),
};

export const registerVersionBodySchema = z
  .strictObject({
    modelBase64: z
      .base64()
      .describe('The model file, base64-encoded (or send the raw file as application/octet-stream).'),
    ...modelFileShape,
    ...versionExtrasShape,
  })
  .meta({ id: 'RegisterVersionRequest' });

/** A raw (application/octet-stream) upload describes its file in the query string. */
export const registerVersionQuerySchema = z.strictObject({
  format: formatSchema.optional(),
  featureNames: z
    .string()
    .min(1)
    .max(100_000)
    .transform((names) => names.split(','))
    .pipe(z.array(featureNameSchema).max(10_000))
    .optional()
    .describe(`${FEATURE_NAMES_DESCRIPTION} Comma-separated; with a JSON body, give them in the body.`),
});

export const commitUploadBodySchema = z
  .strictObject({ ...modelFileShape, ...versionExtrasShape })
  .optional()
  .default({})
  .meta({ id: 'CommitUploadRequest' });

export const startUploadBodySchema = z
  .strictObject({
    sizeBytes: z
      .int()
      .positive()
      .describe("The file's exact size in bytes: the upload URL accepts a body of this length only."),
  })
  .meta({ id: 'StartModelUploadRequest' });

export const uploadSchema = z
  .object({
    uploadId: z.string(),
    uploadUrl: z
      .url()
      .describe('PUT the file here (exactly `sizeBytes` bytes, no other headers needed), then commit.'),
    method: z.literal('PUT'),
    expiresAt: isoTimestamp,
    maxBytes: z.int().positive(),
    sizeBytes: z.int().positive(),
  })
  .meta({ id: 'ModelUpload' });

export const versionParamsSchema = z.strictObject({
  name: modelNameSchema,
  version: z.coerce.number().int().positive(),
});

export const uploadParamsSchema = z.strictObject({ name: modelNameSchema, uploadId: z.uuid() });

export const reviewBodySchema = z
  .strictObject({ comment: z.string().trim().min(1).max(1000).optional() })
  .optional()
  .default({})
  .meta({ id: 'ReviewRequest' });

export const rejectBodySchema = z
  .strictObject({ comment: z.string().trim().min(1).max(1000).describe('Why, for the audit trail.') })
  .meta({ id: 'RejectRequest' });

export const aliasParamsSchema = z.strictObject({
  name: modelNameSchema,
  alias: z
    .string()
    .regex(ALIAS_NAME_PATTERN, 'lowercase letter first, then letters, digits or "-", up to 32'),
});

export const setAliasBodySchema = z
  .union([
    z.strictObject({ version: z.int().positive() }),
    z.strictObject({ split: z.array(aliasRouteSchema).min(2).max(10).describe('Weights sum to 100.') }),
  ])
  .meta({ id: 'SetAliasRequest' });
