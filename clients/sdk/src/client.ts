/**
 * The typed client: openapi-fetch over the generated `paths`, with the credential sent as
 * `Authorization: Bearer` on every call, and `unwrap` turning a problem+json answer into an ApiError.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './generated/api.ts';

export type Api = Client<paths>;
export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];

/** A bearer token or API key, or a function giving one (called per request, so it may refresh). */
export type Credential = string | (() => string | Promise<string>);

export interface PlatformClientOptions {
  /** The API's base URL, without `/v1`: `http://127.0.0.1:3000` or the API Gateway stage URL. */
  readonly baseUrl: string;
  readonly credential?: Credential;
  /** Defaults to the global fetch. */
  readonly fetch?: typeof fetch;
}

export interface PlatformClient {
  readonly baseUrl: string;
  readonly api: Api;
  readonly fetch: typeof fetch;
}

/** An answer other than 2xx: `problem` is the RFC 9457 body (or what the gateway sent instead). */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Partial<Problem> & Record<string, unknown>;
  readonly requestId: string | undefined;

  constructor(status: number, body: unknown, requestId: string | undefined) {
    const problem = problemOf(status, body);
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.requestId = requestId;
  }
}

function problemOf(status: number, body: unknown): ApiError['problem'] {
  if (body !== null && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    // API Gateway's own 401 and 403 bodies are `{"message": "..."}`.
    if (typeof record.detail !== 'string' && typeof record.message === 'string') {
      return { ...record, status, detail: record.message };
    }
    return record as ApiError['problem'];
  }
  return typeof body === 'string' && body.length > 0 ? { status, detail: body } : { status };
}

/**
 * @example
 * const client = createPlatformClient({ baseUrl: 'http://127.0.0.1:3000', credential: process.env.TOKEN });
 * const me = unwrap(await client.api.GET('/v1/me'));
 */
export function createPlatformClient(options: PlatformClientOptions): PlatformClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const api = createClient<paths>({ baseUrl, fetch: fetchImpl });
  const { credential } = options;
  if (credential !== undefined) {
    api.use({
      async onRequest({ request }) {
        const value = typeof credential === 'string' ? credential : await credential();
        request.headers.set('authorization', `Bearer ${value}`);
        return request;
      },
    });
  }
  return { baseUrl, api, fetch: fetchImpl };
}

/**
 * The data of an openapi-fetch result, or an ApiError for an error answer.
 * @throws ApiError
 */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.error === undefined) return result.data as T;
  throw new ApiError(
    result.response.status,
    result.error,
    result.response.headers.get('x-request-id') ?? undefined,
  );
}
