/**
 * The OAuth 2.0 calls the console makes: read where to sign in (the platform's `GET /v1/auth/config`
 * or an OpenID discovery document), build the authorization URL (code + PKCE S256), exchange a
 * code, refresh, and build the logout URL. Plain functions over fetch, so tests run them against
 * the local identity provider.
 */
import type { IdentitySettings } from '../config.ts';
import type { Tokens } from './session-store.ts';

const DEFAULT_SCOPES = ['openid', 'email', 'profile'];

/** The settings with the provider's endpoints and every default filled in. */
export interface ResolvedIdentity {
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly logoutEndpoint?: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly redirectUri: string;
  readonly logoutRedirectUri: string;
}

export class SignInError extends Error {
  /** The provider's `error` code when it sent one (`invalid_grant`, `access_denied`…). */
  readonly code: string | undefined;
  constructor(message: string, code?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SignInError';
    this.code = code;
  }
}

const stringField = (document: Record<string, unknown>, ...names: string[]): string | undefined => {
  for (const name of names) {
    const value = document[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
};

/** Reads the platform's discovery answer (camelCase) or an OpenID one (snake_case). */
export function resolveIdentity(
  settings: IdentitySettings,
  document: Record<string, unknown>,
): ResolvedIdentity {
  const authorizationEndpoint = stringField(document, 'authorizationEndpoint', 'authorization_endpoint');
  const tokenEndpoint = stringField(document, 'tokenEndpoint', 'token_endpoint');
  if (authorizationEndpoint === undefined || tokenEndpoint === undefined) {
    throw new SignInError(
      'The identity provider offers no authorization-code sign-in (no authorization or token endpoint).',
    );
  }
  const clientId = settings.clientId ?? stringField(document, 'consoleClientId');
  if (clientId === undefined) {
    throw new SignInError(
      'This deployment has no app client for the console (config.json names none, and neither does the sign-in discovery).',
    );
  }
  const logoutEndpoint =
    settings.logoutEndpoint ?? stringField(document, 'logoutEndpoint', 'end_session_endpoint');
  const discoveredScopes = Array.isArray(document.scopes)
    ? document.scopes.filter((s) => typeof s === 'string')
    : [];
  return {
    authorizationEndpoint,
    tokenEndpoint,
    ...(logoutEndpoint === undefined ? {} : { logoutEndpoint }),
    clientId,
    scopes: settings.scopes ?? (discoveredScopes.length > 0 ? discoveredScopes : DEFAULT_SCOPES),
    redirectUri: settings.redirectUri,
    logoutRedirectUri: settings.logoutRedirectUri,
  };
}

export async function discoverIdentity(
  settings: IdentitySettings,
  fetchImpl: typeof fetch,
): Promise<ResolvedIdentity> {
  let response: Response;
  try {
    response = await fetchImpl(settings.discoveryUrl, { headers: { accept: 'application/json' } });
  } catch (cause) {
    throw new SignInError(`Where to sign in could not be read from ${settings.discoveryUrl}.`, undefined, {
      cause,
    });
  }
  const document = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const detail = typeof document.detail === 'string' ? `: ${document.detail}` : '.';
    throw new SignInError(
      `The sign-in discovery (${settings.discoveryUrl}) answered ${response.status}${detail}`,
    );
  }
  return resolveIdentity(settings, document);
}

export function authorizationUrl(
  identity: ResolvedIdentity,
  request: { state: string; codeChallenge: string },
): string {
  const url = new URL(identity.authorizationEndpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', identity.clientId);
  url.searchParams.set('redirect_uri', identity.redirectUri);
  url.searchParams.set('scope', identity.scopes.join(' '));
  url.searchParams.set('state', request.state);
  url.searchParams.set('code_challenge', request.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

/** Cognito's /logout takes `client_id` and `logout_uri`, which the local identity provider follows. */
export function logoutUrl(identity: ResolvedIdentity): string | undefined {
  if (identity.logoutEndpoint === undefined) return undefined;
  const url = new URL(identity.logoutEndpoint);
  url.searchParams.set('client_id', identity.clientId);
  url.searchParams.set('logout_uri', identity.logoutRedirectUri);
  return url.toString();
}

async function tokenRequest(
  endpoint: string,
  form: Record<string, string>,
  fetchImpl: typeof fetch,
  now: number,
  previous?: Tokens,
): Promise<Tokens> {
  let response: Response;
  try {
    response = await fetchImpl(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
    });
  } catch (cause) {
    throw new SignInError('The identity provider could not be reached.', undefined, { cause });
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body.access_token !== 'string') {
    const code = typeof body.error === 'string' ? body.error : `http_${response.status}`;
    const description = typeof body.error_description === 'string' ? body.error_description : undefined;
    throw new SignInError(description ?? `The token endpoint answered ${response.status} (${code}).`, code);
  }
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 3600;
  // A refresh answer may omit the refresh and ID tokens: the ones held stay valid.
  const refreshToken = typeof body.refresh_token === 'string' ? body.refresh_token : previous?.refreshToken;
  const idToken = typeof body.id_token === 'string' ? body.id_token : previous?.idToken;
  return {
    accessToken: body.access_token,
    expiresAt: now + expiresIn * 1000,
    ...(refreshToken === undefined ? {} : { refreshToken }),
    ...(idToken === undefined ? {} : { idToken }),
  };
}

export function exchangeCode(
  identity: ResolvedIdentity,
  grant: { code: string; codeVerifier: string },
  fetchImpl: typeof fetch,
  now: number,
): Promise<Tokens> {
  return tokenRequest(
    identity.tokenEndpoint,
    {
      grant_type: 'authorization_code',
      client_id: identity.clientId,
      code: grant.code,
      redirect_uri: identity.redirectUri,
      code_verifier: grant.codeVerifier,
    },
    fetchImpl,
    now,
  );
}

export function refreshTokens(
  identity: ResolvedIdentity,
  tokens: Tokens & { refreshToken: string },
  fetchImpl: typeof fetch,
  now: number,
): Promise<Tokens> {
  return tokenRequest(
    identity.tokenEndpoint,
    { grant_type: 'refresh_token', client_id: identity.clientId, refresh_token: tokens.refreshToken },
    fetchImpl,
    now,
    tokens,
  );
}
