import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type {
  JsonSchema,
  OpenApiDocument,
  OpenApiMethod,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiReference,
  OpenApiResponse,
} from '#http/openapi/build-openapi-document.ts';
import {
  buildOpenApiDocument,
  buildOpenApiDocumentFromRoutes,
} from '#http/openapi/build-openapi-document.ts';
import { renderDocsPage } from '#http/openapi/render-docs-page.ts';
import type { RouteDefinition } from '#http/routes.ts';
import { routeList } from '#http/routes.ts';

const METHODS: readonly OpenApiMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

interface Operation {
  readonly method: OpenApiMethod;
  readonly path: string;
  readonly operation: OpenApiOperation;
}

function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = item[method];
      return operation === undefined ? [] : [{ method, path, operation }];
    }),
  );
}

function refsIn(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsIn(item, into);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') into.push(item);
      else refsIn(item, into);
    }
  }
  return into;
}

function pointer(document: unknown, target: string): unknown {
  if (!target.startsWith('#/')) return undefined;
  return target
    .slice(2)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>(
      (node, segment) =>
        typeof node === 'object' && node !== null && Object.hasOwn(node, segment)
          ? (node as Record<string, unknown>)[segment]
          : undefined,
      document,
    );
}

function deref<T>(document: OpenApiDocument, value: T | OpenApiReference): T {
  let current: unknown = value;
  while (typeof current === 'object' && current !== null && '$ref' in current) {
    current = pointer(document, String(current.$ref));
  }
  return current as T;
}

function findOperation(document: OpenApiDocument, route: RouteDefinition): OpenApiOperation {
  const operation = document.paths[route.path]?.[route.method.toLowerCase() as OpenApiMethod];
  if (operation === undefined) throw new Error(`No operation for ${route.method} ${route.path}`);
  return operation;
}

function isStrictObject(schema: z.ZodType): boolean {
  const def = schema._zod.def as unknown as { type: string; catchall?: z.ZodType };
  return def.type === 'object' && def.catchall?._zod.def.type === 'never';
}

const testRoute = (overrides: Partial<RouteDefinition> & Pick<RouteDefinition, 'operationId' | 'path'>) =>
  ({
    method: 'POST',
    entry: 'functions/http/test.ts',
    summary: 'A test route.',
    tag: 'Test',
    access: 'authenticated',
    scope: 'full',
    responses: { 200: { description: 'OK.' } },
    grants: {},
    ...overrides,
  }) satisfies RouteDefinition;

