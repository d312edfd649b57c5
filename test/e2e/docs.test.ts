/** The OpenAPI document and the docs page, served through the local API and kept in step with the route table. */
import { createHash } from 'node:crypto';
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

describe('GET /docs security headers', () => {
  /** The CSP's sources for one directive, e.g. `style-src`. */
  function sources(policy: string, directive: string): string[] {
    const entry = policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .find(([name]) => name === directive);
    return entry?.slice(1) ?? [];
  }
  const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

  it('serves a strict Content-Security-Policy that forbids framing, with nosniff and no referrer', async () => {
    // Act
    const response = await t.call('GET', '/docs');
    const policy = response.headers.get('content-security-policy') ?? '';

    // Assess
    expect(sources(policy, 'default-src')).toEqual(["'none'"]);
    expect(sources(policy, 'frame-ancestors')).toEqual(["'none'"]);
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('unsafe-eval');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('allows every inline style and script of the page by its hash, and has no inline attributes', async () => {
    // Act
    const response = await t.call('GET', '/docs');
    const policy = response.headers.get('content-security-policy') ?? '';
    const styles = [...response.text.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1] ?? '');
    const scripts = [...response.text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '');

    // Assess: the page has its stylesheet, and the browser would apply it.
    expect(styles.length).toBeGreaterThan(0);
    for (const style of styles) expect(sources(policy, 'style-src')).toContain(hashOf(style));
    for (const script of scripts) expect(sources(policy, 'script-src')).toContain(hashOf(script));
    // Inline style attributes and event handlers would need 'unsafe-hashes' or 'unsafe-inline'.
    expect(response.text).not.toMatch(/<[^>]+\s(style|on[a-z]+)\s*=/i);
    expect(response.text).not.toMatch(/<link[^>]+rel="?stylesheet/i);
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
