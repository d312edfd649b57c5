/** The OpenAPI document and the docs page, served through the local API and kept in step with the route table. */
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeList } from '../../functions/http/routes.ts';
import { repositoryRoot } from '../../local/platform.ts';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => t?.close());

describe('GET /v1/openapi.json', () => {
  it('serves an OpenAPI 3.1 document with exactly the routes the gateway serves', async () => {
    const response = await t.call('GET', '/v1/openapi.json');
    expect(response.status).toBe(200);
    expect(response.json.openapi).toBe('3.1.0');
    const documented = Object.entries(response.json.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, item]) =>
        Object.keys(item)
          .filter((k) => k !== 'parameters')
          .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(routeList.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('documents an error shape that real error responses satisfy', async () => {
    const document = (await t.call('GET', '/v1/openapi.json')).json;
    const problem = await t.call('GET', '/v1/me', { headers: { authorization: 'Basic x' } });
    expect(problem.status).toBe(401);
    const required: string[] = document.components.schemas.Problem.required;
    for (const field of required) expect(problem.json).toHaveProperty(field);
  });
});

describe('GET /docs', () => {
  it('serves a self-contained HTML page naming every route, without credentials', async () => {
    const response = await t.call('GET', '/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    for (const route of routeList) expect(response.text).toContain(route.path);
    expect(response.text).not.toMatch(/<script[^>]+src=|https:\/\/cdn/);
  });
});

describe('route table', () => {
  it('points every route at a module exporting a handler', async () => {
    for (const route of routeList) {
      const module = await import(pathToFileURL(`${repositoryRoot}/${route.entry}`).href);
      expect(typeof module.handler, route.entry).toBe('function');
    }
  });
});
