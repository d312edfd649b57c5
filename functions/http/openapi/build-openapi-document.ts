/**
 * Builds the OpenAPI 3.1 document from the route table: one operation per route, its parameters and
 * body from the route's zod request schemas (io `input`: what a client may send), its responses from
 * the route's response schemas (io `output`: what the API sends back), plus the platform's standard
 * problem+json errors. Zod schemas carrying `.meta({ id })` become `#/components/schemas/<id>`.
 * Pure and memoized: built once per version and server URL, at cold start.
 */
import * as z from 'zod';
import { PROBLEM_CONTENT_TYPE } from '#core/http/problem.ts';
import { IDEMPOTENCY_KEY_PATTERN } from '#core/idempotency/idempotency.ts';
import type { Access, RouteDefinition } from '#http/routes.ts';
import { routeList } from '#http/routes.ts';
import { problemSchema } from '#http/schemas/common.ts';

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1). */
export type JsonSchema = { readonly [keyword: string]: unknown };

export interface OpenApiReference {
  readonly $ref: string;
}

export interface OpenApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required?: boolean;
  readonly description?: string;
  readonly schema?: JsonSchema;
}

export interface OpenApiMediaType {
  readonly schema?: JsonSchema;
}

export interface OpenApiHeader {
  readonly description?: string;
  readonly required?: boolean;
  readonly schema?: JsonSchema;
}

export interface OpenApiResponse {
  readonly description: string;
  readonly headers?: Readonly<Record<string, OpenApiHeader | OpenApiReference>>;
  readonly content?: Readonly<Record<string, OpenApiMediaType>>;
}

export interface OpenApiRequestBody {
  readonly description?: string;
  readonly required?: boolean;
  readonly content: Readonly<Record<string, OpenApiMediaType>>;
}

export type OpenApiSecurityRequirement = Readonly<Record<string, readonly string[]>>;

export interface OpenApiOperation {
  readonly operationId: string;
  readonly summary?: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly security?: readonly OpenApiSecurityRequirement[];
  readonly parameters?: readonly (OpenApiParameter | OpenApiReference)[];
  readonly requestBody?: OpenApiRequestBody;
  readonly responses: Readonly<Record<string, OpenApiResponse | OpenApiReference>>;
  /** Who may call the operation: the route's `access`. */
  readonly 'x-access'?: Access;
  /** `predict`: prediction-only API keys are accepted too. */
  readonly 'x-api-key-scope'?: RouteDefinition['scope'];
}

export type OpenApiMethod = 'get' | 'put' | 'post' | 'delete' | 'patch';
export type OpenApiPathItem = Partial<Readonly<Record<OpenApiMethod, OpenApiOperation>>>;

export interface OpenApiSecurityScheme {
  readonly type: 'http' | 'apiKey' | 'oauth2' | 'openIdConnect' | 'mutualTLS';
  readonly description?: string;
  readonly scheme?: string;
  readonly bearerFormat?: string;
  readonly in?: 'header' | 'query' | 'cookie';
  readonly name?: string;
}

export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  readonly servers?: readonly { readonly url: string; readonly description?: string }[];
  readonly tags?: readonly { readonly name: string; readonly description?: string }[];
  readonly security?: readonly OpenApiSecurityRequirement[];
  readonly paths: Readonly<Record<string, OpenApiPathItem>>;
  readonly components?: {
    readonly schemas?: Readonly<Record<string, JsonSchema>>;
    readonly responses?: Readonly<Record<string, OpenApiResponse>>;
    readonly parameters?: Readonly<Record<string, OpenApiParameter>>;
    readonly headers?: Readonly<Record<string, OpenApiHeader>>;
    readonly securitySchemes?: Readonly<Record<string, OpenApiSecurityScheme>>;
  };
}

export interface BuildOpenApiOptions {
  /** The deployed service version, shown as `info.version`. */
  readonly version: string;
  /** The API's base URL; adds a `servers` entry when given. */
  readonly serverUrl?: string;
}

type Io = 'input' | 'output';
type MutableJson = { [keyword: string]: unknown };

