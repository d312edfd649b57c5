/** Ground truth: the feedback batch and the live metrics it feeds. */
import * as z from 'zod';

const instant = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value))
  .describe('ISO-8601 time.');

const actualValue = z.union([z.string().max(256), z.number(), z.boolean()]);

export const MAX_FEEDBACK_ITEMS = 500;
/** Rows of one request an actual may list (the predict body's row limit). */
const MAX_ACTUAL_ROWS = 10_000;

export const feedbackBodySchema = z
  .array(
    z.strictObject({
      requestId: z
        .string()
        .min(1)
        .max(128)
        .regex(/^[A-Za-z0-9=._:-]+$/)
        .describe('The `x-request-id` of the prediction answer.'),
      actual: z
        .union([actualValue, z.array(actualValue).min(1).max(MAX_ACTUAL_ROWS)])
        .describe('What really happened: one value per row of the request (a scalar for a single row).'),
    }),
  )
  .min(1)
  .max(MAX_FEEDBACK_ITEMS)
  .meta({ id: 'FeedbackBatch' });

export const feedbackResultSchema = z
  .object({ model: z.string(), recorded: z.int() })
  .meta({ id: 'FeedbackResult' });

export const liveMetricsQuerySchema = z.strictObject({
  version: z.coerce.number().int().positive().optional().describe('Default: every served version.'),
  from: instant
    .optional()
    .describe('Start of the window (inclusive); default 24 h before `to`. At most 7 days.'),
  to: instant.optional().describe('End of the window (exclusive); default now.'),
});

export const liveMetricsSchema = z
  .object({
    model: z.string(),
    from: z.string(),
    to: z.string(),
    versions: z.array(
      z.object({
        version: z.int(),
        metric: z.enum(['accuracy', 'r2']),
        value: z
          .number()
          .nullable()
          .describe('Null without labelled rows (R²: also when actuals do not vary).'),
        labelledRows: z.int(),
        capturedRequests: z.int(),
        requestsWithFeedback: z.int(),
        trainingValue: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: 'LiveMetrics' });
