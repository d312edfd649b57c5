/** The OpenAPI document and the docs page, served through the local API and kept in step with the route table. */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeList } from '../../functions/http/routes.ts';
import { repositoryRoot } from '../../local/platform.ts';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';

let t: TestPlatform;

/** A GET of exactly this path, dots and all (fetch and URL would normalize `..` away). */
function rawGet(
  baseUrl: string,
  path: string,
): Promise<{ status: number; contentType: string; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

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
  it('serves an HTML page naming every route, without credentials, loading nothing from elsewhere', async () => {
    const response = await t.call('GET', '/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    for (const route of routeList) expect(response.text).toContain(route.path);
    expect(response.text).not.toMatch(/\s(?:src|href)="(?:https?:)?\/\//i);
    expect(response.text).toContain('id="swagger-ui"');
  });
});

describe('GET /docs/assets/{file}', () => {
  /** What the page loads: script src and stylesheet href, in document order. */
  async function pageAssets() {
    const page = await t.call('GET', '/docs');
    const scripts = [...page.text.matchAll(/<script\b[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1] ?? '');
    const styles = [...page.text.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*\shref="([^"]+)"/g)].map(
      (m) => m[1] ?? '',
    );
    return { policy: page.headers.get('content-security-policy') ?? '', scripts, styles };
  }

  it('serves every script and stylesheet the page loads from the platform, as the CSP allows', async () => {
    // Arrange
    const { policy, scripts, styles } = await pageAssets();
    const directive = (name: string) =>
      policy
        .split(';')
        .map((part) => part.trim().split(/\s+/))
        .find(([first]) => first === name)
        ?.slice(1) ?? [];

    // Assess: Swagger UI's bundle, its stylesheet and the init script, all same-origin paths.
    expect(scripts).toEqual(['/docs/assets/swagger-ui-bundle.js', '/docs/assets/docs-init.js']);
    expect(styles).toEqual(['/docs/assets/swagger-ui.css']);
    expect(directive('script-src')).toEqual(["'self'"]);
    expect(directive('style-src')).toContain("'self'");
    expect(directive('connect-src')).toEqual(["'self'"]);
    for (const [paths, type] of [
      [scripts, /^text\/javascript/],
      [styles, /^text\/css/],
    ] as const) {
      for (const path of paths) {
        // Act
        const asset = await t.call('GET', path);

        // Assess
        expect(asset.status, path).toBe(200);
        expect(asset.headers.get('content-type'), path).toMatch(type);
        expect(asset.headers.get('x-content-type-options'), path).toBe('nosniff');
        expect(asset.text.length, path).toBeGreaterThan(100);
      }
    }
    expect((await t.call('GET', '/docs/assets/swagger-ui-bundle.js')).text).toContain('SwaggerUIBundle');
    expect((await t.call('GET', '/docs/assets/docs-init.js')).text).toContain('data-openapi-url');
  });

  it('answers 404 problem+json for an unknown file and for path traversal, raw or encoded', async () => {
    for (const path of [
      '/docs/assets/index.html',
      '/docs/assets/package.json',
      '/docs/assets/..%2F..%2Fpackage.json',
      '/docs/assets/%2e%2e%2f%2e%2e%2fpackage.json',
      '/docs/assets/__proto__',
      '/docs/assets/constructor',
    ]) {
      const response = await t.call('GET', path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type'), path).toMatch(/^application\/problem\+json/);
      expect(response.json.status, path).toBe(404);
    }
    // Sent as written (fetch would resolve the dots): what reaches the gateway is the raw path.
    const raw = await rawGet(t.platform.apiUrl, '/docs/assets/../../package.json');
    expect(raw.status).toBe(404);
    expect(raw.contentType).toMatch(/^application\/(problem\+)?json/);
    expect(raw.body).not.toContain('"dependencies"');
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
    // Scripts with a src are files, which script-src 'self' covers (see GET /docs/assets/{file}).
    const scripts = [...response.text.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
      (m) => m[1] ?? '',
    );

    // Assess: the page has its stylesheet, and the browser would apply it.
    expect(styles.length).toBeGreaterThan(0);
    for (const style of styles) expect(sources(policy, 'style-src')).toContain(hashOf(style));
    for (const script of scripts) expect(sources(policy, 'script-src')).toContain(hashOf(script));
    // Inline style attributes and event handlers would need 'unsafe-hashes' or 'unsafe-inline'.
    expect(response.text).not.toMatch(/<[^>]+\s(style|on[a-z]+)\s*=/i);
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
