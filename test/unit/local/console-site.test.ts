/** The local platform's console files: hashed assets, index.html for every page, config.json, security headers. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleConfigFile, consoleSite } from '../../../local/console/console-site.ts';

const config: ConsoleConfigFile = {
  apiUrl: 'http://127.0.0.1:3000',
  identity: {
    discoveryUrl: 'http://127.0.0.1:3000/v1/auth/config',
    redirectUri: 'http://127.0.0.1:3000/console/callback',
    logoutRedirectUri: 'http://127.0.0.1:3000/console/',
  },
};
let dir: string;
const site = () =>
  consoleSite({ distDir: dir, settings: () => ({ config, connectSources: ['http://127.0.0.1:3001/x'] }) });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'console-site-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>console</title>');
  await writeFile(join(dir, 'assets', 'main-ABC.js'), 'export {}');
  await writeFile(join(dir, 'secret.txt'), 'outside assets');
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('consoleSite.handle', () => {
  it('serves index.html for any console page, revalidated, under a CSP without inline script', async () => {
    for (const path of ['/console/', '/console/models/iris/versions/2']) {
      const response = await site().handle('GET', path);
      expect(response.statusCode).toBe(200);
      expect(response.body.toString()).toContain('<title>console</title>');
      expect(response.headers['cache-control']).toBe('no-cache');
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self';");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("connect-src 'self' http://127.0.0.1:3000 http://127.0.0.1:3001;");
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(csp).toContain("frame-ancestors 'none'");
    }
  });

  it('serves hashed assets for good, and nothing outside the assets folder', async () => {
    const asset = await site().handle('GET', '/console/assets/main-ABC.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const path of [
      '/console/assets/missing.js',
      '/console/assets/%2e%2e/secret.txt',
      '/console/assets/%E0%A4%A',
    ]) {
      expect((await site().handle('GET', path)).statusCode).toBe(404);
    }
  });

  it('serves config.json as the platform describes itself, never cached', async () => {
    const response = await site().handle('GET', '/console/config.json');
    expect(JSON.parse(response.body.toString())).toEqual(config);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('redirects /console to /console/ and refuses writes', async () => {
    const bare = await site().handle('GET', '/console');
    expect(bare.statusCode).toBe(308);
    expect(bare.headers.location).toBe('/console/');
    expect((await site().handle('POST', '/console/')).statusCode).toBe(405);
  });

  it('says how to build the console when it is not built', async () => {
    const unbuilt = consoleSite({
      distDir: join(dir, 'nothing'),
      settings: () => ({ config, connectSources: [] }),
    });
    const response = await unbuilt.handle('GET', '/console/');
    expect(response.statusCode).toBe(503);
    expect(response.body.toString()).toContain('npm run console:build');
  });
});
