/**
 * `mlp login` in the browser: find the identity provider (GET /v1/auth/config), listen on a loopback
 * port, open (and print) the authorization URL, wait for the redirect, exchange the code with the
 * PKCE verifier. The same flow against Cognito's domain and against the local identity provider.
 */
import { spawn } from 'node:child_process';
import { ApiError, createPlatformClient, unwrap } from '../sdk/src/index.ts';
import type { StoredCredential } from './config-store.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { startLoopbackReceiver } from './loopback-receiver.ts';
import { authorizationUrl, createPkce, exchangeCode, randomState, type SignInConfig } from './oauth.ts';
import type { CliIo } from './output.ts';

export interface BrowserSignInOptions {
  readonly apiUrl: string;
  readonly io: CliIo;
  /** Try to open the system browser; the URL is printed either way. */
  readonly openBrowser: boolean;
  readonly timeoutMs: number;
  /** Overrides the redirect URI's port. */
  readonly port?: number;
}

async function readSignInConfig(apiUrl: string): Promise<SignInConfig> {
  try {
    return unwrap(await createPlatformClient({ baseUrl: apiUrl }).api.GET('/v1/auth/config'));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      throw new CliError(
        `${apiUrl} has no browser sign-in configured: sign in with an API key (mlp login --api-key -).`,
        EXIT.failed,
      );
    }
    throw error;
  }
}

/** Hands the URL to the desktop's opener; any failure leaves the printed URL as the way in. */
function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No opener on this machine: the URL is printed.
  }
}

/** Signs in; the credential's `username` is filled in by the caller from GET /v1/me. */
export async function signInWithBrowser(options: BrowserSignInOptions): Promise<StoredCredential> {
  const config = await readSignInConfig(options.apiUrl);
  const redirect = new URL(config.cliRedirectUri);
  if (options.port !== undefined) redirect.port = String(options.port);
  const state = randomState();
  const pkce = createPkce();
  const receiver = await startLoopbackReceiver({
    redirectUri: redirect.toString(),
    state,
    timeoutMs: options.timeoutMs,
  });
  try {
    const url = authorizationUrl(config, {
      redirectUri: receiver.redirectUri,
      state,
      challenge: pkce.challenge,
    });
    options.io.stderr.write(`Open this URL in a browser to sign in (waiting for it):\n${url}\n`);
    if (options.openBrowser) openInBrowser(url);
    const code = await receiver.code;
    const tokens = await exchangeCode(config, {
      code,
      redirectUri: receiver.redirectUri,
      verifier: pkce.verifier,
    });
    if (tokens.refreshToken === undefined) {
      throw new CliError('The identity provider answered no refresh token.', EXIT.auth);
    }
    return {
      kind: 'oauth',
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: new Date(Date.now() + tokens.expiresIn * 1000).toISOString(),
      username: '',
      clientId: config.cliClientId,
      tokenEndpoint: config.tokenEndpoint,
      revocationEndpoint: config.revocationEndpoint,
    };
  } finally {
    await receiver.close();
  }
}
