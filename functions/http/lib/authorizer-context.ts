/**
 * What the authorizer hands to the handlers through `requestContext.authorizer.lambda`. API
 * Gateway's HTTP API can only answer 403 with a fixed body when an authorizer denies, so the
 * authorizer never denies: it attaches either the verified caller or the reason it could not
 * verify one, and the handlers' shared middleware answers 401/403 as problem+json. Values are
 * flat strings and numbers, which is what API Gateway passes through unchanged.
 */
import * as z from 'zod';
import { API_KEY_SCOPES, type Principal, ROLES } from '#core/auth/principal.ts';
import { AuthenticationError, ForbiddenError, RateLimitedError } from '#core/errors.ts';

const authenticatedSchema = z.object({
  outcome: z.literal('authenticated'),
  userId: z.string().min(1),
  username: z.string().min(1),
  role: z.enum(ROLES),
  via: z.enum(['token', 'apiKey']),
  keyId: z.string().optional(),
  scope: z.enum(API_KEY_SCOPES),
  rateLimitPerMinute: z.coerce.number().int().positive().optional(),
});

const refusedSchema = z.object({
  outcome: z.enum(['anonymous', 'unauthenticated', 'forbidden']),
  reason: z.string(),
});

/** Too many failed credentials for the key id or from the source: 429 with Retry-After. */
const rateLimitedSchema = z.object({
  outcome: z.literal('rateLimited'),
  reason: z.string(),
  retryAfterSeconds: z.coerce.number().int().positive(),
});

export const authorizerContextSchema = z.discriminatedUnion('outcome', [
  authenticatedSchema,
  refusedSchema,
  rateLimitedSchema,
]);
export type AuthorizerContext = z.infer<typeof authorizerContextSchema>;

export function contextForPrincipal(principal: Principal): AuthorizerContext {
  return {
    outcome: 'authenticated',
    userId: principal.userId,
    username: principal.username,
    role: principal.role,
    via: principal.via,
    scope: principal.scope,
    ...(principal.keyId === undefined ? {} : { keyId: principal.keyId }),
    ...(principal.rateLimitPerMinute === undefined
      ? {}
      : { rateLimitPerMinute: principal.rateLimitPerMinute }),
  };
}

/**
 * The caller of an authenticated context without zod, as the schema would return it; undefined for
 * anything else (a refusal, an odd value), which the schema then decides. Every API call passes
 * here, so the common case is kept cheap.
 */
function authenticatedPrincipal(lambdaContext: unknown): Principal | undefined {
  if (typeof lambdaContext !== 'object' || lambdaContext === null) return undefined;
  const { outcome, userId, username, role, via, keyId, scope, rateLimitPerMinute } = lambdaContext as Record<
    string,
    unknown
  >;
  if (
    outcome !== 'authenticated' ||
    typeof userId !== 'string' ||
    userId.length === 0 ||
    typeof username !== 'string' ||
    username.length === 0 ||
    !ROLES.includes(role as Principal['role']) ||
    (via !== 'token' && via !== 'apiKey') ||
    (keyId !== undefined && typeof keyId !== 'string') ||
    !API_KEY_SCOPES.includes(scope as Principal['scope']) ||
    (rateLimitPerMinute !== undefined &&
      !(
        typeof rateLimitPerMinute === 'number' &&
        Number.isSafeInteger(rateLimitPerMinute) &&
        rateLimitPerMinute > 0
      ))
  ) {
    return undefined;
  }
  return {
    userId,
    username,
    role: role as Principal['role'],
    via,
    ...(keyId === undefined ? {} : { keyId }),
    scope: scope as Principal['scope'],
    ...(rateLimitPerMinute === undefined ? {} : { rateLimitPerMinute }),
  };
}

/** Reads the caller from the request context; throws the 401/403 the authorizer decided on. */
export function principalFromContext(lambdaContext: unknown): Principal {
  const principal = authenticatedPrincipal(lambdaContext);
  if (principal !== undefined) return principal;
  const parsed = authorizerContextSchema.safeParse(lambdaContext);
  if (!parsed.success) {
    // Only a misconfigured route (no authorizer attached) gets here.
    throw new AuthenticationError('No credentials were verified for this request.');
  }
  const context = parsed.data;
  switch (context.outcome) {
    case 'authenticated': {
      const { outcome: _outcome, ...principal } = context;
      return principal;
    }
    case 'forbidden':
      throw new ForbiddenError(context.reason);
    case 'rateLimited':
      throw new RateLimitedError(context.reason, context.retryAfterSeconds);
    default:
      throw new AuthenticationError(context.reason);
  }
}
