/**
 * The OAuth 2.0 endpoints of the local identity provider, shaped like a Cognito user pool domain's
 * (managed login / hosted UI), so the CLI and the web console sign in with the same code locally
 * and on AWS:
 * - `GET /oauth2/authorize`: authorization code + PKCE (S256 only) → the sign-in page;
 * - `POST /login`: the page's form → 302 to `redirect_uri?code=…&state=…`;
 * - `POST /oauth2/token`: `authorization_code` (one-time code, verifier checked) and `refresh_token`;
 * - `POST /oauth2/revoke`: revokes a refresh token (RFC 7009);
 * - `GET /logout?client_id&logout_uri`: back to a registered sign-out URI.
 * Errors follow RFC 6749: redirected to the client once its redirect URI is known to be registered,
 * an HTML page before that, `{error, error_description}` with 400 from the token endpoint.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { COGNITO_OAUTH_PATHS } from '#core/auth/sign-in.ts';
import type { IssuedTokens } from '../tokens.ts';
import { browserOrigins, isRegisteredRedirect, type OAuthClient } from './clients.ts';
import { AuthorizationGrants, type AuthorizationRequest } from './grants.ts';
import { isS256Challenge, verifierMatches } from './pkce.ts';
import type { RefreshTokens } from './refresh-tokens.ts';
import { renderErrorPage, renderSignInPage, signInPagePolicy } from './sign-in-page.ts';

/** Cognito's paths, and `/login`, where its hosted UI's form posts too. */
export const OAUTH_PATHS = { ...COGNITO_OAUTH_PATHS, login: '/login' } as const;

const FORM = 'application/x-www-form-urlencoded';

export interface OAuthDependencies {
  readonly refreshTokens: RefreshTokens;
  /** Whether the user exists and is enabled. */
  readonly canSignIn: (username: string) => boolean;
  /** Signs tokens for an enabled user, or throws (unknown or disabled user). */
  readonly issueTokens: (
    username: string,
    options: { clientId: string; scope: string; nonce?: string },
  ) => Promise<IssuedTokens>;
  readonly readBody: (request: IncomingMessage) => Promise<string>;
  readonly now?: () => number;
}

class OAuthError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, description: string, status = 400) {
    super(description);
    this.name = 'OAuthError';
    this.code = code;
    this.status = status;
  }
}

function sendHtml(response: ServerResponse, status: number, html: string, policy: string): void {
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'content-security-policy': policy,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  });
  response.end(html);
}

function redirect(response: ServerResponse, location: string): void {
  response.writeHead(302, { location, 'cache-control': 'no-store', 'content-length': 0 });
  response.end();
}

