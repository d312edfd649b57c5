/**
 * Authentication, as the authorizer does it: find the credential in the request (an API key in
 * `x-api-key`, or `Authorization: Bearer` carrying a JWT or an API key) and verify it.
 */
import { type ApiKeyRepository, authenticateApiKey } from '../api-keys/api-keys.ts';
import { AuthenticationError } from '../errors.ts';
import { looksLikeApiKey } from './api-key-secret.ts';
import type { Principal } from './principal.ts';

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

export type Credential = { kind: 'apiKey'; value: string } | { kind: 'token'; value: string };

/** Headers are lower-cased, as API Gateway's payload 2.0 delivers them. */
export function credentialFrom(
  headers: Readonly<Record<string, string | undefined>>,
): Credential | undefined {
  const apiKey = headers['x-api-key']?.trim();
  if (apiKey) return { kind: 'apiKey', value: apiKey };
  const authorization = headers.authorization?.trim();
  if (!authorization) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match?.[1]) {
    throw new AuthenticationError(
      'Send credentials as "Authorization: Bearer <token>" or "x-api-key: <key>".',
    );
  }
  return looksLikeApiKey(match[1]) ? { kind: 'apiKey', value: match[1] } : { kind: 'token', value: match[1] };
}

export async function authenticate(
  credential: Credential,
  deps: { tokens: TokenVerifier; apiKeys: ApiKeyRepository; now: () => Date },
): Promise<Principal> {
  return credential.kind === 'apiKey'
    ? authenticateApiKey(credential.value, deps)
    : deps.tokens.verify(credential.value);
}
