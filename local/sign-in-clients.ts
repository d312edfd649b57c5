/**
 * The local platform's OAuth app clients, as the AWS deployment's (infra/constructs/auth.ts): the
 * CLI's, which may listen on any loopback port (RFC 8252 §7.3), and the web console's, served by the
 * local API under `/console/`, whose redirect URIs name the API's port.
 */
import { SIGN_IN_SCOPES } from '#core/auth/sign-in.ts';
import type { OAuthClient } from './identity-provider/oauth/clients.ts';

export const LOCAL_CLI_CLIENT_ID = 'local-cli-client';
export const LOCAL_CONSOLE_CLIENT_ID = 'local-console-client';
/** What GET /v1/auth/config tells the CLI: port 0, any free loopback port. */
export const LOCAL_CLI_REDIRECT_URI = 'http://127.0.0.1:0/callback';

export const localCliClient: OAuthClient = {
  clientId: LOCAL_CLI_CLIENT_ID,
  name: 'the mlp command line',
  redirectUris: [],
  loopbackRedirectUris: ['http://127.0.0.1/callback', 'http://localhost/callback'],
  scopes: SIGN_IN_SCOPES,
};

/** The console's client for an API at `apiUrl` (none of its URIs before the API listens). */
export function localConsoleClient(apiUrl?: string): OAuthClient {
  const port = apiUrl === undefined ? undefined : new URL(apiUrl).port;
  const origins = port === undefined ? [] : [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  return {
    clientId: LOCAL_CONSOLE_CLIENT_ID,
    name: 'the web console',
    redirectUris: origins.map((origin) => `${origin}/console/callback`),
    logoutUris: origins.map((origin) => `${origin}/console/`),
    scopes: SIGN_IN_SCOPES,
  };
}
