/**
 * The CLI's side of OAuth 2.0 with the platform's identity provider (Cognito's domain, or the local
 * identity provider, which serves the same endpoints): PKCE, the authorization URL, and the token
 * and revocation endpoints' form posts. Where they are comes from GET /v1/auth/config.
 */
import { createHash, randomBytes } from 'node:crypto';
import { CliError, EXIT } from './exit-codes.ts';

/** What GET /v1/auth/config answers (the SDK's AuthConfig). */
export interface SignInConfig {
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly revocationEndpoint: string;
  readonly scopes: readonly string[];
  readonly cliClientId: string;
  readonly cliRedirectUri: string;
}

export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

export function createPkce(): Pkce {
  // 32 random bytes: a 43-character verifier, the shortest RFC 7636 allows, with 256 bits in it.
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export const randomState = (): string => randomBytes(16).toString('base64url');

export function authorizationUrl(
  config: SignInConfig,
  options: { redirectUri: string; state: string; challenge: string },
): string {
  const url = new URL(config.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.cliClientId,
    redirect_uri: options.redirectUri,
    scope: config.scopes.join(' '),
    state: options.state,
    code_challenge: options.challenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

export interface TokenResponse {
  readonly accessToken: string;
  readonly idToken?: string;
  /** Absent on a refresh: the refresh token stays the same. */
  readonly refreshToken?: string;
  readonly expiresIn: number;
}

async function postForm(url: string, form: Record<string, string>): Promise<Response> {
  try {
    return await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
  } catch {
    throw new CliError(`The identity provider did not answer at ${new URL(url).origin}.`, EXIT.unavailable);
  }
}

async function tokenRequest(url: string, form: Record<string, string>): Promise<TokenResponse> {
  const response = await postForm(url, form);
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body.access_token !== 'string') {
    const reason = typeof body.error_description === 'string' ? body.error_description : body.error;
    const exitCode = response.status >= 500 ? EXIT.unavailable : EXIT.auth;
    throw new CliError(
      `The identity provider refused the sign-in (${response.status}${reason ? `: ${String(reason)}` : ''}).`,
      exitCode,
    );
  }
  return {
    accessToken: body.access_token,
    ...(typeof body.id_token === 'string' ? { idToken: body.id_token } : {}),
    ...(typeof body.refresh_token === 'string' ? { refreshToken: body.refresh_token } : {}),
    expiresIn: typeof body.expires_in === 'number' ? body.expires_in : 3600,
  };
}

export function exchangeCode(
  config: SignInConfig,
  options: { code: string; redirectUri: string; verifier: string },
): Promise<TokenResponse> {
  return tokenRequest(config.tokenEndpoint, {
    grant_type: 'authorization_code',
    client_id: config.cliClientId,
    code: options.code,
    redirect_uri: options.redirectUri,
    code_verifier: options.verifier,
  });
}

export function refreshTokens(
  tokenEndpoint: string,
  clientId: string,
  refreshToken: string,
): Promise<TokenResponse> {
  return tokenRequest(tokenEndpoint, {
    grant_type: 'refresh_token',
    client_id: clientId,
    refresh_token: refreshToken,
  });
}

/** Revokes a refresh token (RFC 7009); false when the provider did not confirm. */
export async function revokeRefreshToken(
  revocationEndpoint: string,
  clientId: string,
  refreshToken: string,
): Promise<boolean> {
  try {
    const response = await postForm(revocationEndpoint, { token: refreshToken, client_id: clientId });
    return response.ok;
  } catch {
    return false;
  }
}
