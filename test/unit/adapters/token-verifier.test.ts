/** The JWT verifier with a local key set (no network): the `iat` skew rule and what it returns. */
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  JoseTokenVerifier,
  MAX_ISSUED_AT_SKEW_SECONDS,
} from '../../../functions/adapters/jwt/token-verifier.ts';
import { AuthenticationError } from '../../../functions/core/errors.ts';

const issuer = 'https://issuer.example';
const clientId = 'client-1';
const now = new Date('2026-12-04T12:00:00Z');
const nowSeconds = now.getTime() / 1000;

let sign: (claims: JWTPayload, issuedAt: number) => Promise<string>;
let verifier: JoseTokenVerifier;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
  verifier = new JoseTokenVerifier({
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    clientIds: [clientId],
    keys: createLocalJWKSet({ keys: [jwk] }),
    now: () => now,
  });
  sign = (claims, issuedAt) =>
    new SignJWT({ 'cognito:groups': ['user'], username: 'alice', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('sub-alice')
      .setIssuer(issuer)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + 3600)
      .sign(privateKey);
});

const accessClaims = { token_use: 'access', client_id: clientId };
const idClaims = { token_use: 'id', aud: clientId, 'cognito:username': 'alice' };

describe('JoseTokenVerifier.verify', () => {
  it('returns the principal and the issue time of a valid token', async () => {
    // Act
    const verified = await verifier.verify(await sign(accessClaims, nowSeconds - 10));
    // Assess
    expect(verified.issuedAt).toBe(nowSeconds - 10);
    expect(verified.principal).toMatchObject({ userId: 'sub-alice', username: 'alice', role: 'user' });
  });

  it.each([
    ['access', accessClaims],
    ['ID', idClaims],
  ])('refuses an %s token whose iat lies beyond the skew in the future', async (_kind, claims) => {
    // Prepare
    const token = await sign(claims, nowSeconds + MAX_ISSUED_AT_SKEW_SECONDS + 1);
    // Act / Assess
    const refusal = verifier.verify(token);
    await expect(refusal).rejects.toThrow(AuthenticationError);
    await expect(refusal).rejects.toThrow(/issued in the future/);
  });

  it.each([
    ['access', accessClaims],
    ['ID', idClaims],
  ])('accepts an %s token whose iat is ahead by no more than the skew', async (_kind, claims) => {
    // Act
    const verified = await verifier.verify(await sign(claims, nowSeconds + MAX_ISSUED_AT_SKEW_SECONDS));
    // Assess
    expect(verified.principal.userId).toBe('sub-alice');
  });

  it('names the skew as one minute', () => {
    expect(MAX_ISSUED_AT_SKEW_SECONDS).toBe(60);
  });
});
