/**
 * Builds the events API Gateway's HTTP API sends to Lambda (payload format 2.0) from a plain
 * node:http request, and turns a handler's result back into an HTTP response the way API Gateway
 * does, so handlers run locally exactly as deployed.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  APIGatewayRequestAuthorizerEventV2,
} from 'aws-lambda';

export interface IncomingRequest {
  readonly method: string;
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly host: string;
}

export interface MatchedRoute {
  readonly routeKey: string;
  readonly pathParameters: Record<string, string>;
}

const TEXT_TYPES = /^(?:text\/|application\/(?:[\w.+-]+\+)?(?:json|xml|javascript|x-www-form-urlencoded))/i;

/** API Gateway joins repeated headers and query parameters with commas and lower-cases header names. */
function joinHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === 'cookie') continue;
    joined[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return joined;
}

function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString.length === 0) return undefined;
  const params: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    params[name] = params[name] === undefined ? value : `${params[name]},${value}`;
  }
  return params;
}

function requestContext(request: IncomingRequest, routeKey: string, requestId: string, now: Date) {
  return {
    accountId: '000000000000',
    apiId: 'local',
    domainName: request.host,
    domainPrefix: request.host.split('.')[0] ?? request.host,
    http: {
      method: request.method,
      path: request.rawPath,
      protocol: 'HTTP/1.1',
      sourceIp: request.sourceIp,
      userAgent: String(request.headers['user-agent'] ?? ''),
    },
    requestId,
    routeKey,
    stage: '$default',
    time: now.toUTCString(),
    timeEpoch: now.getTime(),
  };
}

export function newRequestId(): string {
  return randomUUID();
}

/**
 * What the authorizer's event and the handler's share, worked out once per request: the joined
 * headers, the query parameters and the request context. The two events hold the same objects; the
 * authorizer has finished with its event before the handler gets its own.
 */
export interface RequestParts {
  readonly request: IncomingRequest;
  readonly route: MatchedRoute;
  readonly headers: Record<string, string>;
  readonly query: Record<string, string> | undefined;
  readonly context: ReturnType<typeof requestContext>;
}

export function requestParts(
  request: IncomingRequest,
  route: MatchedRoute,
  requestId: string,
  now = new Date(),
): RequestParts {
  return {
    request,
    route,
    headers: joinHeaders(request.headers),
    query: queryParameters(request.rawQueryString),
    context: requestContext(request, route.routeKey, requestId, now),
  };
}

export function proxyEvent(
  request: IncomingRequest,
  route: MatchedRoute,
  requestId: string,
  authorizerContext: Record<string, unknown> | undefined,
  now = new Date(),
): APIGatewayProxyEventV2 {
  return proxyEventOf(requestParts(request, route, requestId, now), authorizerContext);
}

export function proxyEventOf(
  parts: RequestParts,
  authorizerContext: Record<string, unknown> | undefined,
): APIGatewayProxyEventV2 {
  const { request, route } = parts;
  const contentType = request.headers['content-type'] ?? '';
  const isText = request.body.length === 0 || TEXT_TYPES.test(contentType);
  const cookies = request.headers.cookie
    ?.split(';')
    .map((c) => c.trim())
    .filter(Boolean);
  const event = {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    ...(cookies && cookies.length > 0 ? { cookies } : {}),
    headers: parts.headers,
    queryStringParameters: parts.query,
    pathParameters: Object.keys(route.pathParameters).length > 0 ? route.pathParameters : undefined,
    requestContext:
      authorizerContext === undefined
        ? parts.context
        : { ...parts.context, authorizer: { lambda: authorizerContext } },
    body: request.body.length === 0 ? undefined : request.body.toString(isText ? 'utf8' : 'base64'),
    isBase64Encoded: !isText,
  };
  return event as APIGatewayProxyEventV2;
}

export function authorizerEvent(
  request: IncomingRequest,
  route: MatchedRoute,
  requestId: string,
  identitySource: readonly string[] = [],
  now = new Date(),
): APIGatewayRequestAuthorizerEventV2 {
  return authorizerEventOf(requestParts(request, route, requestId, now), identitySource);
}

export function authorizerEventOf(
  parts: RequestParts,
  identitySource: readonly string[] = [],
): APIGatewayRequestAuthorizerEventV2 {
  const { request, route } = parts;
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${route.routeKey.replace(' ', '')}`,
    identitySource: [...identitySource],
    routeKey: route.routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    headers: parts.headers,
    queryStringParameters: parts.query ?? {},
    pathParameters: route.pathParameters,
    stageVariables: {},
    requestContext: parts.context,
  } as unknown as APIGatewayRequestAuthorizerEventV2;
}

export interface GatewayResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

/**
 * API Gateway's reading of a payload-2.0 result: an object with `statusCode` is taken as is;
 * anything else is treated as a JSON body with status 200.
 */
export function gatewayResponse(result: unknown): GatewayResponse {
  if (result !== null && typeof result === 'object' && 'statusCode' in result) {
    const structured = result as APIGatewayProxyStructuredResultV2;
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(structured.headers ?? {}))
      headers[name.toLowerCase()] = String(value);
    if (structured.cookies && structured.cookies.length > 0) headers['set-cookie'] = structured.cookies;
    const body =
      structured.body === undefined
        ? Buffer.alloc(0)
        : Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8');
    return { statusCode: structured.statusCode ?? 200, headers, body };
  }
  const body =
    result === undefined
      ? Buffer.alloc(0)
      : Buffer.from(typeof result === 'string' ? result : JSON.stringify(result));
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body };
}

/** API Gateway's own error bodies, for failures that never reach a handler. */
export function gatewayError(statusCode: number, message: string): GatewayResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ message })),
  };
}
