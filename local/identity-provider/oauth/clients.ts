/**
 * The app clients the local identity provider signs in through its OAuth endpoints, as Cognito app
 * clients with OAuth enabled: public (no secret), authorization code grant with PKCE, exact redirect
 * URIs; a native client may also name loopback redirect URIs that match on any port (RFC 8252 §7.3).
 */

export interface OAuthClient {
  readonly clientId: string;
  /** Shown on the sign-in page: "to continue to <name>". */
  readonly name: string;
  /** Redirect URIs compared exactly, as Cognito compares its callback URLs. */
  readonly redirectUris: readonly string[];
  /**
   * Loopback redirect URIs whose port may be anything, for command-line tools that listen on a free
   * port: `http://127.0.0.1/callback` admits `http://127.0.0.1:53122/callback`. Loopback hosts only.
   */
  readonly loopbackRedirectUris?: readonly string[];
  /** Where `GET /logout` may send the browser, compared exactly. */
  readonly logoutUris?: readonly string[];
  /** Scopes the client may ask for; the default when a request names none. */
  readonly scopes: readonly string[];
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

function parse(uri: string): URL | undefined {
  try {
    return new URL(uri);
  } catch {
    return undefined;
  }
}

/** A loopback redirect URI without its port, or undefined when `uri` is not one. */
function loopbackWithoutPort(uri: string): string | undefined {
  const url = parse(uri);
  if (url?.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  if (url.username !== '' || url.password !== '' || url.hash !== '') return undefined;
  return `http://${url.hostname}${url.pathname}${url.search}`;
}

/** Whether `client` may be sent back to `redirectUri` with a code. */
export function isRegisteredRedirect(client: OAuthClient, redirectUri: string): boolean {
  if (client.redirectUris.includes(redirectUri)) return true;
  const candidate = loopbackWithoutPort(redirectUri);
  if (candidate === undefined) return false;
  return (client.loopbackRedirectUris ?? []).some((uri) => loopbackWithoutPort(uri) === candidate);
}

/** The origins of the clients' exact redirect URIs: browser apps that may call the token endpoint. */
export function browserOrigins(clients: Iterable<OAuthClient>): Set<string> {
  const origins = new Set<string>();
  for (const client of clients) {
    for (const uri of client.redirectUris) {
      const url = parse(uri);
      if (url && (url.protocol === 'http:' || url.protocol === 'https:')) origins.add(url.origin);
    }
  }
  return origins;
}
