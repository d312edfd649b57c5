/**
 * Starts the real local platform (emulators, identity provider, gateway) in a temporary data
 * directory on free ports, and gives tests a small HTTP client for it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalPlatform, type LocalPlatformOptions, startLocalPlatform } from '../../local/platform.ts';

export interface TestPlatform {
  readonly platform: LocalPlatform;
  readonly dataDir: string;
  token(username: string, options?: { expiresInSeconds?: number; id?: boolean }): Promise<string>;
  call(
    method: string,
    path: string,
    options?: {
      token?: string;
      apiKey?: string;
      body?: unknown;
      rawBody?: string;
      headers?: Record<string, string>;
    },
  ): Promise<{ status: number; headers: Headers; json: any; text: string }>;
  close(): Promise<void>;
}

export async function startTestPlatform(options: Partial<LocalPlatformOptions> = {}): Promise<TestPlatform> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mlp-test-'));
  const platform = await startLocalPlatform({ dataDir, ...options });
  return {
    platform,
    dataDir,
    async token(username, tokenOptions = {}) {
      const tokens = await platform.identity.issueTokens(username, {
        ...(tokenOptions.expiresInSeconds === undefined
          ? {}
          : { expiresInSeconds: tokenOptions.expiresInSeconds }),
      });
      return tokenOptions.id ? tokens.idToken : tokens.accessToken;
    },
    async call(method, path, callOptions = {}) {
      const headers: Record<string, string> = { ...callOptions.headers };
      if (callOptions.token !== undefined) headers.authorization = `Bearer ${callOptions.token}`;
      if (callOptions.apiKey !== undefined) headers.authorization = `Bearer ${callOptions.apiKey}`;
      let body: string | undefined = callOptions.rawBody;
      if (callOptions.body !== undefined) {
        body = JSON.stringify(callOptions.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${platform.apiUrl}${path}`, { method, headers, body });
      const text = await response.text();
      let json: unknown;
      try {
        json = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, json, text };
    },
    async close() {
      await platform.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
