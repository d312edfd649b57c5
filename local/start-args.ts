/**
 * `npm start`'s command line: parsed without throwing, so a misspelt option is one line on stderr
 * rather than a stack trace.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_DATA_DIR } from './data-dir.ts';

export const START_USAGE = [
  'Usage: npm start -- [--port <n>] [--host <addr>] [--data-dir <dir>] [--cors-origin <origin>]... [--quiet]',
  '  Runs the whole platform on this machine (API, S3 and DynamoDB emulators, identity provider).',
  '  --port         the API port (default 3000, or $PORT); the next three ports serve the identity',
  '                 provider, S3 and DynamoDB',
  '  --host         the address to listen on (default 127.0.0.1)',
  '  --data-dir     where data is kept across restarts (default .local-data); give npm run token the same',
  '  --cors-origin  a browser origin allowed to call the API (repeatable)',
  '  --quiet        no line per request',
  '  --help, -h     this text',
].join('\n');

export interface StartOptions {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly corsOrigins: readonly string[];
  readonly quiet: boolean;
}

export type ParsedStartArgs =
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'start'; readonly options: StartOptions };

const options = {
  port: { type: 'string' },
  host: { type: 'string', default: '127.0.0.1' },
  'data-dir': { type: 'string', default: DEFAULT_DATA_DIR },
  'cors-origin': { type: 'string', multiple: true, default: [] as string[] },
  quiet: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const parseValues = (argv: readonly string[]) =>
  parseArgs({ args: [...argv], options, allowPositionals: false }).values;

/** Node's own text for an unknown option is about positionals; a misspelling wants the right name. */
function describeParseError(error: unknown): string {
  const { code, message } = error as { code?: string; message: string };
  const unknown = /^Unknown option '(-{1,2}[^']*)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown !== undefined) {
    const guess = closestOption(unknown.replace(/^-+/, ''));
    return `Unknown option ${unknown}${guess === undefined ? '' : ` (did you mean --${guess}?)`}.`;
  }
  return message.split('\n')[0] ?? 'Invalid arguments.';
}

function closestOption(given: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of Object.keys(options)) {
    const distance = editDistance(given, name);
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * @example
 * const parsed = parseStartArgs(process.argv.slice(2), process.env.PORT);
 * if (parsed.kind === 'error') console.error(parsed.message);
 */
export function parseStartArgs(argv: readonly string[], defaultPort = '3000'): ParsedStartArgs {
  let values: ReturnType<typeof parseValues>;
  try {
    values = parseValues(argv);
  } catch (error) {
    return { kind: 'error', message: `${describeParseError(error)} Run npm start -- --help for usage.` };
  }
  if (values.help) return { kind: 'help' };
  const rawPort = values.port ?? defaultPort;
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port < 1 || port > 65530) {
    return { kind: 'error', message: `--port must be a port number from 1 to 65530 (got "${rawPort}").` };
  }
  return {
    kind: 'start',
    options: {
      port,
      host: values.host,
      dataDir: values['data-dir'],
      corsOrigins: values['cors-origin'],
      quiet: values.quiet,
    },
  };
}
