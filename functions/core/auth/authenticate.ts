/**
 * Authentication, as the authorizer does it: find the credential in the request's `Authorization:
 * Bearer` header (a JWT or an API key), verify it, and refuse a token issued before its user's last
 * revocation (see token-revocation.ts).
 */
import { type ApiKeyRepository, authenticateApiKey } from '../api-keys/api-keys.ts';
import { AuthenticationError } from '../errors.ts';
import { looksLikeApiKey, parseApiKey } from './api-key-secret.ts';
import type { Principal } from './principal.ts';
import { assertIssuedAfterRevocation, type TokenRevocations } from './token-revocation.ts';

/** A token whose signature, issuer, audience and times checked out. */
export interface VerifiedToken {
  readonly principal: Principal;
  /** `iat`, epoch seconds. */
  readonly issuedAt: number;
  /**
   * Epoch seconds from which the token no longer verifies: its `exp` plus the verifier's clock
   * tolerance. A verdict may be reused until then (verified-token-cache.ts).
   */
  readonly validUntil: number;
}

export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
}

export type Credential = { kind: 'apiKey'; value: string } | { kind: 'token'; value: string };

/**
 * The one header credentials travel in. API Gateway refuses a request without it before any Lambda
 * runs (the authorizer's identity source), so it is the only place a credential is read from.
 */
export const CREDENTIAL_HEADER = 'authorization';

/** Headers are lower-cased, as API Gateway's payload 2.0 delivers them. */
export function credentialFrom(
  headers: Readonly<Record<string, string | undefined>>,
): Credential | undefined {
  const authorization = headers[CREDENTIAL_HEADER]?.trim();
  if (!authorization) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match?.[1]) {
    throw new AuthenticationError('Send credentials as "Authorization: Bearer <token or API key>".');
  }
  return looksLikeApiKey(match[1]) ? { kind: 'apiKey', value: match[1] } : { kind: 'token', value: match[1] };
}

/** The key id a presented API key names, for counting failures per key; undefined for tokens. */
export function keyIdOf(credential: Credential): string | undefined {
  return credential.kind === 'apiKey' ? parseApiKey(credential.value)?.keyId : undefined;
}

export async function authenticate(
  credential: Credential,
  deps: {
    tokens: TokenVerifier;
    apiKeys: ApiKeyRepository;
    revocations: Pick<TokenRevocations, 'notBefore'>;
    now: () => Date;
  },
): Promise<Principal> {
  if (credential.kind === 'apiKey') return authenticateApiKey(credential.value, deps);
  const { principal, issuedAt } = await deps.tokens.verify(credential.value);
  assertIssuedAfterRevocation(issuedAt, await deps.revocations.notBefore(principal.userId, deps.now()));
  return principal;
}