const TITLE = 'ML Platform API';
const DESCRIPTION = [
  'Upload a dataset or an ONNX model and get a versioned model behind an authenticated HTTPS endpoint.',
  '',
  'Authentication: send a JWT from the platform Cognito user pool (ID or access token) or an API key as',
  "`Authorization: Bearer <token or key>`; a request without that header gets API Gateway's own 401",
  '(`{"message":"Unauthorized"}`) before any function runs. Operations marked `x-access: admin`',
  'need an admin; API keys with scope `predict` only open operations marked `x-api-key-scope: predict`.',
  'Public operations need neither.',
  '',
  'Errors are RFC 9457 problem details (`application/problem+json`). Every response carries an',
  '`x-request-id` header: quote it when reporting a problem.',
].join('\n');

const SECURITY_SCHEMES = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A JWT (ID or access token) issued by the platform Cognito user pool.',
  },
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'mlp_<keyId>_<secret>',
    description:
      'An API key created with `POST /v1/api-keys`, sent as a Bearer token. Its secret is shown once, at creation.',
  },
} as const satisfies Record<string, OpenApiSecurityScheme>;

const REQUIRES_AUTH: readonly OpenApiSecurityRequirement[] = [{ bearerAuth: [] }, { apiKey: [] }];
const COMPONENTS = '#/components/';
const SCHEMA_REF_PREFIX = `${COMPONENTS}schemas/`;
/** Marks a zod `$defs` reference until every component's final name is known. */
const PENDING_REF = /^pending:(input|output):(.+)$/;
const COMPONENT_NAME = /^[A-Za-z0-9._-]+$/;

const ref = (section: string, name: string): OpenApiReference => ({
  $ref: `${COMPONENTS}${section}/${name}`,
});
const requestIdHeader = { 'x-request-id': ref('headers', 'RequestId') };

/** The platform's problem responses, by status: [component name, description]. */
const STANDARD_ERRORS = {
  400: ['BadRequest', 'The request is malformed: a parameter, header or the body failed validation.'],
  401: [
    'Unauthorized',
    'No valid bearer token or API key was sent. Without any `Authorization` header, API Gateway answers ' +
      'itself, before any function runs, with `{"message":"Unauthorized"}` instead of a problem body.',
  ],
  403: ['Forbidden', 'The caller may not do this: not an admin, not the owner, or a prediction-only key.'],
  404: ['NotFound', 'The resource was not found.'],
  409: ['Conflict', 'A request with this Idempotency-Key is still in progress; retry shortly.'],
  413: ['PayloadTooLarge', 'The body exceeds the size limit.'],
  415: ['UnsupportedMediaType', 'The body is not `application/json`.'],
  422: ['UnprocessableContent', 'The Idempotency-Key is malformed or was used with a different body.'],
  429: [
    'TooManyRequests',
    'The per-minute request budget is spent, or too many failed credentials came for this API key or ' +
      'from this address; retry after `Retry-After` seconds.',
  ],
  500: ['InternalError', 'An unexpected error; the body says nothing internal. Quote the request id.'],
  503: ['ServiceUnavailable', 'A dependency did not answer; safe to retry.'],
} as const satisfies Record<number, readonly [string, string]>;
type StandardErrorStatus = keyof typeof STANDARD_ERRORS;

function standardErrorStatuses(route: RouteDefinition): StandardErrorStatus[] {
  if (route.access === 'public') return [500];
  const statuses: StandardErrorStatus[] = [400, 401, 403, 404, 429, 500, 503];
  if (route.request?.body !== undefined) statuses.push(413, 415);
  if (route.idempotent === true) statuses.push(409, 422);
  // An Open Inference Protocol infer that fits the signature can still fail in the model (422).
  if (route.errorFormat === 'oip' && route.request?.body !== undefined) statuses.push(422);
  return statuses.sort((a, b) => a - b);
}

/** Open Inference Protocol routes answer errors as `{"error": "..."}`, under `V2<name>` components. */
const V2_ERROR_PREFIX = 'V2';
const V2_ERROR_SCHEMA = {
  type: 'object',
  description: 'An Open Inference Protocol error, as KServe and Triton answer it.',
  required: ['error'],
  properties: { error: { type: 'string', description: 'What is wrong, e.g. which input and why.' } },
} as const;

function mapJson(value: unknown, visit: (node: MutableJson) => MutableJson): unknown {
  if (Array.isArray(value)) return value.map((item) => mapJson(item, visit));
  if (value === null || typeof value !== 'object') return value;
  const mapped: MutableJson = {};
  for (const [key, item] of Object.entries(value)) mapped[key] = mapJson(item, visit);
  return visit(mapped);
}

