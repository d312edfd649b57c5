/**
 * Where clients sign in: the OAuth endpoints of the user pool's domain (Cognito's managed login, or
 * the local identity provider, which serves the same paths) and the app clients of the CLI and the
 * web console. Read by `GET /v1/auth/config`, so `mlp login --api-url X` and the console need only
 * the API's address.
 */
import { NotFoundError } from '../errors.ts';

/** The endpoint paths of a Cognito user pool domain. */
export const COGNITO_OAUTH_PATHS = {
  authorize: '/oauth2/authorize',
  token: '/oauth2/token',
  revoke: '/oauth2/revoke',
  logout: '/logout',
} as const;

/**
 * The CLI app client's callback on AWS. Cognito compares callback URLs exactly and allows plain
 * http only for localhost, so the CLI listens on this one port there.
 */
export const CLI_CALLBACK_URL = 'http://localhost:8976/callback';

/** The scopes the platform's app clients ask for. */
export const SIGN_IN_SCOPES = ['openid', 'email', 'profile'] as const;

export interface SignInSettings {
  /** The token issuer the API accepts. */
  readonly issuer: string;
  /** `https://<prefix>.auth.<region>.amazoncognito.com`, or the local identity provider's URL. */
  readonly domainUrl?: string;
  readonly cliClientId?: string;
  readonly cliRedirectUri?: string;
  readonly consoleClientId?: string;
}

export interface SignInDiscovery {
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly revocationEndpoint: string;
  readonly logoutEndpoint: string;
  readonly scopes: readonly string[];
  readonly cliClientId: string;
  /** The redirect URI the CLI listens on; port 0 means any free loopback port (RFC 8252). */
  readonly cliRedirectUri: string;
  readonly consoleClientId?: string;
}

export function signInDiscovery(settings: SignInSettings): SignInDiscovery {
  const { domainUrl, cliClientId, cliRedirectUri } = settings;
  if (domainUrl === undefined || cliClientId === undefined || cliRedirectUri === undefined) {
    throw new NotFoundError(
      'Browser sign-in is not configured on this deployment (no user pool domain or CLI app client); use an API key.',
    );
  }
  const base = domainUrl.replace(/\/+$/, '');
  return {
    issuer: settings.issuer,
    authorizationEndpoint: `${base}${COGNITO_OAUTH_PATHS.authorize}`,
    tokenEndpoint: `${base}${COGNITO_OAUTH_PATHS.token}`,
    revocationEndpoint: `${base}${COGNITO_OAUTH_PATHS.revoke}`,
    logoutEndpoint: `${base}${COGNITO_OAUTH_PATHS.logout}`,
    scopes: [...SIGN_IN_SCOPES],
    cliClientId,
    cliRedirectUri,
    ...(settings.consoleClientId === undefined ? {} : { consoleClientId: settings.consoleClientId }),
  };
}
