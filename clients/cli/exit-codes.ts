/**
 * What `mlp` exits with, so scripts can tell failures apart; an error is one line on stderr, the
 * API's problem detail when there is one, never a stack.
 */
import { ApiError } from '../sdk/src/index.ts';

export const EXIT = {
  ok: 0,
  /** The API refused the request (4xx other than below), or a training job failed. */
  failed: 1,
  /** Bad command line: unknown command or option, missing argument. */
  usage: 2,
  /** Not signed in, the session expired, or the credential was refused (401, 403). */
  auth: 3,
  /** The dataset, model, version or job does not exist (404). */
  notFound: 4,
  /** The platform did not answer or answered 5xx, 429: worth retrying. */
  unavailable: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  readonly exitCode: ExitCode;

  constructor(message: string, exitCode: ExitCode = EXIT.failed) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export function exitCodeOfStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return EXIT.auth;
  if (status === 404) return EXIT.notFound;
  if (status === 429 || status >= 500) return EXIT.unavailable;
  return EXIT.failed;
}

/** One line for stderr and the exit code, for anything a command throws. */
export function describeFailure(error: unknown): { message: string; exitCode: ExitCode } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof ApiError) {
    const hint = error.status === 401 ? ' Run mlp login.' : '';
    const id = error.requestId === undefined ? '' : ` (request ${error.requestId})`;
    return { message: `${oneLine(error.message)}${hint}${id}`, exitCode: exitCodeOfStatus(error.status) };
  }
  const cause = (error as { cause?: { code?: string } })?.cause;
  if (error instanceof TypeError && error.message === 'fetch failed') {
    return {
      message: `Could not reach the platform${cause?.code ? ` (${cause.code})` : ''}: is it running, and is the profile's API URL right?`,
      exitCode: EXIT.unavailable,
    };
  }
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ECONNRESET') {
    return { message: `Could not reach the platform (${code}).`, exitCode: EXIT.unavailable };
  }
  return { message: oneLine(error instanceof Error ? error.message : String(error)), exitCode: EXIT.failed };
}

function oneLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
