/** HTTP conventions through the local API: problem bodies, body limits, idempotency, CORS, health. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';

let t: TestPlatform;
let alice: string;

beforeAll(async () => {
  t = await startTestPlatform({
    cors: {
      allowOrigins: ['https://app.example.com'],
      allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
      exposeHeaders: ['x-request-id', 'retry-after'],
      maxAgeSeconds: 600,
    },
  });
  alice = await t.token('alice');
});
afterAll(async () => t?.close());

describe('request validation', () => {
  it('answers malformed JSON with 400 problem+json naming the body', async () => {
    const response = await t.call('POST', '/v1/api-keys', {
      token: alice,
      rawBody: '{"name": "half',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.json).toMatchObject({ status: 400, field: 'body', title: 'Invalid request' });
    expect(response.json.detail).toMatch(/not valid JSON/);
  });

  it('rejects unknown fields, naming each', async () => {
    const response = await t.call('POST', '/v1/api-keys', {
      token: alice,
      body: { name: 'k', colour: 'blue' },
    });
    expect(response.status).toBe(400);
    expect(response.json.field).toBe('body.colour');
    expect(response.json.errors).toEqual([{ field: 'body.colour', message: 'unknown field' }]);
  });

  it('names the offending field of a wrong type', async () => {
    const response = await t.call('POST', '/v1/api-keys', {
      token: alice,
      body: { name: 'k', scope: 'everything' },
    });
    expect(response.status).toBe(400);
    expect(response.json.field).toBe('body.scope');
  });

  it('answers an oversized body with 413 problem+json', async () => {
    const response = await t.call('POST', '/v1/api-keys', {
      token: alice,
      body: { name: 'x'.repeat(1024 * 1024 + 10) },
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.json.limitBytes).toBe(1024 * 1024);
  });

  it('answers a body of the wrong media type with 415', async () => {
    const response = await t.call('POST', '/v1/api-keys', {
      token: alice,
      rawBody: 'name=k',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(415);
    expect(response.json.status).toBe(415);
  });

  it('validates path parameters and query strings', async () => {
    expect((await t.call('GET', '/v1/api-keys/not-a-key-id', { token: alice })).json.field).toBe(
      'path.keyId',
    );
    const badLimit = await t.call('GET', '/v1/api-keys?limit=5000', { token: alice });
    expect(badLimit.status).toBe(400);
    expect(badLimit.json.field).toBe('query.limit');
    const badCursor = await t.call('GET', '/v1/api-keys?cursor=garbage', { token: alice });
    expect(badCursor.status).toBe(400);
    expect(badCursor.json.field).toBe('query.cursor');
  });

  it('answers unknown routes with 404, as API Gateway does', async () => {
    const response = await t.call('GET', '/v1/nothing-here', { token: alice });
    expect(response.status).toBe(404);
  });
});

describe('pagination', () => {
  it('walks every key exactly once with opaque cursors', async () => {
    const bob = await t.token('bob');
    const made: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      made.push((await t.call('POST', '/v1/api-keys', { token: bob, body: { name: `k${i}` } })).json.keyId);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const query = cursor === undefined ? '?limit=2' : `?limit=2&cursor=${encodeURIComponent(cursor)}`;
      const page = await t.call('GET', `/v1/api-keys${query}`, { token: bob });
      expect(page.json.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.json.items.map((k: { keyId: string }) => k.keyId));
      cursor = page.json.nextCursor;
    } while (cursor !== undefined);
    expect(seen.sort()).toEqual([...made].sort());
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response for a retry and refuses the key with another body', async () => {
    const headers = { 'idempotency-key': `retry-${Date.now()}` };
    const first = await t.call('POST', '/v1/api-keys', { token: alice, body: { name: 'once' }, headers });
    const retry = await t.call('POST', '/v1/api-keys', { token: alice, body: { name: 'once' }, headers });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.json.keyId).toBe(first.json.keyId);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');

    const list = await t.call('GET', '/v1/api-keys?limit=100', { token: alice });
    expect(list.json.items.filter((k: { name: string }) => k.name === 'once')).toHaveLength(1);

    const reused = await t.call('POST', '/v1/api-keys', { token: alice, body: { name: 'other' }, headers });
    expect(reused.status).toBe(422);
    expect(reused.json.field).toBe('headers.idempotency-key');
  });

  it('does not keep a failed attempt, so a corrected retry with the same key succeeds', async () => {
    const headers = { 'idempotency-key': `fix-${Date.now()}` };
    const admin = await t.token('admin');
    const failed = await t.call('POST', '/v1/api-keys', {
      token: admin,
      body: { name: 'for ghost', owner: 'ghost' },
      headers,
    });
    expect(failed.status).toBe(422);
    const fixed = await t.call('POST', '/v1/api-keys', {
      token: admin,
      body: { name: 'for ghost', owner: 'bob' },
      headers,
    });
    expect(fixed.status).toBe(201);
  });

  it('scopes keys per caller: the same key from two users creates two objects', async () => {
    const headers = { 'idempotency-key': `shared-${Date.now()}` };
    const a = await t.call('POST', '/v1/api-keys', { token: alice, body: { name: 'mine' }, headers });
    const b = await t.call('POST', '/v1/api-keys', {
      token: await t.token('bob'),
      body: { name: 'mine' },
      headers,
    });
    expect(a.json.keyId).not.toBe(b.json.keyId);
  });
});

describe('CORS', () => {
  it('answers a preflight from an allowed origin and tags responses', async () => {
    const preflight = await fetch(`${t.platform.apiUrl}/v1/api-keys`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('idempotency-key');

    const response = await t.call('GET', '/v1/me', {
      token: alice,
      headers: { origin: 'https://app.example.com' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(response.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });

  it('gives no CORS headers to other origins', async () => {
    const response = await t.call('GET', '/v1/me', {
      token: alice,
      headers: { origin: 'https://evil.example' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('health', () => {
  it('needs no credentials and reports version and every dependency', async () => {
    const response = await t.call('GET', '/v1/health');
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ status: 'ok', version: expect.any(String), stage: 'local' });
    expect(response.json.dependencies.map((d: { name: string }) => d.name).sort()).toEqual([
      'identity-provider',
      'metadata-store',
      'object-store',
    ]);
    expect(response.headers.get('x-request-id')).toEqual(expect.any(String));
  });
});
