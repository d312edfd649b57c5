/** The local platform keeps its data (tables, objects, users, signing keys) across a restart. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalPlatform } from '../../local/platform.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('local platform restart', () => {
  it('keeps API keys, users and token signing keys in the data directory', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mlp-restart-'));
    dirs.push(dataDir);

    const first = await startLocalPlatform({ dataDir });
    const token = (await first.identity.issueTokens('alice', { expiresInSeconds: 600 })).accessToken;
    const created = await fetch(`${first.apiUrl}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'survives restarts' }),
    }).then((r) => r.json() as Promise<{ apiKey: string }>);
    const port = (url: string) => Number(new URL(url).port);
    const ports = {
      api: port(first.apiUrl),
      identity: port(first.identity.url),
      s3: port(first.endpoints.s3),
      dynamodb: port(first.endpoints.dynamodb),
    };
    await first.close();

    // Same ports, as `npm start` uses: the issuer is part of every token, and the functions'
    // clients (built once per process, like a Lambda container) keep their endpoints.
    const second = await startLocalPlatform({ dataDir, ports });
    try {
      const viaKey = await fetch(`${second.apiUrl}/v1/me`, {
        headers: { authorization: `Bearer ${created.apiKey}` },
      });
      expect(viaKey.status).toBe(200);
      const viaOldToken = await fetch(`${second.apiUrl}/v1/me`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(viaOldToken.status).toBe(200);
      expect(((await viaOldToken.json()) as { username: string }).username).toBe('alice');
    } finally {
      await second.close();
    }
  });
});
