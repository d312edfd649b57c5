/** Hand-made tokens for the refusal cases: signed with the local provider's real key, or not. */
import { join } from 'node:path';
import { generateKeyPair, importJWK, type JWTPayload, SignJWT } from 'jose';
import { loadOrCreateSigningKey } from '../../local/identity-provider/state.ts';
import { LOCAL_CLIENT_ID } from '../../local/platform.ts';

export interface TokenOverrides {
  readonly claims?: JWTPayload & Record<string, unknown>;
  readonly expiresAt?: number;
  /** `iat`, epoch seconds; default a minute ago. */
  readonly issuedAt?: number;
  readonly issuer?: string;
  /** Sign with a freshly generated key that presents the real key's kid. */
  readonly foreignKey?: boolean;
}

export async function craftToken(
  dataDir: string,
  issuer: string,
  sub: string,
  overrides: TokenOverrides = {},
) {
  const signingKey = await loadOrCreateSigningKey(join(dataDir, 'identity'));
  const key = overrides.foreignKey
    ? (await generateKeyPair('RS256', { extractable: true })).privateKey
    : await importJWK(signingKey.privateJwk, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    token_use: 'access',
    client_id: LOCAL_CLIENT_ID,
    username: 'alice',
    'cognito:groups': ['user'],
    ...overrides.claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: signingKey.kid })
    .setSubject(sub)
    .setIssuer(overrides.issuer ?? issuer)
    .setIssuedAt(overrides.issuedAt ?? now - 60)
    .setExpirationTime(overrides.expiresAt ?? now + 600)
    .sign(key);
}

/** An unsecured JWT (`alg: none`), which a verifier must never accept. */
export function unsignedToken(issuer: string, sub: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    sub,
    iss: issuer,
    token_use: 'access',
    client_id: LOCAL_CLIENT_ID,
    'cognito:groups': ['admin'],
    iat: now,
    exp: now + 600,
  };
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
}
