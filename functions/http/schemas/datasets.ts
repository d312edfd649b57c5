import * as z from 'zod';
import {
  COLUMN_TYPES,
  DATASET_FORMATS,
  DATASET_NAME_PATTERN,
  DATASET_VERSION_STATUSES,
} from '#core/datasets/dataset-records.ts';
import { QUALITY_RULES, type QualityCode, ROW_NUMBERING } from '#core/datasets/quality-rules.ts';
import { isoTimestamp, pageOf, paginationQuerySchema } from './common.ts';

export const datasetNameSchema = z
  .string()
  .regex(
    DATASET_NAME_PATTERN,
    'lowercase letters, digits and "-", 1 to 63 characters, not starting or ending with "-"',
  );

export const createDatasetBodySchema = z
  .strictObject({
    name: datasetNameSchema.describe(
      'URL-safe. A new name creates the dataset (yours); a name you own gets a new version.',
    ),
    format: z
      .enum(DATASET_FORMATS)
      .default('csv')
      .describe('`csv`: comma-separated with a header row (RFC 4180). `jsonl`: one JSON object per line.'),
    sizeBytes: z
      .int()
      .positive()
      .describe("The file's exact size in bytes: the upload URL accepts a body of this length only."),
    description: z
      .string()
      .max(2000)
      .optional()
      .describe("This version's description; the first one also describes the dataset."),
  })
  .meta({ id: 'CreateDatasetVersionRequest' });

/** The commit takes no options; an empty object (or no body) is accepted, as clients often send one. */
export const commitDatasetBodySchema = z
  .strictObject({})
  .optional()
  .default({})
  .meta({ id: 'CommitDatasetVersionRequest' });

export const datasetUploadSchema = z
  .object({
    name: z.string(),
    version: z.int().positive(),
    status: z.literal('uploading'),
    format: z.enum(DATASET_FORMATS),
    uploadUrl: z
      .url()
      .describe('PUT the file here (exactly `sizeBytes` bytes, no other headers needed), then commit.'),
    method: z.literal('PUT'),
    expiresAt: isoTimestamp.describe('When the upload URL stops working.'),
    commitPath: z.string().describe('POST here once the file is uploaded.'),
  })
  .meta({ id: 'DatasetUpload' });

const topValueSchema = z.object({ value: z.string(), count: z.int().nonnegative() });

export const columnProfileSchema = z
  .object({
    name: z.string(),
    position: z.int().positive().describe('1-based column position.'),
    type: z.enum(COLUMN_TYPES),
    typeReason: z.string().describe('The inference rule that decided the type, in words.'),
    missing: z.int().nonnegative(),
    missingShare: z.number().min(0).max(1),
    distinct: z.int().nonnegative(),
    distinctApproximate: z
      .boolean()
      .describe('True beyond 10,000 distinct values: `distinct` is then a HyperLogLog estimate (±1%).'),
    numeric: z
      .object({
        count: z.int().nonnegative(),
        min: z.number(),
        max: z.number(),
        mean: z.number(),
        std: z.number().describe('Sample standard deviation (n − 1).'),
      })
      .optional(),
    histogram: z
      .object({
        binWidth: z.number().nonnegative().describe('0 when the column holds a single value.'),
        bins: z.array(
          z.object({
            start: z.number().describe('Inclusive.'),
            end: z.number().describe('Exclusive (equal to start for a single-value column).'),
            count: z.int().nonnegative(),
          }),
        ),
      })
      .optional()
      .describe(
        'Numeric and integer columns: exact counts over 16 to 32 equal-width bins of the range (fewer for few distinct values).',
      ),
    datetime: z.object({ min: z.string(), max: z.string() }).optional(),
    topValues: z
      .object({
        values: z.array(topValueSchema),
        approximate: z.boolean().describe('Space-saving counts: may overstate when true.'),
      })
      .optional(),
  })
  .meta({ id: 'DatasetColumnProfile' });

export const datasetProfileSchema = z
  .object({
    rowCount: z.int().nonnegative(),
    columnCount: z.int().nonnegative(),
    columns: z.array(columnProfileSchema),
  })
  .meta({ id: 'DatasetProfile' });

const qualityCodes = Object.keys(QUALITY_RULES) as [QualityCode, ...QualityCode[]];

export const qualityIssueSchema = z
  .object({
    code: z.enum(qualityCodes),
    severity: z.enum(['blocking', 'warning']),
    message: z.string(),
    column: z.string().optional(),
    columnPosition: z.int().positive().optional(),
    count: z.int().nonnegative(),
    rows: z.array(z.int().positive()).optional().describe('First rows where it occurred (at most 5).'),
    lines: z.array(z.int().positive()).optional().describe('First lines where it occurred (at most 5).'),
    examples: z.array(z.string()).optional(),
    byteOffset: z.int().nonnegative().optional(),
    share: z.number().min(0).max(1).optional(),
  })
  .meta({ id: 'DatasetQualityIssue', description: `Row numbering: ${ROW_NUMBERING}.` });

export const qualityReportSchema = z
  .object({ blocking: z.array(qualityIssueSchema), warnings: z.array(qualityIssueSchema) })
  .meta({ id: 'DatasetQualityReport' });

export const datasetVersionSchema = z
  .object({
    datasetName: z.string(),
    version: z.int().positive(),
    status: z
      .enum(DATASET_VERSION_STATUSES)
      .describe('`uploading` until committed; `ready` is usable; `failed` keeps only its quality report.'),
    format: z.enum(DATASET_FORMATS),
    description: z.string(),
    createdBy: z.string(),
    createdAt: isoTimestamp,
    uploadExpiresAt: isoTimestamp,
    committedAt: isoTimestamp.optional(),
    committedBy: z.string().optional(),
    sizeBytes: z.int().nonnegative().optional(),
    sha256: z.string().optional(),
    rowCount: z.int().nonnegative().optional(),
    columnCount: z.int().nonnegative().optional(),
    profile: datasetProfileSchema.optional(),
    quality: qualityReportSchema.optional(),
    failureReason: z.string().optional(),
  })
  .meta({ id: 'DatasetVersion' });

export const datasetVersionPageSchema = pageOf(datasetVersionSchema, 'DatasetVersionPage');

export const datasetSchema = z
  .object({
    name: z.string(),
    ownerId: z.string(),
    ownerUsername: z.string(),
    description: z.string(),
    createdAt: isoTimestamp,
    updatedAt: isoTimestamp,
    latestVersion: z.int().nonnegative().describe('The highest version number handed out so far.'),
    latestReadyVersion: z.int().positive().optional().describe('The highest version that is ready.'),
  })
  .meta({ id: 'Dataset' });

export const datasetWithLatestSchema = datasetSchema
  .extend({
    latest: datasetVersionSchema.nullable().describe('The latest ready version; null until one is ready.'),
  })
  .meta({ id: 'DatasetWithLatestVersion' });

export const datasetPageSchema = pageOf(datasetSchema, 'DatasetPage');

export const listDatasetsQuerySchema = paginationQuerySchema.extend({
  ownerId: z.string().min(1).max(128).optional().describe('Admins only: the datasets of this owner.'),
});

export const datasetParamsSchema = z.strictObject({ name: datasetNameSchema });

export const datasetVersionParamsSchema = z.strictObject({
  name: datasetNameSchema,
  version: z.coerce.number().int().positive(),
});
