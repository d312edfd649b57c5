/**
 * The local API Gateway: an HTTP server that matches each request to a route of the route table,
 * runs the route's authorizer and handler in-process with API Gateway's payload 2.0 events, and
 * returns their responses unchanged. Gateway-level behaviour (404 for unknown routes, CORS
 * preflight, the 10 MB payload ceiling, 401 without invoking the authorizer when its identity source
 * header is missing, 403 on an authorizer's denial, 500 when a function throws) follows HTTP API's.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { RouteDefinition } from '#http/routes.ts';
import {
  authorizerEventOf,
  type GatewayResponse,
  gatewayError,
  gatewayResponse,
  type IncomingRequest,
  newRequestId,
  proxyEventOf,
  requestParts,
} from './events.ts';
import { lambdaContext } from './lambda-context.ts';
import { type CompiledRoute, compileRoutes, matchRoute } from './router.ts';

/** API Gateway HTTP API's payload quota. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

type LambdaHandler = (event: unknown, context: unknown) => Promise<unknown>;

export interface CorsOptions {
  readonly allowOrigins: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSeconds: number;
}

/** Something served under a path prefix before the route table is consulted (the web console). */
export interface LocalSite {
  /** `/console`: the prefix itself and every path below it. */
  readonly prefix: string;
  /** `host`: the request's Host header, so a site may answer for the name it was reached by. */
  handle(method: string, pathname: string, host?: string): Promise<GatewayResponse>;
}

export interface LocalGatewayOptions {
  readonly routes: readonly RouteDefinition[];
  readonly authorizerEntry: string;
  /** Lower-case headers the authorizer's identity source names; all must be present and non-empty. */
  readonly identitySourceHeaders: readonly string[];
  /** Directory the route entries are relative to. */
  readonly root: string;
  readonly host: string;
  readonly port: number;
  readonly cors?: CorsOptions;
  /** On AWS these are CloudFront's; locally the gateway serves them on its own origin. */
  readonly sites?: readonly LocalSite[];
  readonly onRequest?: (line: { method: string; path: string; status: number; ms: number }) => void;
}

export class LocalApiGateway {
  readonly #server: Server;
  readonly url: string;

  private constructor(server: Server, url: string) {
    this.#server = server;
    this.url = url;
  }

  static async start(options: LocalGatewayOptions): Promise<LocalApiGateway> {
    const compiled = compileRoutes(options.routes);
    const modules = new Map<string, Promise<LambdaHandler>>();
    const load = (entry: string): Promise<LambdaHandler> => {
      let loaded = modules.get(entry);
      if (loaded === undefined) {
        loaded = import(pathToFileURL(`${options.root}/${entry}`).href).then(
          (module: { handler?: unknown }) => {
            if (typeof module.handler !== 'function') throw new Error(`${entry} exports no handler`);
            return module.handler as LambdaHandler;
          },
        );
        modules.set(entry, loaded);
      }
      return loaded;
    };

    const server = createServer((req, res) => {
      const started = performance.now();
      handle(req, compiled, options, load)
        .catch((error: unknown) => {
          // What CloudWatch would show for a crashed invocation; the client gets API Gateway's 500.
          console.error(`[gateway] ${req.method} ${req.url} failed:`, error);
          return gatewayError(500, 'Internal Server Error');
        })
        .then((response) => {
          send(res, response);
          options.onRequest?.({
            method: req.method ?? 'GET',
            path: req.url ?? '/',
            status: response.statusCode,
            ms: Math.round(performance.now() - started),
          });
        });
    });
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE'
            ? new Error(`port ${options.port} on ${options.host} is in use; choose another with --port`)
            : error,
        ),
      );
      server.listen(options.port, options.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return new LocalApiGateway(server, `http://${options.host}:${port}`);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/**
 * The request body, or 'too-large' past the payload quota (the request is then destroyed, as the
 * stream's async iterator did when left early). Stream events rather than `for await`: the async
 * iterator cost about 20 µs a request under load, a tenth of a 1-row prediction's whole trip.
 */
function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PAYLOAD_BYTES) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.destroy();
      resolve('too-large');
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function corsHeaders(cors: CorsOptions | undefined, origin: string | undefined): Record<string, string> {
  if (cors === undefined || origin === undefined) return {};
  const allowed = cors.allowOrigins.includes('*') || cors.allowOrigins.includes(origin);
  if (!allowed) return {};
  return {
    'access-control-allow-origin': cors.allowOrigins.includes('*') ? '*' : origin,
    'access-control-expose-headers': cors.exposeHeaders.join(','),
    vary: 'origin',
  };
}