function withParams(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

const single = (params: URLSearchParams, name: string): string | undefined => {
  const values = params.getAll(name);
  if (values.length > 1) throw new OAuthError('invalid_request', `${name} is given more than once.`);
  return values[0] === '' ? undefined : values[0];
};

const required = (params: URLSearchParams, name: string): string => {
  const value = single(params, name);
  if (value === undefined) throw new OAuthError('invalid_request', `${name} is required.`);
  return value;
};

export class OAuthEndpoints {
  readonly #clients = new Map<string, OAuthClient>();
  readonly #grants: AuthorizationGrants;
  readonly #deps: OAuthDependencies;

  constructor(clients: readonly OAuthClient[], deps: OAuthDependencies) {
    for (const client of clients) this.#clients.set(client.clientId, client);
    this.#grants = new AuthorizationGrants(deps.now);
    this.#deps = deps;
  }

  /** Adds or replaces a client (the console's redirect URIs are known once the API listens). */
  register(client: OAuthClient): void {
    this.#clients.set(client.clientId, client);
  }

  get clientIds(): string[] {
    return [...this.#clients.keys()];
  }

  /** Answers the request when its path is an OAuth endpoint; false otherwise. */
  async handle(
    path: string,
    method: string,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<boolean> {
    const routes: Record<string, Record<string, () => Promise<void> | void>> = {
      [OAUTH_PATHS.authorize]: { GET: () => this.#authorize(request, response) },
      [OAUTH_PATHS.login]: { POST: () => this.#login(request, response) },
      [OAUTH_PATHS.token]: {
        POST: () => this.#tokenEndpoint(request, response, () => this.#token(request)),
        OPTIONS: () => this.#preflight(request, response),
      },
      [OAUTH_PATHS.revoke]: {
        POST: () => this.#tokenEndpoint(request, response, () => this.#revoke(request)),
        OPTIONS: () => this.#preflight(request, response),
      },
      [OAUTH_PATHS.logout]: { GET: () => this.#logout(request, response) },
    };
    const methods = routes[path];
    if (!methods) return false;
    const run = methods[method];
    if (!run) {
      response.writeHead(405, { allow: Object.keys(methods).join(', '), 'content-length': 0 });
      response.end();
      return true;
    }
    await run();
    return true;
  }

  /** The client and redirect URI, checked before anything is sent to that URI. */
  #clientAndRedirect(params: URLSearchParams): { client: OAuthClient; redirectUri: string } {
    const client = this.#clients.get(single(params, 'client_id') ?? '');
    if (!client) throw new OAuthError('invalid_client', 'client_id names no registered app client.');
    const redirectUri = single(params, 'redirect_uri') ?? '';
    if (!isRegisteredRedirect(client, redirectUri)) {
      throw new OAuthError(
        'invalid_request',
        `redirect_uri ${JSON.stringify(redirectUri)} is not registered for ${client.name}.`,
      );
    }
    return { client, redirectUri };
  }

  #authorize(request: IncomingMessage, response: ServerResponse): void {
    const params = new URL(request.url ?? '/', 'http://localhost').searchParams;
    let client: OAuthClient;
    let redirectUri: string;
    try {
      ({ client, redirectUri } = this.#clientAndRedirect(params));
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      sendHtml(response, 400, renderErrorPage(error.message), signInPagePolicy());
      return;
    }
    const state = params.get('state') ?? undefined;
    try {
      const authorization = this.#validateAuthorization(params, client, redirectUri);
      const requestId = this.#grants.signInRequests.add(authorization);
      sendHtml(
        response,
        200,
        renderSignInPage({ requestId, clientName: client.name }),
        signInPagePolicy(new URL(redirectUri).origin),
      );
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      redirect(
        response,
        withParams(redirectUri, { error: error.code, error_description: error.message, state }),
      );
    }
  }

  #validateAuthorization(
    params: URLSearchParams,
    client: OAuthClient,
    redirectUri: string,
  ): AuthorizationRequest {
    if (single(params, 'response_type') !== 'code') {
      throw new OAuthError('unsupported_response_type', 'Only response_type=code is supported.');
    }
    const method = single(params, 'code_challenge_method');
    const codeChallenge = single(params, 'code_challenge');
    if (method !== 'S256' || codeChallenge === undefined || !isS256Challenge(codeChallenge)) {
      throw new OAuthError(
        'invalid_request',
        'PKCE is required: send code_challenge (BASE64URL(SHA-256(code_verifier))) with code_challenge_method=S256; plain is refused.',
      );
    }
    const asked = (single(params, 'scope') ?? '').split(' ').filter((scope) => scope !== '');
    const unknown = asked.filter((scope) => !client.scopes.includes(scope));
    if (unknown.length > 0) throw new OAuthError('invalid_scope', `Unknown scope: ${unknown.join(' ')}.`);
    const state = single(params, 'state');
    const nonce = single(params, 'nonce');
    return {
      clientId: client.clientId,
      redirectUri,
      scopes: asked.length > 0 ? asked : [...client.scopes],
      codeChallenge,
      ...(state === undefined ? {} : { state }),
      ...(nonce === undefined ? {} : { nonce }),
    };
  }

  async #login(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await this.#deps.readBody(request));
    const requestId = form.get('request') ?? '';
    const authorization = this.#grants.signInRequests.get(requestId);
    if (!authorization) {
      return sendHtml(
        response,
        400,
        renderErrorPage(
          'This sign-in page has expired or was already used: start again from the application.',
        ),
        signInPagePolicy(),
      );
    }
    const client = this.#clients.get(authorization.clientId);
    const username = (form.get('username') ?? '').trim();
    const redirectOrigin = new URL(authorization.redirectUri).origin;
    if (!this.#deps.canSignIn(username)) {
      return sendHtml(
        response,
        401,
        renderSignInPage({
          requestId,
          clientName: client?.name ?? authorization.clientId,
          username,
          error: username === '' ? 'Enter a username.' : `No enabled user is called ${username}.`,
        }),
        signInPagePolicy(redirectOrigin),
      );
    }
    this.#grants.signInRequests.take(requestId);
    const code = this.#grants.codes.add({ request: authorization, username });
    redirect(response, withParams(authorization.redirectUri, { code, state: authorization.state }));
  }

  /** Runs a token-endpoint operation: form body, CORS for the console, `no-store`, RFC 6749 errors. */
  async #tokenEndpoint(
    request: IncomingMessage,
    response: ServerResponse,
    operation: () => Promise<unknown>,
  ): Promise<void> {
    const headers: Record<string, string> = {
      'cache-control': 'no-store',
      pragma: 'no-cache',
      ...this.#corsHeaders(request),
    };
    let status = 200;
    let body: unknown;
    try {
      const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (type !== FORM) throw new OAuthError('invalid_request', `Send the parameters as ${FORM}.`);
      body = await operation();
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      status = error.status;
      body = { error: error.code, error_description: error.message };
    }
    const payload = body === undefined ? '' : JSON.stringify(body);
    response.writeHead(status, {
      ...headers,
      ...(payload === '' ? {} : { 'content-type': 'application/json' }),
      'content-length': Buffer.byteLength(payload),
    });
    response.end(payload);
  }

  async #token(request: IncomingMessage): Promise<unknown> {
    const form = new URLSearchParams(await this.#deps.readBody(request));
    const grantType = required(form, 'grant_type');
    const clientId = required(form, 'client_id');
    const client = this.#clients.get(clientId);
    if (!client) throw new OAuthError('invalid_client', 'client_id names no registered app client.');
    if (grantType === 'authorization_code') return this.#redeemCode(form, client);
    if (grantType === 'refresh_token') return this.#refresh(form, client);
    throw new OAuthError('unsupported_grant_type', 'grant_type must be authorization_code or refresh_token.');
  }

  async #redeemCode(form: URLSearchParams, client: OAuthClient): Promise<unknown> {
    const code = required(form, 'code');
    const redirectUri = required(form, 'redirect_uri');
    const verifier = required(form, 'code_verifier');
    // Spent by this attempt whatever its outcome, so a stolen code cannot be tried twice.
    const issued = this.#grants.codes.take(code);
    if (!issued || issued.request.clientId !== client.clientId) {
      throw new OAuthError('invalid_grant', 'The code is unknown, expired or already used.');
    }
    if (issued.request.redirectUri !== redirectUri) {
      throw new OAuthError('invalid_grant', 'redirect_uri differs from the one the code was issued for.');
    }
    if (!verifierMatches(verifier, issued.request.codeChallenge)) {
      throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge.');
    }
    const scope = issued.request.scopes.join(' ');
    const tokens = await this.#sign(issued.username, client.clientId, scope, issued.request.nonce);
    const refreshToken = await this.#deps.refreshTokens.issue({
      username: issued.username,
      clientId: client.clientId,
      scopes: [...issued.request.scopes],
    });
    return { ...tokens, refresh_token: refreshToken };
  }

  /** As Cognito without refresh-token rotation: new access and ID tokens, the same refresh token. */
  async #refresh(form: URLSearchParams, client: OAuthClient): Promise<unknown> {
    const grant = this.#deps.refreshTokens.find(required(form, 'refresh_token'), client.clientId);
    if (!grant) throw new OAuthError('invalid_grant', 'The refresh token is unknown, expired or revoked.');
    return this.#sign(grant.username, client.clientId, grant.scopes.join(' '));
  }

  async #sign(username: string, clientId: string, scope: string, nonce?: string) {
    let tokens: IssuedTokens;
    try {
      tokens = await this.#deps.issueTokens(username, {
        clientId,
        scope,
        ...(nonce === undefined ? {} : { nonce }),
      });
    } catch {
      throw new OAuthError('invalid_grant', 'The user no longer exists or is disabled.');
    }
    return {
      access_token: tokens.accessToken,
      id_token: tokens.idToken,
      expires_in: tokens.expiresIn,
      token_type: 'Bearer',
    };
  }

  async #revoke(request: IncomingMessage): Promise<undefined> {
    const form = new URLSearchParams(await this.#deps.readBody(request));
    const token = required(form, 'token');
    const clientId = required(form, 'client_id');
    if (!this.#clients.has(clientId)) {
      throw new OAuthError('invalid_client', 'client_id names no registered app client.');
    }
    // RFC 7009 §2.2: an unknown token answers 200 too; there is nothing to tell the caller.
    await this.#deps.refreshTokens.revoke(token, clientId);
    return undefined;
  }

  #logout(request: IncomingMessage, response: ServerResponse): void {
    const params = new URL(request.url ?? '/', 'http://localhost').searchParams;
    const client = this.#clients.get(params.get('client_id') ?? '');
    const logoutUri = params.get('logout_uri') ?? '';
    if (!client || !(client.logoutUris ?? []).includes(logoutUri)) {
      sendHtml(
        response,
        400,
        renderErrorPage(
          'client_id and logout_uri must name a registered app client and one of its sign-out URLs.',
        ),
        signInPagePolicy(),
      );
      return;
    }
    // No session cookie to clear: every authorization shows the sign-in page again.
    redirect(response, logoutUri);
  }

  #corsHeaders(request: IncomingMessage): Record<string, string> {
    const origin = request.headers.origin;
    if (origin === undefined || !browserOrigins(this.#clients.values()).has(origin)) return {};
    return { 'access-control-allow-origin': origin, vary: 'Origin' };
  }

  #preflight(request: IncomingMessage, response: ServerResponse): void {
    const cors = this.#corsHeaders(request);
    response.writeHead(cors['access-control-allow-origin'] ? 204 : 403, {
      ...cors,
      ...(cors['access-control-allow-origin']
        ? {
            'access-control-allow-methods': 'POST',
            'access-control-allow-headers': 'content-type',
            'access-control-max-age': '600',
          }
        : {}),
      'content-length': 0,
    });
    response.end();
  }
}
