/**
 * Every HTTP handler is built here, so each gets the same pipeline:
 * observability → problem+json errors → request id → caller (401/403) → rate limit (429)
 * → input validation (400/413/415) → Idempotency-Key replay → the route's use case.
 *
 * @example
 * export const handler = httpHandler(routes.getApiKey, async ({ principal, params }) =>
 *   ok(await getApiKey(principal, params.keyId, deps)));
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod';
import { config } from '#config';
import { assertAdmin, assertScopeAllows } from '#core/auth/access-rules.ts';
import type { Principal } from '#core/auth/principal.ts';
import { problemFromError } from '#core/http/problem.ts';
import { runIdempotently, type StoredResponse } from '#core/idempotency/idempotency.ts';
import { RateBudget, rateSubject } from '#core/rate-limit/rate-limit.ts';
import { logger, metrics, tracer } from '#observability';
import { idempotencyStore, rateCounter } from '../../adapters/dependencies.ts';
import type { RouteDefinition } from '../routes.ts';
import { principalFromContext } from './authorizer-context.ts';
import { type BodyFastPath, bodyBytes, type ParsedInput, parseRequestInput } from './request-input.ts';

type SchemaOutput<S> = S extends z.ZodType ? z.output<S> : undefined;
type RequestPart<R extends RouteDefinition, K extends 'params' | 'query' | 'body'> = R['request'] extends {
  [P in K]: infer S;
}
  ? SchemaOutput<S>
  : undefined;

export interface HttpRequest<R extends RouteDefinition> {
  readonly principal: R['access'] extends 'public' ? Principal | undefined : Principal;
  readonly params: RequestPart<R, 'params'>;
  readonly query: RequestPart<R, 'query'>;
  readonly body: RequestPart<R, 'body'>;
  /** Set when the route takes binary bodies and this request sent one (then `body` is undefined). */
  readonly binary: Uint8Array | undefined;
  readonly requestId: string;
  readonly event: APIGatewayProxyEventV2;
}

export interface HttpResult {
  readonly status: number;
  /** Serialized as JSON unless `text` is given. */
  readonly body?: unknown;
  readonly text?: string;
  readonly headers?: Record<string, string>;
}

export const ok = (body: unknown): HttpResult => ({ status: 200, body });
export const created = (body: unknown, location?: string): HttpResult => ({
  status: 201,
  body,
  ...(location === undefined ? {} : { headers: { location } }),
});

type Result = APIGatewayProxyStructuredResultV2;

interface PlatformContext extends Context {
  principal?: Principal;
  input?: ParsedInput;
  pendingRateCheck?: Promise<unknown>;
}

type Middleware = MiddlewareObj<APIGatewayProxyEventV2, Result, Error, PlatformContext>;

function requestIdOf(event: APIGatewayProxyEventV2): string {
  return event.requestContext?.requestId ?? 'unknown';
}

/**
 * The one error mapper in action: any thrown error becomes a problem+json response, or, on Open
 * Inference Protocol routes, the `{"error": "..."}` body that protocol's clients expect.
 */
const problemResponses = (route: RouteDefinition): Middleware => ({
  onError: (request) => {
    const problem = problemFromError(request.error, {
      requestId: requestIdOf(request.event),
      path: request.event.rawPath,
    });
    if (problem.unexpected) logger.error('Unhandled error', { error: request.error as Error });
    // A known 5xx (a dependency down, a model's unusable output) is still the platform's to look at.
    else if (problem.status >= 500) logger.error('Request failed', { error: request.error as Error });
    else logger.info('Request refused', { status: problem.status, detail: problem.body.detail });
    request.response =
      route.errorFormat === 'oip'
        ? {
            statusCode: problem.status,
            headers: { ...problem.headers, 'content-type': 'application/json' },
            body: JSON.stringify({ error: problem.body.detail }),
          }
        : { statusCode: problem.status, headers: problem.headers, body: JSON.stringify(problem.body) };
  },
});

/** Stamps the request id on every response and counts responses by route and status class. */
const responseStamp = (route: RouteDefinition): Middleware => {
  const stamp: Middleware['after'] = (request) => {
    if (!request.response) return;
    request.response.headers = { ...request.response.headers, 'x-request-id': requestIdOf(request.event) };
    metrics.addDimension('operation', route.operationId);
    metrics.addMetric(`Http${Math.floor((request.response.statusCode ?? 200) / 100)}xx`, MetricUnit.Count, 1);
  };
  return { after: stamp, onError: stamp };
};