function collectRefs(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) collectRefs(item, into);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') into.push(item);
      else collectRefs(item, into);
    }
  }
  return into;
}

function decodePointerSegment(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

/**
 * Converts zod schemas to JSON Schema, hoisting every schema with an `id` out of the per-conversion
 * `$defs` into one shared set of components. A component used both as input and as output gets one
 * entry when both sides agree, else `<id>` (output) and `<id>Input`.
 */
function createSchemaCollector() {
  const defs: Record<Io, Map<string, MutableJson>> = { input: new Map(), output: new Map() };

  const markRefs = (json: unknown, io: Io): MutableJson =>
    mapJson(json, (node) => {
      const target = node.$ref;
      if (typeof target !== 'string') return node;
      if (!target.startsWith('#/$defs/')) {
        throw new Error(`Unsupported $ref "${target}": give recursive zod schemas a .meta({ id }).`);
      }
      return { ...node, $ref: `pending:${io}:${decodePointerSegment(target.slice('#/$defs/'.length))}` };
    }) as MutableJson;

  function convert(schema: z.ZodType, io: Io): MutableJson {
    const json = JSON.parse(
      JSON.stringify(z.toJSONSchema(schema, { target: 'draft-2020-12', io })),
    ) as MutableJson;
    const found = (json.$defs ?? {}) as Record<string, unknown>;
    delete json.$defs;
    delete json.$schema;
    for (const [id, def] of Object.entries(found)) {
      if (id.startsWith('__') || !COMPONENT_NAME.test(id)) {
        throw new Error(
          `Schema component "${id}" has no usable id: give it .meta({ id }) with [A-Za-z0-9._-].`,
        );
      }
      const marked = markRefs(def, io);
      const existing = defs[io].get(id);
      if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(marked)) {
        throw new Error(`Two different zod schemas share the id "${id}".`);
      }
      defs[io].set(id, marked);
    }
    return markRefs(json, io);
  }

  /** The properties of an object schema (inlined even when it has an id), for parameter lists. */
  function convertObject(
    schema: z.ZodType,
    io: Io,
  ): { properties: Record<string, MutableJson>; required: string[] } {
    let json = convert(schema, io);
    const pending = typeof json.$ref === 'string' ? PENDING_REF.exec(json.$ref) : null;
    if (pending?.[2] !== undefined) json = structuredClone(defs[io].get(pending[2]) ?? {});
    if (json.type !== 'object') throw new Error('Request params and query must be zod object schemas.');
    return {
      properties: (json.properties ?? {}) as Record<string, MutableJson>,
      required: (json.required ?? []) as string[],
    };
  }

  /** Names every component and rewrites the pending references in `document` to them. */
  function finish(document: MutableJson): MutableJson {
    const ids = new Set([...defs.input.keys(), ...defs.output.keys()]);
    const pendingIds = (json: unknown) =>
      collectRefs(json).flatMap((target) => PENDING_REF.exec(target)?.[2] ?? []);
    const sameModuloIo = (a: unknown, b: unknown) =>
      JSON.stringify(a).replaceAll(/pending:(input|output):/g, 'pending:') ===
      JSON.stringify(b).replaceAll(/pending:(input|output):/g, 'pending:');
    const split = new Set<string>();
    for (const id of ids) {
      const input = defs.input.get(id);
      const output = defs.output.get(id);
      if (input !== undefined && output !== undefined && !sameModuloIo(input, output)) split.add(id);
    }
    // A component referring to a split one differs between its input and output sides too.
    for (let changed = true; changed; ) {
      changed = false;
      for (const id of ids) {
        const input = defs.input.get(id);
        if (split.has(id) || input === undefined || !defs.output.has(id)) continue;
        if (pendingIds(input).some((child) => split.has(child))) {
          split.add(id);
          changed = true;
        }
      }
    }
    const nameOf = (io: Io, id: string) => (io === 'input' && split.has(id) ? `${id}Input` : id);
    for (const id of split) {
      if (ids.has(nameOf('input', id))) throw new Error(`Schema id "${nameOf('input', id)}" is taken.`);
    }
    const resolve = (json: unknown) =>
      mapJson(json, (node) => {
        const pending = typeof node.$ref === 'string' ? PENDING_REF.exec(node.$ref) : null;
        if (pending?.[1] === undefined || pending[2] === undefined) return node;
        return { ...node, $ref: `${SCHEMA_REF_PREFIX}${nameOf(pending[1] as Io, pending[2])}` };
      });
    const schemas: MutableJson = {};
    for (const io of ['output', 'input'] as const) {
      for (const [id, def] of defs[io]) {
        const name = nameOf(io, id);
        if (!(name in schemas)) schemas[name] = resolve(def);
      }
    }
    const resolved = resolve(document) as MutableJson;
    const components = (resolved.components ?? {}) as MutableJson;
    resolved.components = { ...components, schemas: { ...(components.schemas as MutableJson), ...schemas } };
    return resolved;
  }

  return { convert, convertObject, finish };
}

