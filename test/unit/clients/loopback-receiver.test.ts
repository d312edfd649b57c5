import { describe, expect, it } from 'vitest';
import { EXIT } from '../../../clients/cli/exit-codes.ts';
import { startLoopbackReceiver } from '../../../clients/cli/loopback-receiver.ts';
import { authorizationUrl, createPkce } from '../../../clients/cli/oauth.ts';

describe('startLoopbackReceiver', () => {
  it('takes the code of its own state only, on the free port it names in the redirect URI', async () => {
    // Prepare
    const receiver = await startLoopbackReceiver({
      redirectUri: 'http://127.0.0.1:0/callback',
      state: 'mine',
      timeoutMs: 10_000,
    });
    try {
      // Act
      const forged = await fetch(`${receiver.redirectUri}?code=evil&state=other`);
      const ours = await fetch(`${receiver.redirectUri}?code=good&state=mine`);

      // Assess
      expect(receiver.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*\/callback$/);
      expect(forged.status).toBe(400);
      expect(ours.status).toBe(200);
      expect(ours.headers.get('content-security-policy')).toContain("default-src 'none'");
      await expect(receiver.code).resolves.toBe('good');
    } finally {
      await receiver.close();
    }
  });

  it("turns the provider's error redirect into a sign-in failure", async () => {
    // Prepare
    const receiver = await startLoopbackReceiver({
      redirectUri: 'http://127.0.0.1:0/callback',
      state: 's',
      timeoutMs: 10_000,
    });
    try {
      // Act
      await fetch(`${receiver.redirectUri}?error=access_denied&error_description=no&state=s`);

      // Assess
      await expect(receiver.code).rejects.toMatchObject({
        exitCode: EXIT.auth,
        message: 'Sign-in failed: access_denied (no).',
      });
    } finally {
      await receiver.close();
    }
  });
});

describe('authorizationUrl', () => {
  it('asks for a code with an S256 challenge of a 43-character verifier', () => {
    // Prepare
    const pkce = createPkce();

    // Act
    const url = new URL(
      authorizationUrl(
        {
          authorizationEndpoint: 'https://d.auth.eu-west-1.amazoncognito.com/oauth2/authorize',
          tokenEndpoint: 'x',
          revocationEndpoint: 'x',
          scopes: ['openid', 'email', 'profile'],
          cliClientId: 'cli',
          cliRedirectUri: 'http://localhost:8976/callback',
        },
        { redirectUri: 'http://localhost:8976/callback', state: 'st', challenge: pkce.challenge },
      ),
    );

    // Assess
    expect(pkce.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'cli',
      redirect_uri: 'http://localhost:8976/callback',
      scope: 'openid email profile',
      state: 'st',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    });
  });
});
