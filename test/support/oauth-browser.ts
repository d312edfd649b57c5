/**
 * Plays the browser in an authorization code sign-in against the local identity provider: opens the
 * authorization URL, submits the sign-in page's form with a username, and hands back where the
 * provider redirects (the client's redirect URI with `code` and `state`), without following it.
 */
import { randomBytes } from 'node:crypto';
import { s256Challenge } from '../../local/identity-provider/oauth/pkce.ts';

export interface PkcePair {
  readonly verifier: string;
  readonly challenge: string;
}

export function pkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: s256Challenge(verifier) };
}

export interface AuthorizeParams {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly challenge: string;
  readonly state?: string;
  readonly scope?: string;
  readonly method?: string;
}

/** The authorization URL for `endpoint` (`…/oauth2/authorize`). */
export function authorizeUrl(endpoint: string, params: AuthorizeParams): string {
  const url = new URL(endpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', params.clientId);
  url.searchParams.set('redirect_uri', params.redirectUri);
  url.searchParams.set('code_challenge', params.challenge);
  url.searchParams.set('code_challenge_method', params.method ?? 'S256');
  url.searchParams.set('scope', params.scope ?? 'openid email profile');
  if (params.state !== undefined) url.searchParams.set('state', params.state);
  return url.toString();
}

/** The hidden `request` field of a sign-in page. */
export function signInRequestId(html: string): string {
  const match = /name="request" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error(`No sign-in form in the page: ${html.slice(0, 200)}`);
  return match[1];
}

/** GET the authorization URL, POST the form as `username`; the redirect's Location (status 302). */
export async function signInThroughBrowser(authorizationUrl: string, username: string): Promise<URL> {
  const page = await fetch(authorizationUrl, { redirect: 'manual' });
  const html = await page.text();
  if (page.status !== 200)
    throw new Error(`The authorization URL answered ${page.status}: ${html.slice(0, 200)}`);
  const submitted = await fetch(new URL('/login', authorizationUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request: signInRequestId(html), username }),
  });
  const location = submitted.headers.get('location');
  if (submitted.status !== 302 || location === null) {
    throw new Error(
      `The sign-in form answered ${submitted.status}: ${(await submitted.text()).slice(0, 200)}`,
    );
  }
  return new URL(location);
}

/** POST a form to the token endpoint (or the revocation endpoint). */
export async function postForm(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}
