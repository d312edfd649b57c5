/** Usage reports: query windows and the time series they answer with. */
import * as z from 'zod';
import { GRANULARITIES, USAGE_DIMENSIONS } from '#core/monitoring/usage-report.ts';

const instant = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value))
  .describe('ISO-8601 time.');

const windowQuery = {
  from: instant
    .optional()
    .describe(
      'Start of the window (inclusive); default 1 h (minute series), 24 h (hour) or 30 days (day) before `to`.',
    ),
  to: instant.optional().describe('End of the window (exclusive); default now.'),
};

export const modelUsageQuerySchema = z.strictObject({
  ...windowQuery,
  granularity: z
    .enum(GRANULARITIES)
    .default('hour')
    .describe(
      'Period of each point: a minute series spans at most 1 day, an hour one 31 days, a day one 93.',
    ),
  by: z
    .enum(USAGE_DIMENSIONS)
    .optional()
    .describe('One series per version (the arms of a split), alias or caller.'),
});

export const platformUsageQuerySchema = z.strictObject({
  ...windowQuery,
  limit: z.coerce.number().int().min(1).max(100).default(10).describe('How many top models and callers.'),
});

const percentiles = z
  .object({ p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable() })
  .describe('Upper bounds of log-spaced buckets (at most 19 % above the true value); null without samples.');

const statsShape = {
  requests: z.int(),
  rows: z.int(),
  succeeded: z.int(),
  clientErrors: z.int(),
  serverErrors: z.int(),
  errorRate: z.number().describe('(4xx + 5xx) / requests.'),
  cacheHits: z.int().describe('Rows answered from the prediction cache (models that turned it on).'),
  cacheMisses: z.int().describe('Rows of cached models that the model ran.'),
  latencyMs: percentiles,
  modelRunMs: percentiles,
};
const statsSchema = z.object(statsShape).meta({ id: 'UsageStats' });

export const modelUsageSchema = z
  .object({
    model: z.string(),
    from: z.string(),
    to: z.string(),
    granularity: z.enum(GRANULARITIES),
    by: z.enum(USAGE_DIMENSIONS).optional(),
    totals: statsSchema,
    series: z.array(
      z.object({
        version: z.int().optional(),
        alias: z.string().nullable().optional(),
        caller: z.string().optional().describe('`user:<id>` or `key:<api key id>`.'),
        callerName: z.string().optional(),
        totals: statsSchema,
        points: z
          .array(z.object({ start: z.string(), ...statsShape }))
          .describe('Periods with traffic only.'),
      }),
    ),
  })
  .meta({ id: 'ModelUsage' });

export const platformUsageSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    totals: statsSchema,
    topModels: z.array(z.object({ model: z.string(), ...statsShape })),
    topCallers: z.array(z.object({ caller: z.string(), callerName: z.string(), ...statsShape })),
  })
  .meta({ id: 'PlatformUsage' });
