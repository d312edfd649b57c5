/**
 * Receives the authorization redirect on a loopback port (RFC 8252 §7.3): a one-shot HTTP server on
 * the redirect URI's host that takes `GET <path>?code=…&state=…`, checks the state and answers the
 * browser a short page. Port 0 picks a free port; the redirect URI names the port it got.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CliError, EXIT } from './exit-codes.ts';

export interface LoopbackReceiver {
  /** The redirect URI to send in the authorization request, with the port listened on. */
  readonly redirectUri: string;
  /** The authorization code, once the browser comes back with it. */
  readonly code: Promise<string>;
  close(): Promise<void>;
}

const PAGE_POLICY = "default-src 'none'; frame-ancestors 'none'";

function answer(response: ServerResponse, status: number, message: string): void {
  const html = `<!doctype html><html lang="en"><meta charset="utf-8"><title>mlp login</title><main><h1>${message}</h1><p>You can close this tab and go back to the terminal.</p></main></html>`;
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': PAGE_POLICY,
    'cache-control': 'no-store',
  });
  response.end(html);
}

/** Hosts the browser may resolve a `localhost` redirect to. */
const hostsFor = (hostname: string): string[] =>
  hostname === 'localhost' ? ['127.0.0.1', '::1'] : [hostname.replace(/^\[|\]$/g, '')];

async function listen(server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export async function startLoopbackReceiver(options: {
  /** `http://127.0.0.1:0/callback`, `http://localhost:8976/callback`. */
  readonly redirectUri: string;
  readonly state: string;
  readonly timeoutMs: number;
}): Promise<LoopbackReceiver> {
  const template = new URL(options.redirectUri);
  let settle: { resolve: (code: string) => void; reject: (error: Error) => void } | undefined;
  const code = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  code.catch(() => undefined);

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://loopback');
    if (url.pathname !== template.pathname || request.method !== 'GET') {
      answer(response, 404, 'Not the sign-in callback.');
      return;
    }
    const error = url.searchParams.get('error');
    if (url.searchParams.get('state') !== options.state) {
      // Not our authorization request (a stale tab, or a forged link): keep waiting for ours.
      answer(response, 400, 'This sign-in link is not the one mlp is waiting for.');
      return;
    }
    if (error !== null) {
      const description = url.searchParams.get('error_description');
      answer(response, 400, 'Sign-in failed.');
      settle?.reject(
        new CliError(`Sign-in failed: ${error}${description ? ` (${description})` : ''}.`, EXIT.auth),
      );
      return;
    }
    const received = url.searchParams.get('code');
    if (!received) {
      answer(response, 400, 'The callback has no code.');
      return;
    }
    answer(response, 200, 'Signed in to the ML platform.');
    settle?.resolve(received);
  };

  const servers: Server[] = [];
  const wanted = Number(template.port || 80);
  let port = wanted;
  for (const [index, host] of hostsFor(template.hostname).entries()) {
    const server = createServer(handle);
    try {
      port = await listen(server, host, index === 0 ? wanted : port);
      servers.push(server);
    } catch (error) {
      // ::1 may be missing on the machine; the first host is the one that must work.
      if (index > 0) continue;
      const reason = (error as NodeJS.ErrnoException).code;
      throw new CliError(
        `Cannot listen for the sign-in redirect on ${host}:${wanted}${reason ? ` (${reason})` : ''}; free the port or pass --port.`,
        EXIT.unavailable,
      );
    }
  }
  const timer = setTimeout(
    () =>
      settle?.reject(
        new CliError(`No sign-in came back within ${Math.round(options.timeoutMs / 1000)} s.`, EXIT.auth),
      ),
    options.timeoutMs,
  );
  const redirect = new URL(options.redirectUri);
  redirect.port = String(port);
  return {
    redirectUri: redirect.toString(),
    code,
    async close() {
      clearTimeout(timer);
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}