const authenticate = (route: RouteDefinition): Middleware => ({
  before: (request) => {
    if (route.access === 'public') return;
    // Typed loosely on purpose: the shape is checked by zod in principalFromContext.
    const { authorizer } = request.event.requestContext as { authorizer?: { lambda?: unknown } };
    const principal = principalFromContext(authorizer?.lambda);
    assertScopeAllows(principal, route.scope);
    if (route.access === 'admin') assertAdmin(principal, `call ${route.method} ${route.path}`);
    request.context.principal = principal;
    logger.appendKeys({ caller: principal.username, via: principal.via });
  },
});

/** Budget leases live as long as the container. */
const rateBudget = new RateBudget(rateCounter);

/**
 * Spends one unit of the caller's budget. On routes without side effects (reads and predictions)
 * the counter's round trip overlaps the work and a caller over budget still gets 429 at the end;
 * routes that change something wait for the verdict first, so a refused request changes nothing.
 */
const rateLimit = (route: RouteDefinition): Middleware => {
  const sideEffectFree = route.method === 'GET' || route.scope === 'predict';
  return {
    before: async (request) => {
      const principal = request.context.principal;
      if (principal === undefined) return;
      const decision = rateBudget.consume(principal, config().limits.ratePerMinute, new Date());
      if (sideEffectFree) {
        // Observed in `after`; a handler error makes the verdict moot.
        decision.catch(() => undefined);
        request.context.pendingRateCheck = decision;
        return;
      }
      await decision;
    },
    after: async (request) => {
      await request.context.pendingRateCheck;
    },
  };
};

const parseInput = (route: RouteDefinition, bodyFastPath: BodyFastPath | undefined): Middleware => ({
  before: (request) => {
    request.context.input = parseRequestInput(
      route,
      request.event,
      config().limits.maxRequestBodyBytes,
      bodyFastPath,
    );
  },
});

function toResponse(result: HttpResult): StoredResponse {
  const isText = result.text !== undefined;
  return {
    statusCode: result.status,
    headers: {
      'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json',
      'cache-control': 'no-store',
      ...result.headers,
    },
    body: isText ? (result.text ?? '') : result.body === undefined ? '' : JSON.stringify(result.body),
  };
}

export interface HttpHandlerOptions {
  /** A specialised check of the JSON body that the route's zod schema backs (see BodyFastPath). */
  readonly bodyFastPath?: BodyFastPath;
}

export function httpHandler<const R extends RouteDefinition>(
  route: R,
  useCase: (request: HttpRequest<R>) => Promise<HttpResult>,
  options: HttpHandlerOptions = {},
) {
  const run = async (event: APIGatewayProxyEventV2, context: PlatformContext): Promise<Result> => {
    const input = context.input ?? { params: undefined, query: undefined, body: undefined };
    const request = {
      principal: context.principal,
      params: input.params,
      query: input.query,
      body: input.body,
      binary: input.binary,
      requestId: requestIdOf(event),
      event,
    } as HttpRequest<R>;
    const idempotencyKey = event.headers['idempotency-key'];
    if (route.idempotent !== true || idempotencyKey === undefined || context.principal === undefined) {
      return toResponse(await useCase(request));
    }
    const response = await runIdempotently(
      {
        subject: rateSubject(context.principal),
        operation: route.operationId,
        key: idempotencyKey,
        body: bodyBytes(event),
      },
      idempotencyStore,
      config().limits.idempotencyTtlSeconds,
      () => new Date(),
      async () => toResponse(await useCase(request)),
    );
    const { replayed, ...stored } = response;
    return replayed ? { ...stored, headers: { ...stored.headers, 'idempotent-replayed': 'true' } } : stored;
  };

  return (
    middy<APIGatewayProxyEventV2, Result, Error, PlatformContext>()
      .use(captureLambdaHandler(tracer))
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(logMetrics(metrics))
      // onError hooks run in reverse order: the problem response exists before it is stamped.
      .use(responseStamp(route))
      .use(problemResponses(route))
      .use(authenticate(route))
      .use(rateLimit(route))
      .use(parseInput(route, options.bodyFastPath))
      .handler(run)
  );
}