async function handle(
  req: IncomingMessage,
  compiled: readonly CompiledRoute[],
  options: LocalGatewayOptions,
  load: (entry: string) => Promise<LambdaHandler>,
): Promise<GatewayResponse> {
  const url = new URL(req.url ?? '/', 'http://local');
  const method = (req.method ?? 'GET').toUpperCase();
  const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
  const cors = corsHeaders(options.cors, origin);

  if (method === 'OPTIONS' && options.cors && req.headers['access-control-request-method']) {
    return {
      statusCode: 204,
      headers: {
        ...cors,
        'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE,OPTIONS',
        'access-control-allow-headers': options.cors.allowHeaders.join(','),
        'access-control-max-age': String(options.cors.maxAgeSeconds),
      },
      body: Buffer.alloc(0),
    };
  }

  const site = options.sites?.find(
    ({ prefix }) => url.pathname === prefix || url.pathname.startsWith(`${prefix}/`),
  );
  if (site !== undefined) {
    return site.handle(
      method,
      url.pathname,
      typeof req.headers.host === 'string' ? req.headers.host : undefined,
    );
  }

  const match = matchRoute(compiled, method, url.pathname);
  if (match.kind === 'none') return withHeaders(gatewayError(404, 'Not Found'), cors);

  const body = await readBody(req);
  if (body === 'too-large') return withHeaders(gatewayError(413, 'Request Entity Too Large'), cors);

  const incoming: IncomingRequest = {
    method,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers: req.headers,
    body,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    host: String(req.headers.host ?? 'localhost'),
  };
  const requestId = newRequestId();
  const route = { routeKey: match.compiled.routeKey, pathParameters: match.pathParameters };
  const parts = requestParts(incoming, route, requestId);

  let authorizerContext: Record<string, unknown> | undefined;
  if (match.compiled.route.access !== 'public') {
    const missing = options.identitySourceHeaders.some((name) => {
      const value = req.headers[name];
      return typeof value !== 'string' || value.trim() === '';
    });
    // HTTP API answers this itself, with its own body, and never invokes the authorizer.
    if (missing) return withHeaders(gatewayError(401, 'Unauthorized'), cors);
    const authorizer = await load(options.authorizerEntry);
    const decision = (await authorizer(
      authorizerEventOf(
        parts,
        options.identitySourceHeaders.map((name) => String(req.headers[name])),
      ),
      lambdaContext('authorizer', requestId),
    )) as { isAuthorized?: boolean; context?: Record<string, unknown> } | undefined;
    if (decision?.isAuthorized !== true) return withHeaders(gatewayError(403, 'Forbidden'), cors);
    authorizerContext = decision.context ?? {};
  }

  const handler = await load(match.compiled.route.entry);
  const result = await handler(
    proxyEventOf(parts, authorizerContext),
    lambdaContext(match.compiled.route.operationId, requestId),
  );
  const response = gatewayResponse(result);
  return withHeaders(response, { ...cors, 'apigw-requestid': requestId });
}

function withHeaders(response: GatewayResponse, extra: Record<string, string>): GatewayResponse {
  return { ...response, headers: { ...extra, ...response.headers } };
}

function send(res: ServerResponse, response: GatewayResponse): void {
  res.writeHead(response.statusCode, { ...response.headers, 'content-length': String(response.body.length) });
  res.end(response.body);
}
