import * as z from 'zod';
import { API_KEY_SCOPES, ROLES } from '#core/auth/principal.ts';
import { isoTimestamp, pageOf, paginationQuerySchema, usernameSchema } from './common.ts';

export const createApiKeyBodySchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100).describe('What the key is for, e.g. "nightly batch job".'),
    scope: z
      .enum(API_KEY_SCOPES)
      .default('full')
      .describe('`predict`: prediction routes only. `full`: everything its owner may do.'),
    owner: usernameSchema
      .optional()
      .describe('Admins only: create the key for this user. Default: yourself.'),
    expiresAt: isoTimestamp.optional().describe('After this time the key stops working.'),
    rateLimitPerMinute: z
      .int()
      .min(1)
      .max(100_000)
      .optional()
      .describe('Admins only: a request budget per minute for this key instead of the platform default.'),
  })
  .meta({ id: 'CreateApiKeyRequest' });

export const apiKeySchema = z
  .object({
    keyId: z.string(),
    name: z.string(),
    ownerId: z.string(),
    ownerUsername: z.string(),
    role: z.enum(ROLES).describe("The owner's role when the key was made; the key never exceeds it."),
    scope: z.enum(API_KEY_SCOPES),
    status: z.enum(['active', 'revoked']),
    createdAt: isoTimestamp,
    createdBy: z.string(),
    expiresAt: isoTimestamp.optional(),
    revokedAt: isoTimestamp.optional(),
    revokedBy: z.string().optional(),
    rateLimitPerMinute: z.int().positive().optional(),
  })
  .meta({ id: 'ApiKey' });

export const createdApiKeySchema = apiKeySchema
  .extend({
    apiKey: z
      .string()
      .describe(
        'The key itself. Shown this once: only its hash is stored. Send it as `Authorization: Bearer <key>`.',
      ),
  })
  .meta({ id: 'CreatedApiKey' });

export const apiKeyPageSchema = pageOf(apiKeySchema, 'ApiKeyPage');

export const listApiKeysQuerySchema = paginationQuerySchema.extend({
  ownerId: z.string().min(1).max(128).optional().describe('Admins only: the keys of this owner.'),
});

export const apiKeyParamsSchema = z.strictObject({
  keyId: z.string().regex(/^[A-Za-z0-9]{16}$/, 'a 16-character key id'),
});