describe('buildOpenApiDocument', () => {
  const document = buildOpenApiDocument({ version: '1.2.3' });

  it('declares exactly one operation per route in routeList, and no others', () => {
    // Prepare
    const expected = routeList.map((route) => `${route.method} ${route.path}`).sort();

    // Act
    const declared = operationsOf(document).map(({ method, path }) => `${method.toUpperCase()} ${path}`);

    // Assess
    expect(declared.sort()).toEqual(expected);
    for (const item of Object.values(document.paths)) {
      expect(Object.keys(item).every((key) => (METHODS as readonly string[]).includes(key))).toBe(true);
    }
  });

  it('is an OpenAPI 3.1.0 document with info, tags and operation metadata from the route table', () => {
    // Act
    const operations = operationsOf(document);

    // Assess
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toMatchObject({ title: 'ML Platform API', version: '1.2.3' });
    expect(document.info.description).toMatch(/Bearer/);
    expect(document.info.description).toMatch(/Authorization: Bearer <token or key>/);
    expect(document.servers).toBeUndefined();
    expect(document.tags?.map((tag) => tag.name).sort()).toEqual(
      [...new Set(routeList.map((r) => r.tag))].sort(),
    );
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const route of routeList) {
      expect(findOperation(document, route)).toMatchObject({
        operationId: route.operationId,
        summary: route.summary,
        tags: [route.tag],
        'x-access': route.access,
      });
    }
  });

  it('declares every path parameter of each path template, as required', () => {
    for (const { path, operation } of operationsOf(document)) {
      // Prepare
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);

      // Act
      const declared = (operation.parameters ?? [])
        .map((parameter) => deref<OpenApiParameter>(document, parameter))
        .filter((parameter) => parameter.in === 'path');

      // Assess
      expect(declared.map((parameter) => parameter.name).sort()).toEqual(names.sort());
      for (const parameter of declared) expect(parameter.required).toBe(true);
    }
  });

  it('resolves every $ref, hoists every zod $defs entry and keeps no unreferenced schema component', () => {
    // Act
    const refs = refsIn(document);
    const schemaNames = Object.keys(document.components?.schemas ?? {});

    // Assess
    expect(refs.length).toBeGreaterThan(0);
    for (const target of refs) {
      expect(target, target).toMatch(
        /^#\/components\/(schemas|responses|parameters|headers)\/[A-Za-z0-9._-]+$/,
      );
      expect(pointer(document, target), target).toBeDefined();
    }
    expect(JSON.stringify(document)).not.toContain('$defs');
    for (const name of schemaNames) expect(refs).toContain(`#/components/schemas/${name}`);
  });

  it('turns zod schemas with a meta id into components, referenced instead of inlined', () => {
    // Prepare
    const createApiKey = findOperation(
      document,
      routeList.find((r) => r.operationId === 'createApiKey') as RouteDefinition,
    );

    // Act
    const schemas = document.components?.schemas ?? {};

    // Assess
    expect(Object.keys(schemas)).toEqual(
      expect.arrayContaining([
        'Problem',
        'ApiKey',
        'ApiKeyPage',
        'CreatedApiKey',
        'CreateApiKeyRequest',
        'User',
      ]),
    );
    expect(createApiKey.requestBody?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/CreateApiKeyRequest',
    });
    expect(JSON.stringify(schemas.ApiKeyPage)).toContain('"$ref":"#/components/schemas/ApiKey"');
  });

  it('makes public routes explicitly public and requires a token or an API key everywhere else', () => {
    // Assess
    expect(document.components?.securitySchemes).toEqual({
      bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
      apiKey: expect.objectContaining({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'mlp_<keyId>_<secret>',
      }),
    });
    expect(routeList.some((route) => route.access === 'public')).toBe(true);
    for (const route of routeList) {
      const operation = findOperation(document, route);
      if (route.access === 'public') expect(operation.security, route.operationId).toEqual([]);
      else expect(operation.security, route.operationId).toEqual([{ bearerAuth: [] }, { apiKey: [] }]);
    }
  });

  it('declares the Idempotency-Key header on idempotent routes only', () => {
    expect(routeList.some((route) => route.idempotent === true)).toBe(true);
    for (const route of routeList) {
      // Act
      const headers = (findOperation(document, route).parameters ?? [])
        .map((parameter) => deref<OpenApiParameter>(document, parameter))
        .filter((parameter) => parameter.in === 'header')
        .map((parameter) => parameter.name);

      // Assess
      expect(headers.includes('Idempotency-Key'), route.operationId).toBe(route.idempotent === true);
    }
  });

  it('closes request bodies whose zod schema is strict (additionalProperties: false)', () => {
    // Prepare
    const withBody = routeList.filter((route) => route.request?.body !== undefined);
    expect(withBody.length).toBeGreaterThan(0);

    for (const route of withBody) {
      // Act
      const schema = findOperation(document, route).requestBody?.content['application/json']?.schema;
      const resolved = deref<JsonSchema>(document, schema as JsonSchema);

      // Assess
      expect(findOperation(document, route).requestBody?.required).toBe(true);
      if (isStrictObject(route.request?.body as z.ZodType)) {
        expect(resolved.additionalProperties, route.operationId).toBe(false);
      }
    }
  });

  it('lists query parameters one per property, with required flags, defaults and descriptions', () => {
    // Prepare
    const listApiKeys = findOperation(
      document,
      routeList.find((r) => r.operationId === 'listApiKeys') as RouteDefinition,
    );

    // Act
    const query = (listApiKeys.parameters ?? [])
      .map((parameter) => deref<OpenApiParameter>(document, parameter))
      .filter((parameter) => parameter.in === 'query');

    // Assess
    expect(query.map((parameter) => parameter.name)).toEqual(['limit', 'cursor', 'ownerId']);
    expect(query[0]).toMatchObject({
      required: false,
      description: 'Page size, 1 to 100.',
      schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    });
  });

  it('documents the model file format and the XGBoost feature names on every way to upload a version', () => {
    // Prepare
    const operation = (id: string) =>
      findOperation(document, routeList.find((r) => r.operationId === id) as RouteDefinition);
    const bodyOf = (id: string) =>
      deref<JsonSchema>(
        document,
        (operation(id).requestBody as { content: Record<string, { schema: JsonSchema }> }).content[
          'application/json'
        ]?.schema as JsonSchema,
      );

    // Act
    const bodies = ['registerVersion', 'commitModelUpload'].map(
      (id) => (bodyOf(id).properties ?? {}) as Record<string, JsonSchema & { description?: string }>,
    );
    const query = (operation('registerVersion').parameters ?? [])
      .map((parameter) => deref<OpenApiParameter>(document, parameter))
      .filter((parameter) => parameter.in === 'query');

    // Assess
    for (const properties of bodies) {
      expect(properties.format).toMatchObject({ enum: ['onnx', 'xgboost'] });
      expect(String(properties.format?.description)).toMatch(/binary:logistic, multi:softprob/);
      expect(properties.featureNames).toMatchObject({ type: 'array', items: { type: 'string' } });
      expect(String(properties.featureNames?.description)).toMatch(/num_feature/);
    }
    expect(query.map((parameter) => parameter.name)).toEqual(['format', 'featureNames']);
    expect(query[1]?.description).toMatch(/Comma-separated/);
  });

  it('documents the problem+json error responses, Retry-After on 429 and x-request-id on every response', () => {
    for (const route of routeList) {
      // Act
      const operation = findOperation(document, route);
      const statuses = Object.keys(operation.responses);

      // Assess
      for (const status of Object.keys(route.responses)) expect(statuses).toContain(status);
      expect(statuses).toContain('500');
      if (route.access !== 'public') {
        expect(statuses).toEqual(expect.arrayContaining(['400', '401', '403', '404', '429']));
        const tooMany = deref<{ headers: Record<string, unknown>; content: Record<string, unknown> }>(
          document,
          operation.responses['429'] as OpenApiReference,
        );
        expect(Object.keys(tooMany.headers)).toContain('Retry-After');
        if (route.errorFormat === 'oip') expect(Object.keys(tooMany.content)).toEqual(['application/json']);
        else
          expect(tooMany.content['application/problem+json']).toEqual({
            schema: { $ref: '#/components/schemas/Problem' },
          });
      }
      const hasBody = route.request?.body !== undefined;
      expect(statuses.includes('413') && statuses.includes('415'), route.operationId).toBe(hasBody);
      for (const response of Object.values(operation.responses)) {
        expect(Object.keys(deref<OpenApiResponse>(document, response).headers ?? {})).toContain(
          'x-request-id',
        );
      }
    }
  });

  it('documents Open Inference Protocol errors as {"error"} (400 for a request that does not fit, 422 when the model fails)', () => {
    // Act
    const infer = findOperation(
      document,
      routeList.find((route) => route.operationId === 'v2ModelInfer') as RouteDefinition,
    );
    const badRequest = deref<OpenApiResponse & { content: Record<string, unknown> }>(
      document,
      infer.responses['400'] as OpenApiReference,
    );
    const unprocessable = deref<OpenApiResponse & { content: Record<string, unknown> }>(
      document,
      infer.responses['422'] as OpenApiReference,
    );

    // Assess
    for (const response of [badRequest, unprocessable]) {
      expect(response.content).toEqual({
        'application/json': {
          schema: expect.objectContaining({ required: ['error'], properties: { error: expect.any(Object) } }),
        },
      });
    }
  });

  it('memoizes per version and server URL, and adds servers when given a URL', () => {
    // Act
    const again = buildOpenApiDocument({ version: '1.2.3' });
    const withServer = buildOpenApiDocument({ version: '1.2.3', serverUrl: 'https://api.example.com/' });
    const otherVersion = buildOpenApiDocument({ version: '2.0.0' });

    // Assess
    expect(again).toBe(document);
    expect(withServer).not.toBe(document);
    expect(withServer.servers).toEqual([{ url: 'https://api.example.com' }]);
    expect(otherVersion.info.version).toBe('2.0.0');
    expect(Object.isFrozen(document.paths)).toBe(true);
  });
});

