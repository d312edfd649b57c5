/**
 * /docs in chromium: Swagger UI draws one operation block per operation of the served OpenAPI
 * document, under the page's strict CSP, loading nothing from elsewhere. (test/e2e/docs.test.ts checks
 * the headers and files without a browser; this is the check the README used to describe as by hand.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleSession,
  chromiumAvailable,
  scriptOrPolicyProblems,
  startConsoleSession,
} from '../support/browser.ts';

const run = chromiumAvailable();
let s: ConsoleSession;

beforeAll(async () => {
  if (run) s = await startConsoleSession();
}, 120_000);
afterAll(async () => s?.close());

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

describe.runIf(run)('/docs in a browser', { timeout: 90_000 }, () => {
  it('draws every operation of the OpenAPI document with no script error or CSP violation', async () => {
    const openapi = await s.t.call('GET', '/v1/openapi.json');
    expect(openapi.status).toBe(200);
    const paths = openapi.json.paths as Record<string, Record<string, unknown>>;
    const operations = Object.values(paths).flatMap((item) =>
      Object.keys(item).filter((key) => METHODS.has(key)),
    ).length;
    expect(operations).toBeGreaterThan(50);

    const page = await s.newPage();
    const origin = s.t.platform.apiUrl;
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(origin)) elsewhere.push(request.url());
    });
    await page.goto(`${origin}/docs`);
    const blocks = page.locator('.swagger-ui .opblock');
    await expect.poll(() => blocks.count(), { timeout: 30_000 }).toBe(operations);
    expect(await page.locator('.swagger-ui .opblock-summary-path').first().textContent()).toMatch(/^\//);
    await s.screenshot(page, 'docs-swagger-ui');

    expect(elsewhere).toEqual([]);
    expect(scriptOrPolicyProblems(s)).toEqual([]);
  });
});
