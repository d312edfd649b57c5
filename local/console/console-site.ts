/**
 * The web console on the local platform, under /console/ of the API's origin (CloudFront serves
 * the same files from S3 on AWS): the built files of `console/dist` (hashed assets cached for good,
 * index.html revalidated), index.html for any other console path so every page URL reloads,
 * `config.json` made from the running platform, and the console's security headers on all of it.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { CONSOLE_BASE_PATH, consoleContentSecurityPolicy } from '#definitions/console.ts';
import type { GatewayResponse } from '../api-gateway/events.ts';
import type { LocalSite } from '../api-gateway/server.ts';

/** `/console`: the base path without its slash. */
export const CONSOLE_PREFIX = CONSOLE_BASE_PATH.replace(/\/$/, '');

/** What `/console/config.json` holds; console/src/config.ts reads it. */
export interface ConsoleConfigFile {
  readonly apiUrl: string;
  readonly identity: {
    readonly discoveryUrl: string;
    readonly clientId?: string;
    readonly redirectUri: string;
    readonly logoutRedirectUri: string;
  };
}

export interface ConsoleSiteOptions {
  /** The build's output (`npm run console:build` writes console/dist). */
  readonly distDir: string;
  /**
   * Called per request (the platform's URLs are known only once it listens) with the Host the
   * console was reached by: the config file, and the origins the app may call besides its own
   * (the identity provider's token endpoint).
   */
  readonly settings: (host: string | undefined) => {
    readonly config: ConsoleConfigFile;
    readonly connectSources: readonly string[];
  };
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

function response(status: number, headers: Record<string, string>, body: string | Buffer): GatewayResponse {
  return { statusCode: status, headers, body: typeof body === 'string' ? Buffer.from(body) : body };
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** As CloudFront's response headers policy sends them (infra/constructs/console-hosting.ts). */
function securityHeaders(connectSources: readonly string[]): Record<string, string> {
  const connectOrigins = [...new Set(connectSources.map((source) => new URL(source).origin))];
  return {
    'content-security-policy': consoleContentSecurityPolicy({ connectOrigins }),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  };
}

/** The file an asset URL names, or undefined when it is malformed or leaves the assets folder. */
function assetPath(assetsDir: string, encoded: string): string | undefined {
  let name: string;
  try {
    name = decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
  const file = resolve(assetsDir, name);
  return file.startsWith(`${assetsDir}${sep}`) ? file : undefined;
}

export function consoleSite(options: ConsoleSiteOptions): LocalSite {
  const distDir = resolve(options.distDir);
  const assetsDir = join(distDir, 'assets');

  return {
    prefix: CONSOLE_PREFIX,
    async handle(method, pathname, host) {
      const { config, connectSources } = options.settings(host);
      const security = securityHeaders([config.apiUrl, ...connectSources]);
      if (method !== 'GET' && method !== 'HEAD') {
        return response(
          405,
          { ...security, allow: 'GET, HEAD', 'content-type': 'text/plain' },
          'Method Not Allowed',
        );
      }
      if (pathname === CONSOLE_PREFIX)
        return response(308, { ...security, location: `${CONSOLE_PREFIX}/` }, '');
      const path = pathname.slice(CONSOLE_PREFIX.length + 1);

      if (path === 'config.json') {
        return response(
          200,
          { ...security, 'content-type': 'application/json', 'cache-control': 'no-store' },
          JSON.stringify(config),
        );
      }
      if (path.startsWith('assets/')) {
        const file = assetPath(assetsDir, path.slice('assets/'.length));
        const body = file === undefined ? undefined : await readIfExists(file);
        if (file === undefined || body === undefined)
          return response(404, { ...security, 'content-type': 'text/plain' }, 'Not Found');
        return response(
          200,
          {
            ...security,
            'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
            // Names carry a content hash: a changed file is a new URL.
            'cache-control': 'public, max-age=31536000, immutable',
          },
          body,
        );
      }
      const index = await readIfExists(join(distDir, 'index.html'));
      if (index === undefined) {
        return response(
          503,
          { ...security, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
          `The console is not built (no ${join(distDir, 'index.html')}): run npm run console:build, or npm start, which builds it.`,
        );
      }
      return response(
        200,
        { ...security, 'content-type': CONTENT_TYPES['.html'] ?? 'text/html', 'cache-control': 'no-cache' },
        index,
      );
    },
  };
}
