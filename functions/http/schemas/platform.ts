import { z } from 'zod';
import { ROLES } from '#core/auth/principal.ts';

export const dependencyStatusSchema = z.object({
  name: z.string(),
  status: z.enum(['ok', 'unavailable']),
  latencyMs: z.number().nonnegative(),
  detail: z.string().optional(),
});

export const healthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    stage: z.string(),
    time: z.string(),
    dependencies: z.array(dependencyStatusSchema),
  })
  .meta({ id: 'Health' });

export const callerSchema = z
  .object({
    userId: z.string(),
    username: z.string(),
    role: z.enum(ROLES),
    via: z.enum(['token', 'apiKey']),
    keyId: z.string().optional(),
    scope: z.enum(['predict', 'full']),
  })
  .meta({ id: 'Caller', description: 'The identity the API sees for this request.' });
