/**
 * `node local/token.ts <username> [--id] [--expires-in <s>] [--data-dir <dir>]`: prints a token for a
 * local user, signed with the key in the platform's data directory (the same `--data-dir` as
 * `npm start`), with no server running. The issuer and client
 * id are those the server recorded when it last started, so the running platform accepts the token.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_DATA_DIR, identityDataDir } from '../data-dir.ts';
import { readSigningKey, readUserPoolState } from './state.ts';
import { DEFAULT_TOKEN_LIFETIME_SECONDS, TokenSigner } from './tokens.ts';

export const TOKEN_CLI_USAGE =
  'Usage: node local/token.ts <username> [--id] [--expires-in <seconds>] [--data-dir <dir>]\n' +
  '  Prints an access token (an ID token with --id) for a user of the local identity provider.\n' +
  `  --expires-in  lifetime in seconds, 1 to 86400 (default ${DEFAULT_TOKEN_LIFETIME_SECONDS})\n` +
  "  --data-dir    the platform's data directory, as given to npm start (default .local-data)";

export interface CliOutput {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const processOutput: CliOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const options = {
  id: { type: 'boolean' },
  'expires-in': { type: 'string' },
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parse(argv: readonly string[]) {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'Invalid arguments.');
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true } as const;
  if (positionals.length !== 1 || !positionals[0]) {
    throw new UsageError(positionals.length === 0 ? 'Give a username.' : 'Give exactly one username.');
  }
  const rawExpiry = values['expires-in'];
  const expiresInSeconds = rawExpiry === undefined ? undefined : Number(rawExpiry);
  if (expiresInSeconds !== undefined && !/^\d+$/.test(rawExpiry ?? '')) {
    throw new UsageError(`--expires-in must be a whole number of seconds, not "${rawExpiry}".`);
  }
  return {
    help: false,
    username: positionals[0],
    idToken: values.id === true,
    expiresInSeconds,
    dataDir: values['data-dir'],
  } as const;
}

/**
 * Runs the CLI and returns its exit code; errors are one line on `err`.
 * @example
 * process.exitCode = await runTokenCli(['alice', '--id']);
 */
export async function runTokenCli(
  argv: readonly string[],
  output: CliOutput = processOutput,
  defaultDataDir: string = DEFAULT_DATA_DIR,
): Promise<number> {
  try {
    const args = parse(argv);
    if (args.help) {
      output.out(TOKEN_CLI_USAGE);
      return 0;
    }
    const dataDir = args.dataDir ?? defaultDataDir;
    const identityDir = identityDataDir(dataDir);
    const [signingKey, state] = await Promise.all([
      readSigningKey(identityDir),
      readUserPoolState(identityDir),
    ]);
    if (!signingKey || !state?.server) {
      output.err(
        `The local platform has never run with data directory ${dataDir}: start it once (npm start -- --data-dir ${dataDir}), then retry.`,
      );
      return 1;
    }
    const user = state.users.find((u) => u.username === args.username);
    if (!user) {
      const known = state.users.map((u) => u.username).join(', ') || 'none';
      output.err(
        `No user "${args.username}" in the local identity provider (${identityDir}); known users: ${known}.`,
      );
      return 1;
    }
    const signer = await TokenSigner.create({
      signingKey,
      issuer: state.server.issuer,
      clientId: state.server.clientId,
    });
    if (!user.enabled) {
      output.err(`User "${user.username}" is disabled in the local identity provider; enable them first.`);
      return 1;
    }
    const tokens = await signer.sign(
      user,
      args.expiresInSeconds === undefined ? {} : { expiresInSeconds: args.expiresInSeconds },
    );
    output.out(args.idToken ? tokens.idToken : tokens.accessToken);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`${error.message} Run with --help for usage.`);
    } else {
      output.err(error instanceof Error ? (error.message.split('\n')[0] ?? String(error)) : String(error));
    }
    return 1;
  }
}
