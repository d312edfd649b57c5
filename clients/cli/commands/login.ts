/** `mlp login`, `mlp logout`, `mlp whoami`. */
import type { Command } from 'commander';
import { createPlatformClient, unwrap } from '../../sdk/src/index.ts';
import { signInWithBrowser } from '../browser-sign-in.ts';
import type { StoredCredential } from '../config-store.ts';
import { type CliContext, globals, parsePositiveInt } from '../context.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { revokeRefreshToken } from '../oauth.ts';
import { printJson, printLine } from '../output.ts';
import { clientFor } from '../session.ts';

export const DEFAULT_API_URL = 'http://127.0.0.1:3000';

/** `npm start` puts the local identity provider on the port after the API's. */
export function localIdentityUrl(apiUrl: string): string {
  const url = new URL(apiUrl);
  url.port = String(Number(url.port || (url.protocol === 'https:' ? 443 : 80)) + 1);
  return url.origin;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

async function localToken(identityUrl: string, username: string, expiresInSeconds: number) {
  let response: Response;
  try {
    response = await fetch(`${identityUrl}/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, expiresInSeconds }),
    });
  } catch {
    throw new CliError(
      `The local identity provider did not answer at ${identityUrl}: start the platform (npm start) or give --identity-url.`,
      EXIT.unavailable,
    );
  }
  const body = (await response.json().catch(() => ({}))) as { accessToken?: string; message?: string };
  if (!response.ok || body.accessToken === undefined) {
    throw new CliError(body.message ?? `The local identity provider answered ${response.status}.`, EXIT.auth);
  }
  return body.accessToken;
}

export function registerLogin(program: Command, context: CliContext): void {
  program
    .command('login')
    .description('Sign in and keep the credential in your config directory (mode 0600), under --profile.')
    .option('--api-url <url>', 'the API, without /v1', DEFAULT_API_URL)
    .option('--local <username>', 'sign in as a user of the local identity provider (npm start)')
    .option('--identity-url <url>', 'the local identity provider (default: the port after the API)')
    .option('--api-key <key>', 'sign in with an API key ("-" reads it from stdin, keeping it out of ps)')
    .option('--expires-in <seconds>', 'local tokens: lifetime in seconds', '43200')
    .option(
      '--port <port>',
      'browser sign-in: the loopback port to receive the redirect on',
      parsePositiveInt('--port'),
    )
    .option('--no-browser', 'browser sign-in: only print the URL to open (headless machines)')
    .option(
      '--timeout <seconds>',
      'browser sign-in: how long to wait for it',
      parsePositiveInt('--timeout'),
      300,
    )
    .addHelpText(
      'after',
      "\nWithout --local or --api-key, signs in with the browser: opens the identity provider's sign-in page\n" +
        '(Cognito on AWS, the local identity provider under npm start), prints its URL too, and waits for the\n' +
        'redirect on a loopback port. The tokens are refreshed before they expire; mlp logout revokes them.\n' +
        '\nExamples:\n  mlp login --api-url https://abc.execute-api.eu-west-1.amazonaws.com\n  mlp login --local alice\n' +
        '  mlp login --api-url https://abc.execute-api.eu-west-1.amazonaws.com --api-key - < key.txt',
    )
    .action(
      async (
        options: {
          apiUrl: string;
          local?: string;
          identityUrl?: string;
          apiKey?: string;
          expiresIn: string;
          port?: number;
          browser: boolean;
          timeout: number;
        },
        command: Command,
      ) => {
        const { profile, json } = globals(command);
        if (options.local !== undefined && options.apiKey !== undefined) {
          throw new CliError('Give one of --local <username> or --api-key <key>, not both.', EXIT.usage);
        }
        const apiUrl = options.apiUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
        let credential: StoredCredential;
        if (options.local === undefined && options.apiKey === undefined) {
          credential = await signInWithBrowser({
            apiUrl,
            io: context.io,
            openBrowser: options.browser,
            timeoutMs: options.timeout * 1000,
            ...(options.port === undefined ? {} : { port: options.port }),
          });
        } else if (options.local !== undefined) {
          const seconds = Number(options.expiresIn);
          if (!Number.isInteger(seconds) || seconds < 1)
            throw new CliError('--expires-in must be a whole number of seconds.', EXIT.usage);
          const accessToken = await localToken(
            options.identityUrl ?? localIdentityUrl(apiUrl),
            options.local,
            seconds,
          );
          credential = {
            kind: 'token',
            accessToken,
            expiresAt: new Date(Date.now() + seconds * 1000).toISOString(),
            username: options.local,
            source: 'local',
          };
        } else {
          const apiKey = options.apiKey === '-' ? await readStdin() : (options.apiKey ?? '');
          if (apiKey === '') throw new CliError('The API key is empty.', EXIT.usage);
          credential = { kind: 'apiKey', apiKey };
        }
        const api = createPlatformClient({
          baseUrl: apiUrl,
          credential: credential.kind === 'apiKey' ? credential.apiKey : credential.accessToken,
        });
        const me = unwrap(await api.api.GET('/v1/me'));
        if (credential.kind === 'oauth') credential = { ...credential, username: me.username };
        await context.store.save(profile, { apiUrl, credential });
        if (json) printJson(context.io, { profile, apiUrl, caller: me });
        else
          printLine(
            context.io,
            `Signed in to ${apiUrl} as ${me.username} (profile ${profile}, saved in ${context.store.path}).`,
          );
      },
    );

  program
    .command('logout')
    .description("Forget the profile's credential; a browser sign-in's refresh token is revoked first.")
    .action(async (_: unknown, command: Command) => {
      const { profile } = globals(command);
      const stored = (await context.store.read()).profiles[profile];
      let revoked = '';
      if (stored?.credential.kind === 'oauth') {
        const { revocationEndpoint, clientId, refreshToken } = stored.credential;
        revoked = (await revokeRefreshToken(revocationEndpoint, clientId, refreshToken))
          ? ' (refresh token revoked)'
          : ' (the identity provider did not confirm revoking the refresh token; it ends on its own within 30 days)';
      }
      const removed = await context.store.remove(profile);
      printLine(
        context.io,
        removed ? `Signed out of profile ${profile}${revoked}.` : `Profile ${profile} was not signed in.`,
      );
    });

  program
    .command('whoami')
    .description('Who the platform takes you for.')
    .action(async (_: unknown, command: Command) => {
      const { profile, json } = globals(command);
      const stored = await context.store.profile(profile);
      const me = unwrap(await (await clientFor(context.store, profile)).api.GET('/v1/me'));
      if (json) printJson(context.io, me);
      else printLine(context.io, `${me.username} (${me.role}) at ${stored.apiUrl}, via ${me.via}`);
    });
}