/** Drops components nothing refers to, so the document carries no dead entries. */
function pruneComponents(document: MutableJson): void {
  const components = (document.components ?? {}) as Record<string, MutableJson>;
  const lookup = (target: string): unknown => {
    const [section, name] = target.slice(COMPONENTS.length).split('/').map(decodePointerSegment);
    return section === undefined || name === undefined ? undefined : components[section]?.[name];
  };
  const reached = new Set<string>();
  const queue = collectRefs({ ...document, components: undefined });
  for (let target = queue.pop(); target !== undefined; target = queue.pop()) {
    if (reached.has(target)) continue;
    reached.add(target);
    collectRefs(lookup(target), queue);
  }
  for (const [section, entries] of Object.entries(components)) {
    if (section === 'securitySchemes') continue;
    for (const name of Object.keys(entries)) {
      if (!reached.has(`${COMPONENTS}${section}/${name}`)) delete entries[name];
    }
    if (Object.keys(entries).length === 0) delete components[section];
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].flatMap((match) => match[1] ?? []);
}

/** Moves a property's description onto its parameter, where OpenAPI tools show it. */
function parameter(name: string, location: 'path' | 'query', required: boolean, schema: MutableJson) {
  const { description, ...rest } = schema;
  return {
    name,
    in: location,
    required,
    ...(typeof description === 'string' ? { description } : {}),
    schema: rest,
  };
}

function accessDescription(route: RouteDefinition): string {
  if (route.access === 'public') return 'Public: no authentication.';
  const who = route.access === 'admin' ? 'Admins only' : 'Any signed-in user';
  const keys =
    route.scope === 'predict'
      ? 'a bearer token or any API key (prediction-only keys too)'
      : 'a bearer token or a full-scope API key';
  return `${who}, with ${keys}.`;
}

type Collector = ReturnType<typeof createSchemaCollector>;

function buildOperation(route: RouteDefinition, schemas: Collector): MutableJson {
  const parameters: unknown[] = [];
  const declared = route.request?.params ? schemas.convertObject(route.request.params, 'input') : undefined;
  const templateNames = pathParameterNames(route.path);
  for (const name of Object.keys(declared?.properties ?? {})) {
    if (!templateNames.includes(name))
      throw new Error(`${route.operationId}: param "${name}" is not in ${route.path}.`);
  }
  for (const name of templateNames) {
    parameters.push(parameter(name, 'path', true, declared?.properties[name] ?? { type: 'string' }));
  }
  if (route.request?.query) {
    const query = schemas.convertObject(route.request.query, 'input');
    for (const [name, schema] of Object.entries(query.properties)) {
      parameters.push(parameter(name, 'query', query.required.includes(name), schema));
    }
  }
  if (route.idempotent === true) parameters.push(ref('parameters', 'IdempotencyKey'));

  const responses: MutableJson = {};
  for (const [status, response] of Object.entries(route.responses)) {
    const contentType = response.contentType ?? 'application/json';
    const schema = response.schema
      ? schemas.convert(response.schema, 'output')
      : contentType.startsWith('text/')
        ? { type: 'string' }
        : undefined;
    responses[status] = {
      description: response.description,
      headers: requestIdHeader,
      content: { [contentType]: schema === undefined ? {} : { schema } },
    };
  }
  for (const status of standardErrorStatuses(route)) {
    const name = STANDARD_ERRORS[status][0];
    if (!(String(status) in responses))
      responses[status] = ref('responses', route.errorFormat === 'oip' ? `${V2_ERROR_PREFIX}${name}` : name);
  }

  const body = route.request?.body;
  const maxBytes = route.request?.maxBodyBytes;
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: accessDescription(route),
    tags: [route.tag],
    'x-access': route.access,
    'x-api-key-scope': route.scope,
    security: route.access === 'public' ? [] : REQUIRES_AUTH,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body
      ? {
          requestBody: {
            required: true,
            ...(maxBytes === undefined ? {} : { description: `At most ${maxBytes} bytes.` }),
            content: {
              'application/json': { schema: schemas.convert(body, 'input') },
              ...Object.fromEntries(
                (route.request?.rawContentTypes ?? []).map((type) => [type, { schema: { type: 'string' } }]),
              ),
            },
          },
        }
      : {}),
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b))),
  };
}

