import * as z from 'zod';
import { API_KEY_SCOPES, ROLES } from '#core/auth/principal.ts';
import { isoTimestamp } from './common.ts';

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
    time: isoTimestamp,
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
    scope: z.enum(API_KEY_SCOPES),
  })
  .meta({ id: 'Caller', description: 'The identity the API sees for this request.' });

/** One file name of the docs console; which names exist is the handler's allow-list, not a pattern. */
export const docsAssetParamsSchema = z.object({ file: z.string().min(1).max(64) });

export const authConfigSchema = z
  .object({
    issuer: z.url(),
    authorizationEndpoint: z.url(),
    tokenEndpoint: z.url(),
    revocationEndpoint: z.url(),
    logoutEndpoint: z.url(),
    scopes: z.array(z.string()),
    cliClientId: z.string(),
    cliRedirectUri: z.url(),
    consoleClientId: z.string().optional(),
  })
  .meta({
    id: 'AuthConfig',
    description:
      "Where clients sign in (OAuth 2.0 authorization code with PKCE): the user pool domain's endpoints and the app clients of the CLI and the console. A `cliRedirectUri` with port 0 admits any free loopback port.",
  });