describe('buildOpenApiDocumentFromRoutes', () => {
  it('names a component used both ways <id> (output) and <id>Input when its input and output differ', () => {
    // Prepare
    const thing = z.strictObject({ color: z.string().default('red') }).meta({ id: 'TestThing' });
    const route = testRoute({
      operationId: 'putThing',
      path: '/v1/things',
      request: { body: thing },
      responses: { 200: { description: 'The thing.', schema: thing } },
    });

    // Act
    const document = buildOpenApiDocumentFromRoutes([route], { version: 'test' });

    // Assess
    const schemas = document.components?.schemas ?? {};
    expect(schemas.TestThing).toMatchObject({ required: ['color'] });
    expect(schemas.TestThingInput).not.toHaveProperty('required');
    const operation = document.paths['/v1/things']?.post;
    expect(operation?.requestBody?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/TestThingInput',
    });
  });

  it('refuses two different zod schemas that share an id', () => {
    // Prepare
    const first = z.object({ a: z.string() }).meta({ id: 'TestDuplicate' });
    const second = z.object({ b: z.number() }).meta({ id: 'TestDuplicate' });
    const routes = [
      testRoute({
        operationId: 'one',
        path: '/v1/one',
        responses: { 200: { description: 'One.', schema: first } },
      }),
      testRoute({
        operationId: 'two',
        path: '/v1/two',
        responses: { 200: { description: 'Two.', schema: second } },
      }),
    ];

    // Act
    const build = () => buildOpenApiDocumentFromRoutes(routes, { version: 'test' });

    // Assess
    expect(build).toThrow(/TestDuplicate/);
  });
});

