/** Alert rules on a model (PATCH /v1/models/{name} `alerts`) and the alerts listing. */
import * as z from 'zod';
import { ALERT_RULES } from '#core/monitoring/alert-rules.ts';
import { MODEL_NAME_PATTERN, MODEL_NAME_RULE } from '#core/registry/model-records.ts';
import { isoTimestamp, pageOf, paginationQuerySchema } from './common.ts';

const windowMinutes = z.int().min(1).max(1440).describe('Minutes the rule looks back.');

export const alertSettingsPatchSchema = z
  .strictObject({
    drift: z
      .strictObject({ enabled: z.boolean() })
      .partial()
      .optional()
      .describe('Fires while a feature of the latest recorded drift report says `drift`.'),
    errorRate: z
      .strictObject({
        enabled: z.boolean(),
        thresholdPercent: z
          .number()
          .gt(0)
          .max(100)
          .describe('Percent of requests answered 5xx (4xx do not count).'),
        windowMinutes,
        minRequests: z.int().min(1).max(1_000_000).describe('Fewer requests in the window never fire.'),
      })
      .partial()
      .optional(),
    latency: z
      .strictObject({ enabled: z.boolean(), p99Ms: z.number().positive().max(900_000), windowMinutes })
      .partial()
      .optional()
      .describe('Fires while the handler p99 over the window is at or above `p99Ms`.'),
    noTraffic: z
      .strictObject({ enabled: z.boolean(), hours: z.int().min(1).max(168) })
      .partial()
      .optional()
      .describe('Fires when no prediction request arrived for `hours` (off by default).'),
  })
  .meta({ id: 'AlertSettingsChange' });

export const alertSettingsSchema = z
  .object({
    drift: z.object({ enabled: z.boolean() }),
    errorRate: z.object({
      enabled: z.boolean(),
      thresholdPercent: z.number(),
      windowMinutes: z.int(),
      minRequests: z.int(),
    }),
    latency: z.object({ enabled: z.boolean(), p99Ms: z.number(), windowMinutes: z.int() }),
    noTraffic: z.object({ enabled: z.boolean(), hours: z.int() }),
  })
  .meta({ id: 'AlertSettings' });

export const alertSchema = z
  .object({
    model: z.string(),
    rule: z.enum(ALERT_RULES),
    state: z.enum(['open', 'resolved']),
    openedAt: isoTimestamp,
    resolvedAt: isoTimestamp.optional(),
    detail: z.string(),
  })
  .meta({ id: 'Alert' });

export const alertPageSchema = pageOf(alertSchema, 'AlertPage');

export const listAlertsQuerySchema = paginationQuerySchema.extend({
  state: z.enum(['open', 'resolved']).optional(),
  model: z
    .string()
    .regex(MODEL_NAME_PATTERN, MODEL_NAME_RULE)
    .optional()
    .describe('Only this model’s alerts.'),
});
