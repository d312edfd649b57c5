/**
 * Browser sign-in through the local platform, as the console and `mlp login` do it: discover the
 * identity provider from the API without a credential (GET /v1/auth/config), sign in with the
 * authorization code and PKCE, call the API with the token, refresh it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';
import { authorizeUrl, pkcePair, postForm, signInThroughBrowser } from '../support/oauth-browser.ts';

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => t?.close());

describe('GET /v1/auth/config', () => {
  it("answers without a credential with the local identity provider's endpoints and clients", async () => {
    // Act
    const response = await t.call('GET', '/v1/auth/config');

    // Assess
    const identity = t.platform.identity.url;
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      issuer: identity,
      authorizationEndpoint: `${identity}/oauth2/authorize`,
      tokenEndpoint: `${identity}/oauth2/token`,
      revocationEndpoint: `${identity}/oauth2/revoke`,
      logoutEndpoint: `${identity}/logout`,
      scopes: ['openid', 'email', 'profile'],
      cliClientId: 'local-cli-client',
      cliRedirectUri: 'http://127.0.0.1:0/callback',
      consoleClientId: 'local-console-client',
    });
  });
});

describe('authorization code sign-in', () => {
  it.each([
    ['the console', 'consoleClientId', (apiUrl: string) => `${apiUrl}/console/callback`],
    ['the CLI', 'cliClientId', () => 'http://127.0.0.1:45678/callback'],
  ] as const)(
    'signs %s in with tokens the API accepts, and refreshes them',
    async (_, clientField, redirect) => {
      // Prepare
      const config = (await t.call('GET', '/v1/auth/config')).json;
      const clientId: string = config[clientField];
      const redirectUri = redirect(t.platform.apiUrl);
      const pkce = pkcePair();

      // Act
      const location = await signInThroughBrowser(
        authorizeUrl(config.authorizationEndpoint, {
          clientId,
          redirectUri,
          challenge: pkce.challenge,
          state: 's',
        }),
        'alice',
      );
      const tokens = await postForm(config.tokenEndpoint, {
        grant_type: 'authorization_code',
        client_id: clientId,
        code: location.searchParams.get('code') ?? '',
        redirect_uri: redirectUri,
        code_verifier: pkce.verifier,
      });
      const me = await t.call('GET', '/v1/me', { token: tokens.body.access_token });
      const refreshed = await postForm(config.tokenEndpoint, {
        grant_type: 'refresh_token',
        client_id: clientId,
        refresh_token: tokens.body.refresh_token,
      });
      const meAgain = await t.call('GET', '/v1/me', { token: refreshed.body.access_token });

      // Assess
      expect(location.searchParams.get('state')).toBe('s');
      expect(tokens.status).toBe(200);
      expect(me.status).toBe(200);
      expect(me.json).toMatchObject({ username: 'alice', role: 'user', via: 'token' });
      expect(refreshed.status).toBe(200);
      expect(meAgain.json.username).toBe('alice');
    },
  );

  it("lets the console's origin call the token endpoint (CORS)", async () => {
    // Prepare
    const { tokenEndpoint } = (await t.call('GET', '/v1/auth/config')).json;
    const origin = new URL(t.platform.apiUrl).origin;

    // Act
    const preflight = await fetch(tokenEndpoint, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });

    // Assess
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
  });
});
