/** Batch prediction requests and views. */
import * as z from 'zod';
import { JOB_STATUSES } from '#core/batch/batch-jobs.ts';
import { OUTPUT_FORMATS } from '#core/batch/output-format.ts';
import { DATASET_FORMATS } from '#core/datasets/dataset-records.ts';
import { isoTimestamp, pageOf, paginationQuerySchema } from './common.ts';
import { modelNameSchema } from './models.ts';

const columnName = z.string().min(1).max(256);
/** Names the output uses for its own columns (CSV) or fields (JSON Lines). */
const RESERVED = /^(prediction|model_version|modelVersion|probabilities|probability_.*)$/;

const features = z
  .array(columnName)
  .min(1)
  .max(10_000)
  .optional()
  .describe(
    "For a model with one vector input ([N, F]): the input's columns in the model's order (default: every column not passed through).",
  );

const inputSchema = z.union([
  z.strictObject({
    dataset: z.strictObject({
      name: z.string().min(1).max(63),
      version: z.int().positive().optional().describe('Default: the newest ready version.'),
    }),
    features,
  }),
  z.strictObject({
    uploadId: z.uuid().describe('From POST /v1/batch-predictions/uploads, once the file is PUT there.'),
    format: z.enum(DATASET_FORMATS),
    features,
  }),
]);

export const createBatchPredictionBodySchema = z
  .strictObject({
    model: modelNameSchema,
    alias: z.string().min(1).max(64).optional().describe('Default: `production`, else the newest version.'),
    version: z.int().positive().optional(),
    input: inputSchema.describe(
      'A dataset version, or a CSV (with a header) or JSON Lines file you uploaded.',
    ),
    output: z
      .strictObject({
        format: z.enum(OUTPUT_FORMATS).default('csv'),
        passthrough: z
          .array(columnName.refine((name) => !RESERVED.test(name), 'this name is used by the output itself'))
          .max(100)
          .default([])
          .describe('Input columns copied to each output row, e.g. an id.'),
        probabilities: z.boolean().default(false).describe('Classifiers: one column per class.'),
      })
      .default({ format: 'csv', passthrough: [], probabilities: false }),
    maxErrorRate: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .describe('Share of rows that may be refused (listed in the errors file) before the job fails.'),
  })
  .refine((body) => body.alias === undefined || body.version === undefined, {
    message: 'Choose a version or an alias, not both.',
    path: ['version'],
  });

/** One presigned PUT: S3 takes at most 5 GiB in a single PUT. */
export const MAX_BATCH_UPLOAD_BYTES = 5 * 1024 ** 3;

export const createBatchUploadBodySchema = z.strictObject({
  format: z.enum(DATASET_FORMATS),
  sizeBytes: z
    .int()
    .positive()
    .max(MAX_BATCH_UPLOAD_BYTES)
    .describe(
      "The file's exact size in bytes (at most 5 GiB): the upload URL accepts a body of this length only.",
    ),
});

export const batchUploadSchema = z
  .object({
    uploadId: z.uuid(),
    format: z.enum(DATASET_FORMATS),
    sizeBytes: z.int().positive(),
    uploadUrl: z
      .url()
      .describe('PUT the file here (exactly `sizeBytes` bytes), then name the upload id in a job request.'),
    method: z.literal('PUT'),
    expiresAt: isoTimestamp,
  })
  .meta({ id: 'BatchPredictionUpload' });

export const batchPredictionSchema = z
  .object({
    jobId: z.string(),
    ownerId: z.string(),
    ownerUsername: z.string(),
    status: z.enum(JOB_STATUSES),
    model: z
      .object({ name: z.string(), version: z.int(), alias: z.string().optional() })
      .describe('The version fixed when the job started.'),
    input: z.object({
      format: z.enum(DATASET_FORMATS),
      dataset: z.object({ name: z.string(), version: z.int() }).optional(),
    }),
    output: z.object({
      format: z.enum(OUTPUT_FORMATS),
      passthrough: z.array(z.string()),
      probabilities: z.boolean(),
    }),
    maxErrorRate: z.number(),
    rows: z.object({
      total: z.int().optional().describe('Known once the input is planned.'),
      done: z.int(),
      errors: z.int(),
    }),
    chunks: z.object({ total: z.int().optional(), done: z.int() }),
    rowsPerSecond: z.number().optional(),
    createdAt: isoTimestamp,
    updatedAt: isoTimestamp,
    startedAt: isoTimestamp.optional(),
    plannedAt: isoTimestamp.optional(),
    finishedAt: isoTimestamp.optional(),
    durationMs: z.int().optional(),
    outputBytes: z.int().optional(),
    error: z.object({ step: z.string().optional(), reason: z.string() }).optional(),
    downloads: z
      .object({
        expiresAt: isoTimestamp,
        output: z.url().optional().describe('SUCCEEDED jobs: the one output file.'),
        errors: z.url().optional().describe('The refused rows: row, line, field, reason.'),
      })
      .optional(),
  })
  .meta({ id: 'BatchPrediction' });

export const batchPredictionPageSchema = pageOf(batchPredictionSchema, 'BatchPredictionPage');

export const listBatchPredictionsQuerySchema = paginationQuerySchema.extend({
  ownerId: z.string().min(1).max(128).optional().describe('Admins only: the jobs of this owner.'),
  status: z.enum(JOB_STATUSES).optional(),
});

export const batchPredictionParamsSchema = z.strictObject({ jobId: z.uuid() });
