import * as z from 'zod';
import { ROLES } from '#core/auth/principal.ts';
import { isoTimestamp, pageOf, paginationQuerySchema, usernameSchema } from './common.ts';

export const userSchema = z
  .object({
    userId: z.string().describe('Stable id (Cognito `sub`); objects are owned by this id.'),
    username: z.string(),
    email: z.string().optional(),
    role: z.enum(ROLES).nullable().describe('null when the user is in neither platform group.'),
    enabled: z.boolean(),
    status: z.string().describe('Cognito account status, e.g. CONFIRMED or FORCE_CHANGE_PASSWORD.'),
    createdAt: isoTimestamp,
  })
  .meta({ id: 'User' });

export const userPageSchema = pageOf(userSchema, 'UserPage');

export const createUserBodySchema = z
  .strictObject({
    username: usernameSchema,
    email: z
      .email()
      .max(254)
      .describe('Where Cognito sends the invitation with a temporary password (at most 254 characters).'),
    role: z.enum(ROLES).default('user'),
  })
  .meta({ id: 'CreateUserRequest' });

export const updateUserBodySchema = z
  .strictObject({
    role: z.enum(ROLES).optional(),
    enabled: z.boolean().optional().describe('Disabling a user also revokes every API key they own.'),
  })
  .refine((body) => body.role !== undefined || body.enabled !== undefined, {
    message: 'Give at least one of role or enabled.',
  })
  // JSON Schema cannot say "one of these two" the way the refine does; minProperties says as much.
  .meta({ id: 'UpdateUserRequest', minProperties: 1 });

export const userParamsSchema = z.strictObject({ username: usernameSchema });

export const listUsersQuerySchema = paginationQuerySchema;