describe('renderDocsPage', () => {
  const document = buildOpenApiDocument({ version: '1.2.3' });

  it('mentions every operation with its method and path, and says which are public or admin-only', () => {
    // Act
    const html = renderDocsPage(document);

    // Assess
    for (const { method, path, operation } of operationsOf(document)) {
      const article = html
        .split('<article')
        .find((part) => part.includes(`id="op-${operation.operationId}"`));
      expect(article, operation.operationId).toBeDefined();
      expect(article).toContain(`>${method.toUpperCase()}</span> <code class="path">${path}</code>`);
      const label = { public: 'Public', admin: 'Admin only', authenticated: 'Token or API key' };
      expect(article).toContain(label[operation['x-access'] ?? 'authenticated']);
    }
  });

  it('loads only its own /docs/assets/ files, links the OpenAPI document and explains authentication', () => {
    // Act
    const html = renderDocsPage(document);

    // Assess
    expect(html).toMatch(/^<!doctype html>/);
    const loaded = [...html.matchAll(/<(?:script|link)\b[^>]*\s(?:src|href)="([^"]*)"/gi)].map((m) => m[1]);
    expect(loaded.sort()).toEqual([
      '/docs/assets/docs-init.js',
      '/docs/assets/swagger-ui-bundle.js',
      '/docs/assets/swagger-ui.css',
    ]);
    expect(html).not.toMatch(/<script\b(?![^>]*\ssrc=)[^>]*>/i);
    expect(html).not.toMatch(/<iframe|<img|url\(|@import|@font-face/i);
    expect(html).toContain('<div id="swagger-ui" data-openapi-url="/v1/openapi.json">');
    expect(html).toContain('href="/v1/openapi.json"');
    expect(html).toContain('<h2>Authentication</h2>');
    expect(html).toContain('x-api-key');
    expect(html).toContain('<details');
  });

  it('escapes text taken from the document', () => {
    // Prepare
    const evil = '<script>alert("x")</script>';
    const crafted: OpenApiDocument = {
      openapi: '3.1.0',
      info: { title: evil, version: `1"><img src=x onerror=alert(1)>`, description: evil },
      servers: [{ url: 'javascript:alert(1)' }],
      tags: [{ name: `"><script>tag</script>` }],
      paths: {
        '/v1/<b>{id}</b>': {
          get: {
            operationId: `op"><script>id</script>`,
            summary: evil,
            tags: [`"><script>tag</script>`],
            security: [],
            parameters: [{ name: evil, in: 'query', description: evil, schema: { pattern: evil } }],
            responses: {
              '200': {
                description: evil,
                content: { 'application/json': { schema: { description: evil } } },
              },
            },
          },
        },
      },
      components: { schemas: { '<i>Name</i>': { description: evil } } },
    };

    // Act
    const html = renderDocsPage(crafted);

    // Assess
    const withoutAssets = html.replace(/<script defer src="\/docs\/assets\/[a-z.-]+"><\/script>/g, '');
    expect(withoutAssets).not.toMatch(/<script|<img|<b>|<i>/i);
    expect(html).not.toContain('javascript:');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('/v1/&lt;b&gt;{id}&lt;/b&gt;');
    expect(html).toContain('href="/v1/openapi.json"');
  });
});
