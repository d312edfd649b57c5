/**
 * The one place errors become HTTP: RFC 9457 problem details. Known platform errors keep their
 * message; anything else is a 500 whose body says nothing internal (the log has the cause).
 */
import { PlatformError, RateLimitedError, ValidationError } from '../errors.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://ml-platform.dev/problems/';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  field?: string;
  row?: number;
  errors?: readonly { field: string; message: string }[];
  [extension: string]: unknown;
}

export interface MappedProblem {
  status: number;
  headers: Record<string, string>;
  body: ProblemDetails;
  /** True when the error was unexpected and must be logged with its stack. */
  unexpected: boolean;
}

function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function problemFromError(
  error: unknown,
  context: { requestId?: string; path?: string } = {},
): MappedProblem {
  const base = { instance: context.path, requestId: context.requestId };
  if (error instanceof PlatformError) {
    const headers: Record<string, string> = { 'content-type': PROBLEM_CONTENT_TYPE };
    if (error instanceof RateLimitedError) headers['retry-after'] = String(error.retryAfterSeconds);
    const { field, row, ...extensions } = error.details;
    const body: ProblemDetails = {
      type: `${PROBLEM_TYPE_BASE}${slug(error.title)}`,
      title: error.title,
      status: error.status,
      detail: error.message,
      ...base,
      ...(field === undefined ? {} : { field }),
      ...(row === undefined ? {} : { row }),
      ...extensions,
      ...(error instanceof ValidationError && error.issues.length > 0 ? { errors: error.issues } : {}),
    };
    return { status: error.status, headers, body, unexpected: false };
  }
  return {
    status: 500,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE },
    body: {
      type: `${PROBLEM_TYPE_BASE}internal-error`,
      title: 'Internal error',
      status: 500,
      detail: 'The request could not be completed. Quote the request id when reporting this.',
      ...base,
    },
    unexpected: true,
  };
}
