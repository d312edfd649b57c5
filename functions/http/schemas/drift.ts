/** Drift reports: the query window and the per-feature comparison with the training baseline. */
import { z } from 'zod';

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

const verdict = z.enum(['ok', 'warning', 'drift', 'insufficient-data']);

export const driftReportSchema = z
  .object({
    model: z.string(),
    version: z.int(),
    from: z.string(),
    to: z.string(),
    thresholds: z.object({ warning: z.number(), drift: z.number() }).describe('PSI thresholds.'),
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
      .describe('What the hourly schedule recorded for this version, newest first (at most 24).'),
    features: z.array(
      z.object({
        column: z.string(),
        kind: z.enum(['numeric', 'categorical']),
        verdict,
        count: z.int(),
        psi: z.number().nullable(),
        ks: z.number().nullable().optional(),
        chiSquared: z
          .object({ statistic: z.number(), degreesOfFreedom: z.int(), pValue: z.number() })
          .nullable()
          .optional(),
        missingShare: z.number(),
        baselineMissingShare: z.number(),
        unseenCategories: z.array(z.object({ value: z.string(), count: z.int() })).optional(),
        detail: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'DriftReport' });
