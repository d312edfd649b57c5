/** Drift reports: the query window and the per-feature comparison with the training baseline. */
import * as z from 'zod';
import { MODEL_NAME_PATTERN, MODEL_NAME_RULE } from '#core/registry/model-records.ts';
import { pageOf, paginationQuerySchema } from './common.ts';

const instant = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value))
  .describe('ISO-8601 time.');

export const driftQuerySchema = z.strictObject({
  version: z.coerce.number().int().positive().optional().describe('Default: the newest version.'),
  from: instant
    .optional()
    .describe('Start of the window (inclusive); default 24 h before `to`. At most 7 days.'),
  to: instant.optional().describe('End of the window (exclusive); default now.'),
});

const psiThreshold = z.number().gt(0).max(10);

export const driftThresholdsPatchSchema = z
  .strictObject({
    warning: psiThreshold.describe('PSI at or above which a feature says `warning` (default 0.1).'),
    drift: psiThreshold.describe('PSI at or above which a feature says `drift` (default 0.2).'),
  })
  .partial()
  .meta({ id: 'DriftThresholdsChange' });

export const driftThresholdsSchema = z
  .object({ warning: z.number(), drift: z.number() })
  .describe('PSI thresholds.')
  .meta({ id: 'DriftThresholds' });

const verdict = z.enum(['ok', 'warning', 'drift', 'insufficient-data']);

export const driftReportSchema = z
  .object({
    model: z.string(),
    version: z.int(),
    from: z.string(),
    to: z.string(),
    thresholds: driftThresholdsSchema.describe("PSI thresholds: the model's at the time of the report."),
    minSample: z.int().describe('Served values a feature needs for a verdict.'),
    records: z.int().describe('Captured predictions read.'),
    recordsWithoutInputs: z.int(),
    rows: z.int(),
    truncated: z.boolean(),
    verdict,
    driftedFeatures: z.array(z.string()),
    history: z
      .array(
        z.object({
          recordedAt: z.string(),
          from: z.string(),
          to: z.string(),
          verdict,
          driftedFeatures: z.array(z.string()),
          rows: z.int(),
        }),
      )
      .describe(
        "The reports recorded for this version (the hourly schedule's and requested ones), newest first (at most 24).",
      ),
    features: z.array(
      z.object({
        column: z.string(),
        kind: z.enum(['numeric', 'categorical']),
        verdict,
        count: z.int(),
        psi: z.number().nullable(),
        ks: z.number().nullable().optional(),
        ksPValue: z
          .number()
          .nullable()
          .optional()
          .describe('Two-sided p-value of the KS statistic (numbers).'),
        chiSquared: z
          .object({ statistic: z.number(), degreesOfFreedom: z.int(), pValue: z.number() })
          .nullable()
          .optional(),
        missingShare: z.number(),
        baselineMissingShare: z.number(),
        unseenCategories: z.array(z.object({ value: z.string(), count: z.int() })).optional(),
        detail: z.string().optional(),
        distribution: z
          .object({
            edges: z
              .array(z.number())
              .optional()
              .describe(
                "Numeric: the training histogram's bin edges (bins + 1); served values outside them count in the end bins.",
              ),
            categories: z
              .array(z.string())
              .optional()
              .describe('Categorical: the categories training kept, then `(other)` for every other value.'),
            training: z.array(z.number()).describe('Share of the training values in each bin or category.'),
            live: z
              .array(z.number())
              .describe('Share of the served values in each bin or category (0s without any).'),
          })
          .optional()
          .describe(
            'Training and served distributions side by side, for an overlay plot (absent in reports stored before it was added).',
          ),
      }),
    ),
  })
  .meta({ id: 'DriftReport' });

export const driftReportRunParamsSchema = z.strictObject({
  name: z.string().regex(MODEL_NAME_PATTERN, MODEL_NAME_RULE),
  version: z.coerce.number().int().positive(),
  reportId: z
    .string()
    .regex(/^\d{8}T\d{9}Z-[0-9a-f]{8}$/, 'a report id as the API returned it')
    .describe('As returned by the request or the listing.'),
});

export const requestDriftReportBodySchema = z
  .strictObject({
    from: instant
      .optional()
      .describe('Start of the window (inclusive); default 24 h before `to`. At most 7 days.'),
    to: instant.optional().describe('End of the window (exclusive); default now.'),
  })
  .optional()
  .default({})
  .meta({ id: 'DriftReportRequest' });

const runFields = {
  reportId: z.string(),
  model: z.string(),
  version: z.int(),
  trigger: z.enum(['schedule', 'request']).describe('The hourly schedule, or a request.'),
  status: z.enum(['PENDING', 'SUCCEEDED', 'FAILED']),
  requestedBy: z.string().describe('The user who asked, or `scheduler`.'),
  requestedAt: z.string(),
  completedAt: z.string().optional(),
  from: z.string().describe('Start of the window of captured predictions compared.'),
  to: z.string(),
  error: z.string().optional().describe('FAILED: why.'),
};

export const driftReportRunSchema = z
  .object({
    ...runFields,
    report: driftReportSchema.omit({ history: true }).optional().describe('SUCCEEDED: the report.'),
  })
  .meta({ id: 'DriftReportRun' });

export const driftReportSummarySchema = z
  .object({
    ...runFields,
    verdict: verdict.optional().describe('SUCCEEDED: the worst feature verdict.'),
    driftedFeatures: z.array(z.string()).optional(),
    rows: z.int().optional(),
  })
  .meta({ id: 'DriftReportSummary' });

export const driftReportPageSchema = pageOf(driftReportSummarySchema, 'DriftReportPage');

export const listDriftReportsQuerySchema = paginationQuerySchema;
