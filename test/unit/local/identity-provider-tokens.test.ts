import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SigningKey, StoredUser } from '../../../local/identity-provider/state.ts';
import { loadOrCreateSigningKey } from '../../../local/identity-provider/state.ts';
import { TokenSigner } from '../../../local/identity-provider/tokens.ts';

const issuer = 'http://127.0.0.1:4999';
const clientId = 'local-client';

const alice: StoredUser = {
  username: 'alice',
  sub: '0b8f3f5e-3c1f-4c7a-9d59-0d8a2c7f1a11',
  attributes: { email: 'alice@example.com', email_verified: 'true' },
  enabled: true,
  status: 'CONFIRMED',
  createdAt: 0,
  updatedAt: 0,
  groups: ['user'],
};

describe('TokenSigner.sign', () => {
  let dataDir: string;
  let signingKey: SigningKey;
  let signer: TokenSigner;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'idp-tokens-'));
    signingKey = await loadOrCreateSigningKey(dataDir);
    signer = await TokenSigner.create({ signingKey, issuer, clientId });
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const jwks = () => createLocalJWKSet({ keys: [signingKey.publicJwk] });

  it('signs an access token shaped like Cognito’s, RS256 with the key’s kid', async () => {
    // Act
    const { accessToken, expiresIn } = await signer.sign(alice);

    // Assess
    expect(decodeProtectedHeader(accessToken)).toEqual({ alg: 'RS256', kid: signingKey.kid });
    const claims = decodeJwt(accessToken);
    expect(claims).toMatchObject({
      sub: alice.sub,
      iss: issuer,
      client_id: clientId,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      username: 'alice',
      'cognito:groups': ['user'],
    });
    expect(claims.aud).toBeUndefined();
    expect(typeof claims.jti).toBe('string');
    expect(claims.auth_time).toBe(claims.iat);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600);
    expect(expiresIn).toBe(3600);
    const { payload } = await jwtVerify(accessToken, jwks(), { issuer, algorithms: ['RS256'] });
    expect(payload.sub).toBe(alice.sub);
  });

  it('signs an ID token with aud, cognito:username and a boolean email_verified', async () => {
    // Act
    const { idToken, accessToken } = await signer.sign(alice);

    // Assess
    expect(decodeProtectedHeader(idToken).kid).toBe(signingKey.kid);
    const { payload } = await jwtVerify(idToken, jwks(), {
      issuer,
      audience: clientId,
      algorithms: ['RS256'],
    });
    expect(payload).toMatchObject({
      sub: alice.sub,
      aud: clientId,
      token_use: 'id',
      'cognito:username': 'alice',
      email: 'alice@example.com',
      email_verified: true,
      'cognito:groups': ['user'],
    });
    expect(payload.jti).not.toBe(decodeJwt(accessToken).jti);
    expect(payload.auth_time).toBe(payload.iat);
  });

  it('omits cognito:groups when the user is in no group, as Cognito does', async () => {
    // Prepare
    const loner: StoredUser = { ...alice, username: 'loner', groups: [] };

    // Act
    const { accessToken, idToken } = await signer.sign(loner);

    // Assess
    expect(decodeJwt(accessToken)).not.toHaveProperty('cognito:groups');
    expect(decodeJwt(idToken)).not.toHaveProperty('cognito:groups');
  });

  it('honours expiresInSeconds and issuedAt, so tests can make expired tokens', async () => {
    // Prepare
    const issuedAt = new Date(Date.now() - 2 * 3600 * 1000);

    // Act
    const { accessToken, expiresIn } = await signer.sign(alice, { expiresInSeconds: 600, issuedAt });

    // Assess
    expect(expiresIn).toBe(600);
    const claims = decodeJwt(accessToken);
    expect(claims.iat).toBe(Math.floor(issuedAt.getTime() / 1000));
    expect(claims.exp).toBe(Math.floor(issuedAt.getTime() / 1000) + 600);
    await expect(jwtVerify(accessToken, jwks(), { issuer })).rejects.toBeInstanceOf(errors.JWTExpired);
  });

  it.each([0, -5, 1.5, 86_401])('refuses a lifetime of %s seconds', async (expiresInSeconds) => {
    // Act / Assess
    await expect(signer.sign(alice, { expiresInSeconds })).rejects.toMatchObject({
      name: 'IdentityProviderError',
      type: 'InvalidParameterException',
    });
  });

  it('makes tokens another issuer’s verifier refuses', async () => {
    // Act
    const { idToken } = await signer.sign(alice);

    // Assess
    await expect(
      jwtVerify(idToken, jwks(), {
        issuer: 'https://cognito-idp.us-east-1.amazonaws.com/x',
        audience: clientId,
      }),
    ).rejects.toBeInstanceOf(errors.JWTClaimValidationFailed);
  });
});