/**
 * The document for any route list, unmemoized and not frozen: `buildOpenApiDocument` over `routeList`
 * is what the API serves; this is exported for tests of the conversion itself.
 *
 * @example
 * const document = buildOpenApiDocumentFromRoutes([routes.health], { version: 'test' });
 */
export function buildOpenApiDocumentFromRoutes(
  routes: readonly RouteDefinition[],
  { version, serverUrl }: BuildOpenApiOptions,
): OpenApiDocument {
  const schemas = createSchemaCollector();
  const problem = { schema: schemas.convert(problemSchema, 'output') };
  const paths: Record<string, MutableJson> = {};
  const tags: string[] = [];
  for (const route of routes) {
    if (!tags.includes(route.tag)) tags.push(route.tag);
    const item = paths[route.path] ?? {};
    const method = route.method.toLowerCase();
    if (method in item) throw new Error(`Two routes for ${route.method} ${route.path}.`);
    item[method] = buildOperation(route, schemas);
    paths[route.path] = item;
  }

  const errorResponses = Object.fromEntries(
    Object.values(STANDARD_ERRORS).flatMap(([name, description]) => {
      const headers =
        name === 'TooManyRequests'
          ? { ...requestIdHeader, 'Retry-After': ref('headers', 'RetryAfter') }
          : requestIdHeader;
      return [
        [name, { description, headers, content: { [PROBLEM_CONTENT_TYPE]: problem } }],
        [
          `${V2_ERROR_PREFIX}${name}`,
          { description, headers, content: { 'application/json': { schema: V2_ERROR_SCHEMA } } },
        ],
      ];
    }),
  );
  const document = schemas.finish({
    openapi: '3.1.0',
    info: { title: TITLE, version, description: DESCRIPTION },
    ...(serverUrl === undefined ? {} : { servers: [{ url: serverUrl.replace(/\/+$/, '') }] }),
    tags: tags.map((name) => ({ name })),
    security: REQUIRES_AUTH,
    paths,
    components: {
      securitySchemes: SECURITY_SCHEMES,
      responses: errorResponses,
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Makes a retry safe: the same key with the same body replays the first response instead of ' +
            'creating twice; the same key with another body is refused (422).',
          schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source },
        },
      },
      headers: {
        RequestId: {
          description: 'The id of this request; quote it when reporting a problem.',
          schema: { type: 'string' },
        },
        RetryAfter: {
          description: 'Seconds to wait before retrying.',
          required: true,
          schema: { type: 'integer', minimum: 0 },
        },
      },
    },
  });
  pruneComponents(document);
  return document as unknown as OpenApiDocument;
}

const cache = new Map<string, OpenApiDocument>();

/**
 * The OpenAPI 3.1 document of every route in the route table. Memoized per version and server URL;
 * the result is deeply frozen, so callers share it safely.
 *
 * @example
 * const document = buildOpenApiDocument({ version: config.version, serverUrl: 'https://api.example.com' });
 * return { statusCode: 200, body: JSON.stringify(document) };
 */
export function buildOpenApiDocument(options: BuildOpenApiOptions): OpenApiDocument {
  const key = JSON.stringify([options.version, options.serverUrl ?? null]);
  let document = cache.get(key);
  if (document === undefined) {
    document = deepFreeze(buildOpenApiDocumentFromRoutes(routeList, options));
    cache.set(key, document);
  }
  return document;
}
