/**
 * principalFromContext reads the common authenticated context without zod: it must return what the
 * schema returns and refuse as the schema decides, for every context the authorizer can hand over
 * and for odd ones it should never see.
 */
import { describe, expect, it } from 'vitest';
import {
  authorizerContextSchema,
  contextForPrincipal,
  principalFromContext,
} from '../../../functions/http/lib/authorizer-context.ts';

/** What principalFromContext did with the schema alone (its code before the fast path). */
function schemaOnly(context: unknown): unknown {
  const parsed = authorizerContextSchema.safeParse(context);
  if (!parsed.success) {
    return { error: 'AuthenticationError', message: 'No credentials were verified for this request.' };
  }
  const data = parsed.data;
  switch (data.outcome) {
    case 'authenticated': {
      const { outcome: _outcome, ...principal } = data;
      return { principal, keys: Object.keys(principal) };
    }
    case 'forbidden':
      return { error: 'ForbiddenError', message: data.reason };
    case 'rateLimited':
      return { error: 'RateLimitedError', message: data.reason };
    default:
      return { error: 'AuthenticationError', message: data.reason };
  }
}

function actual(context: unknown): unknown {
  try {
    const principal = principalFromContext(context);
    return { principal, keys: Object.keys(principal) };
  } catch (error) {
    return { error: (error as Error).name, message: (error as Error).message };
  }
}

const token = {
  outcome: 'authenticated',
  userId: 'u1',
  username: 'ana',
  role: 'user',
  via: 'token',
  scope: 'full',
};
const key = { ...token, via: 'apiKey', keyId: 'K1', scope: 'predict', rateLimitPerMinute: 120 };

const contexts: [string, unknown][] = [
  ['a token caller', token],
  ['an admin', { ...token, role: 'admin' }],
  ['an API key with its own budget', key],
  [
    'from contextForPrincipal',
    contextForPrincipal({ userId: 'u', username: 'u', role: 'user', via: 'token', scope: 'full' }),
  ],
  ['a budget as a string (coerced by the schema)', { ...key, rateLimitPerMinute: '120' }],
  ['a budget of 0', { ...key, rateLimitPerMinute: 0 }],
  ['a fractional budget', { ...key, rateLimitPerMinute: 1.5 }],
  ['an unsafe budget', { ...key, rateLimitPerMinute: 2 ** 60 }],
  ['extra fields (dropped)', { ...token, extra: 'x', keyIdHash: 'y' }],
  ['an empty user id', { ...token, userId: '' }],
  ['a numeric user id', { ...token, userId: 7 }],
  ['an unknown role', { ...token, role: 'root' }],
  ['an unknown via', { ...token, via: 'cookie' }],
  ['an unknown scope', { ...token, scope: 'all' }],
  ['a numeric key id', { ...key, keyId: 1 }],
  ['an empty key id', { ...key, keyId: '' }],
  ['no username', { ...token, username: undefined }],
  ['a refusal', { outcome: 'unauthenticated', reason: 'expired' }],
  ['forbidden', { outcome: 'forbidden', reason: 'disabled' }],
  ['rate limited', { outcome: 'rateLimited', reason: 'too many', retryAfterSeconds: '30' }],
  ['an anonymous call', { outcome: 'anonymous', reason: 'no credentials' }],
  ['nothing', undefined],
  ['null', null],
  ['an array', [token]],
  ['a string', 'authenticated'],
];

describe('principalFromContext', () => {
  it.each(contexts)('reads %s as the schema does', (_name, context) => {
    // Act
    const fast = actual(context);
    const reference = schemaOnly(context);

    // Assess: the same caller (same fields, same order) or the same refusal
    expect(fast).toStrictEqual(reference);
  });
});
