/**
 * The local identity provider's OAuth endpoints over HTTP, as the CLI and the console use them:
 * authorization code with PKCE through the sign-in page, the token endpoint's checks (one-time
 * codes, verifier, redirect URI), refresh, revocation, sign-out and CORS. Tokens are checked with
 * the platform's own verifier against the served JWKS.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JoseTokenVerifier } from '../../../functions/adapters/jwt/token-verifier.ts';
import { LocalIdentityProvider } from '../../../local/identity-provider/identity-provider.ts';
import type { OAuthClient } from '../../../local/identity-provider/oauth/clients.ts';
import {
  authorizeUrl,
  pkcePair,
  postForm,
  signInRequestId,
  signInThroughBrowser,
} from '../../support/oauth-browser.ts';

const cli: OAuthClient = {
  clientId: 'cli-client',
  name: 'the mlp command line',
  redirectUris: [],
  loopbackRedirectUris: ['http://127.0.0.1/callback'],
  scopes: ['openid', 'email', 'profile'],
};
const consoleOrigin = 'http://127.0.0.1:3000';
const consoleClient: OAuthClient = {
  clientId: 'console-client',
  name: 'the <web> console',
  redirectUris: [`${consoleOrigin}/console/callback`],
  logoutUris: [`${consoleOrigin}/console/`],
  scopes: ['openid', 'email', 'profile'],
};
const redirectUri = 'http://127.0.0.1:49152/callback';

describe('LocalIdentityProvider OAuth endpoints', () => {
  let dataDir: string;
  let provider: LocalIdentityProvider;
  let tokenUrl: string;

  const start = () =>
    LocalIdentityProvider.create({
      dataDir,
      port: 0,
      clientId: 'local-client',
      userPoolId: 'us-east-1_local',
      oauthClients: [cli, consoleClient],
    });

  /** A full sign-in up to the code; returns it with the verifier. */
  const codeFor = async (username = 'alice', client = cli, redirect = redirectUri) => {
    const pkce = pkcePair();
    const location = await signInThroughBrowser(
      authorizeUrl(provider.endpoint('authorize'), {
        clientId: client.clientId,
        redirectUri: redirect,
        challenge: pkce.challenge,
        state: 'st4te',
      }),
      username,
    );
    return { code: location.searchParams.get('code') ?? '', verifier: pkce.verifier, location };
  };

  const redeem = (code: string, verifier: string, redirect = redirectUri, clientId = cli.clientId) =>
    postForm(tokenUrl, {
      grant_type: 'authorization_code',
      client_id: clientId,
      code,
      redirect_uri: redirect,
      code_verifier: verifier,
    });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'idp-oauth-'));
    provider = await start();
    tokenUrl = provider.endpoint('token');
    await provider.seedUsers([
      { username: 'alice', email: 'alice@example.com', groups: ['user'] },
      { username: 'carol', email: 'carol@example.com', groups: ['user'] },
    ]);
  });

  afterAll(async () => {
    await provider.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lists its OAuth endpoints in the OpenID configuration and its clients in the environment', async () => {
    // Act
    const configuration = await (await fetch(`${provider.url}/.well-known/openid-configuration`)).json();

    // Assess
    expect(configuration).toMatchObject({
      issuer: provider.url,
      authorization_endpoint: `${provider.url}/oauth2/authorize`,
      token_endpoint: `${provider.url}/oauth2/token`,
      revocation_endpoint: `${provider.url}/oauth2/revoke`,
      end_session_endpoint: `${provider.url}/logout`,
      code_challenge_methods_supported: ['S256'],
    });
    expect(provider.environment().USER_POOL_CLIENT_IDS).toBe('local-client,cli-client,console-client');
  });

  it('signs in with a code and PKCE and issues tokens the platform verifier accepts', async () => {
    // Prepare
    const { code, verifier, location } = await codeFor('alice');

    // Act
    const { status, headers, body } = await redeem(code, verifier);

    // Assess
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(location.searchParams.get('state')).toBe('st4te');
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(typeof body.refresh_token).toBe('string');
    const verifierForClients = new JoseTokenVerifier({
      issuer: provider.url,
      jwksUrl: provider.jwksUrl,
      clientIds: [cli.clientId],
    });
    const access = await verifierForClients.verify(body.access_token);
    const id = await verifierForClients.verify(body.id_token);
    expect(access.principal).toMatchObject({ username: 'alice', role: 'user', via: 'token' });
    expect(id.principal.username).toBe('alice');
    expect(decodeJwt(body.access_token)).toMatchObject({
      token_use: 'access',
      client_id: cli.clientId,
      scope: 'openid email profile',
      'cognito:groups': ['user'],
    });
    expect(decodeJwt(body.id_token)).toMatchObject({
      token_use: 'id',
      aud: cli.clientId,
      email: 'alice@example.com',
    });
    // Tokens for the CLI are not tokens for another app client.
    await expect(
      new JoseTokenVerifier({ issuer: provider.url, jwksUrl: provider.jwksUrl, clientIds: ['other'] }).verify(
        body.access_token,
      ),
    ).rejects.toThrow(/audience/);
  });

  it('refuses a wrong verifier, and the code is spent by the attempt', async () => {
    // Prepare
    const { code, verifier } = await codeFor();

    // Act
    const wrong = await redeem(code, pkcePair().verifier);
    const retried = await redeem(code, verifier);

    // Assess
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(wrong.body.error_description).toMatch(/code_verifier/);
    expect(retried).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('redeems a code once only', async () => {
    // Prepare
    const { code, verifier } = await codeFor();
    const first = await redeem(code, verifier);

    // Act
    const second = await redeem(code, verifier);

    // Assess
    expect(first.status).toBe(200);
    expect(second).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(second.body.error_description).toMatch(/already used/);
  });

  it('refuses a code redeemed with another redirect URI or by another client', async () => {
    // Prepare
    const one = await codeFor();
    const two = await codeFor();

    // Act
    const otherRedirect = await redeem(one.code, one.verifier, 'http://127.0.0.1:49153/callback');
    const otherClient = await redeem(two.code, two.verifier, redirectUri, consoleClient.clientId);

    // Assess
    expect(otherRedirect).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(otherRedirect.body.error_description).toMatch(/redirect_uri/);
    expect(otherClient).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('never redirects to an unregistered redirect URI', async () => {
    // Act
    const response = await fetch(
      authorizeUrl(provider.endpoint('authorize'), {
        clientId: consoleClient.clientId,
        redirectUri: 'https://attacker.example/console/callback',
        challenge: pkcePair().challenge,
      }),
      { redirect: 'manual' },
    );

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('is not registered');
  });

  it.each([
    ['plain PKCE', { method: 'plain' }],
    ['no code_challenge', { challenge: '' }],
  ])('sends the client back with invalid_request for %s', async (_, change) => {
    // Act
    const response = await fetch(
      authorizeUrl(provider.endpoint('authorize'), {
        clientId: cli.clientId,
        redirectUri,
        challenge: pkcePair().challenge,
        state: 'abc',
        ...change,
      }),
      { redirect: 'manual' },
    );

    // Assess
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/S256/);
    expect(location.searchParams.get('state')).toBe('abc');
  });

  it('serves the sign-in page under a strict CSP and asks again for an unknown user', async () => {
    // Prepare
    const page = await fetch(
      authorizeUrl(provider.endpoint('authorize'), {
        clientId: consoleClient.clientId,
        redirectUri: consoleClient.redirectUris[0] ?? '',
        challenge: pkcePair().challenge,
      }),
    );
    const html = await page.text();

    // Act
    const wrong = await fetch(`${provider.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request: signInRequestId(html), username: 'mallory' }),
    });
    const again = await fetch(`${provider.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request: signInRequestId(html), username: 'carol' }),
    });

    // Assess
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain(`form-action 'self' ${consoleOrigin}`);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(html).toContain('no passwords');
    expect(html).toContain('the &lt;web&gt; console');
    expect(html).toMatch(/<label for="username">/);
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('role="alert"');
    expect(again.status).toBe(302);
    expect(again.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1:3000\/console\/callback\?code=/);
  });

  it('refreshes tokens, also after a restart, until the refresh token is revoked', async () => {
    // Prepare
    const { code, verifier } = await codeFor('carol');
    const { body } = await redeem(code, verifier);
    const refresh = () =>
      postForm(provider.endpoint('token'), {
        grant_type: 'refresh_token',
        client_id: cli.clientId,
        refresh_token: body.refresh_token,
      });

    // Act
    const refreshed = await refresh();
    await provider.close();
    provider = await start();
    tokenUrl = provider.endpoint('token');
    const afterRestart = await refresh();
    const revoked = await postForm(provider.endpoint('revoke'), {
      token: body.refresh_token,
      client_id: cli.clientId,
    });
    const afterRevoke = await refresh();

    // Assess
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toBeUndefined();
    expect(decodeJwt(refreshed.body.access_token)).toMatchObject({
      username: 'carol',
      client_id: cli.clientId,
    });
    expect(decodeJwt(refreshed.body.access_token).jti).not.toBe(decodeJwt(body.access_token).jti);
    expect(afterRestart.status).toBe(200);
    expect(revoked.status).toBe(200);
    expect(afterRevoke).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('answers CORS for the console origin only, and refuses a JSON body', async () => {
    // Act
    const preflight = await fetch(tokenUrl, {
      method: 'OPTIONS',
      headers: { origin: consoleOrigin, 'access-control-request-method': 'POST' },
    });
    const fromConsole = await postForm(
      tokenUrl,
      { grant_type: 'refresh_token', client_id: consoleClient.clientId, refresh_token: 'x' },
      { origin: consoleOrigin },
    );
    const fromElsewhere = await postForm(
      tokenUrl,
      { grant_type: 'refresh_token', client_id: consoleClient.clientId, refresh_token: 'x' },
      { origin: 'https://attacker.example' },
    );
    const json = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token' }),
    });

    // Assess
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(consoleOrigin);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
    expect(fromConsole.headers.get('access-control-allow-origin')).toBe(consoleOrigin);
    expect(fromElsewhere.headers.get('access-control-allow-origin')).toBeNull();
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('sends the browser back to a registered sign-out URL only', async () => {
    // Act
    const registered = await fetch(
      `${provider.endpoint('logout')}?client_id=console-client&logout_uri=${encodeURIComponent(`${consoleOrigin}/console/`)}`,
      { redirect: 'manual' },
    );
    const other = await fetch(
      `${provider.endpoint('logout')}?client_id=console-client&logout_uri=${encodeURIComponent('https://attacker.example/')}`,
      { redirect: 'manual' },
    );

    // Assess
    expect(registered.status).toBe(302);
    expect(registered.headers.get('location')).toBe(`${consoleOrigin}/console/`);
    expect(other.status).toBe(400);
  });
});
