/**
 * Authentication and access through the local API with real signed tokens and real API keys:
 * the same authorizer and handlers as on AWS, against the emulators.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';
import { craftToken, unsignedToken } from '../support/tokens.ts';

let t: TestPlatform;
let aliceSub: string;

beforeAll(async () => {
  t = await startTestPlatform();
  const me = await t.call('GET', '/v1/me', { token: await t.token('alice') });
  aliceSub = me.json.userId;
});
afterAll(async () => t?.close());

function expectProblem(response: { status: number; headers: Headers; json: any }, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(response.json).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
  expect(response.json.detail.length).toBeGreaterThan(0);
  expect(response.headers.get('x-request-id')).toBe(response.json.requestId);
}

describe('authorizer: bearer tokens', () => {
  it('accepts a valid access token and reports the caller', async () => {
    const response = await t.call('GET', '/v1/me', { token: await t.token('alice') });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      userId: aliceSub,
      username: 'alice',
      role: 'user',
      via: 'token',
      scope: 'full',
    });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('accepts a valid ID token (audience = app client)', async () => {
    const response = await t.call('GET', '/v1/me', { token: await t.token('admin', { id: true }) });
    expect(response.status).toBe(200);
    expect(response.json.role).toBe('admin');
  });

  it('refuses a request without an Authorization header at the gateway, before any function runs', async () => {
    const requests: Record<string, string>[] = [
      {},
      { 'x-api-key': 'mlp_AAAAAAAAAAAAAAAA_x' },
      { authorization: ' ' },
    ];
    for (const headers of requests) {
      const response = await t.call('GET', '/v1/me', { headers });
      // API Gateway's own answer when an identity source is missing: not problem+json, and no
      // x-request-id, which only the handlers stamp.
      expect(response.status).toBe(401);
      expect(response.json).toEqual({ message: 'Unauthorized' });
      expect(response.headers.get('x-request-id')).toBeNull();
    }
  });

  it('refuses a malformed Authorization header with 401', async () => {
    expectProblem(await t.call('GET', '/v1/me', { headers: { authorization: 'Basic YWxpY2U6eA==' } }), 401);
  });

  it('refuses an expired token with 401', async () => {
    const token = await craftToken(t.dataDir, t.platform.identity.url, aliceSub, {
      expiresAt: Math.floor(Date.now() / 1000) - 120,
    });
    const response = await t.call('GET', '/v1/me', { token });
    expectProblem(response, 401);
    expect(response.json.detail).toMatch(/expired/);
  });

  it('refuses a token for another app client (wrong audience) with 401', async () => {
    const token = await craftToken(t.dataDir, t.platform.identity.url, aliceSub, {
      claims: { client_id: 'some-other-client' },
    });
    const response = await t.call('GET', '/v1/me', { token });
    expectProblem(response, 401);
    expect(response.json.detail).toMatch(/audience/);
  });

  it('refuses an ID token whose aud is another client with 401', async () => {
    const token = await craftToken(t.dataDir, t.platform.identity.url, aliceSub, {
      claims: { token_use: 'id', aud: 'some-other-client', client_id: undefined },
    });
    expectProblem(await t.call('GET', '/v1/me', { token }), 401);
  });

  it('refuses a token from another issuer with 401', async () => {
    const token = await craftToken(t.dataDir, t.platform.identity.url, aliceSub, {
      issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_someoneelse',
    });
    const response = await t.call('GET', '/v1/me', { token });
    expectProblem(response, 401);
    expect(response.json.detail).toMatch(/not issued/);
  });

  it('refuses a token signed by a foreign key with 401', async () => {
    const token = await craftToken(t.dataDir, t.platform.identity.url, aliceSub, { foreignKey: true });
    const response = await t.call('GET', '/v1/me', { token });
    expectProblem(response, 401);
    expect(response.json.detail).toMatch(/signature/);
  });

  it('refuses an unsigned token (alg: none) with 401', async () => {
    expectProblem(
      await t.call('GET', '/v1/me', { token: unsignedToken(t.platform.identity.url, aliceSub) }),
      401,
    );
  });

  it('refuses a token whose signature was tampered with (claims changed) with 401', async () => {
    const token = await t.token('alice');
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    claims['cognito:groups'] = ['admin'];
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expectProblem(await t.call('GET', '/v1/users', { token: forged }), 401);
  });

  it('answers 403 to a user without a platform group', async () => {
    const token = await craftToken(t.dataDir, t.platform.identity.url, aliceSub, {
      claims: { 'cognito:groups': [] },
    });
    expectProblem(await t.call('GET', '/v1/me', { token }), 403);
  });
});

describe('access rules', () => {
  it('answers 403 to a user on an admin route', async () => {
    expectProblem(await t.call('GET', '/v1/users', { token: await t.token('alice') }), 403);
  });

  it("answers 404 for another owner's API key, and lets its owner and admins see it", async () => {
    const alice = await t.token('alice');
    const created = await t.call('POST', '/v1/api-keys', { token: alice, body: { name: 'alice key' } });
    expect(created.status).toBe(201);
    const path = `/v1/api-keys/${created.json.keyId}`;

    const bob = await t.token('bob');
    expectProblem(await t.call('GET', path, { token: bob }), 404);
    expectProblem(await t.call('DELETE', path, { token: bob }), 404);
    expectProblem(await t.call('GET', '/v1/api-keys/AAAAAAAAAAAAAAAA', { token: bob }), 404);

    expect((await t.call('GET', path, { token: alice })).status).toBe(200);
    expect((await t.call('GET', path, { token: await t.token('admin') })).json.ownerUsername).toBe('alice');
    const bobsList = await t.call('GET', '/v1/api-keys', { token: bob });
    expect(bobsList.json.items.map((k: { keyId: string }) => k.keyId)).not.toContain(created.json.keyId);
  });

  it('refuses a user listing keys of another owner', async () => {
    const response = await t.call('GET', `/v1/api-keys?ownerId=${aliceSub}`, { token: await t.token('bob') });
    expectProblem(response, 403);
  });
});

describe('API keys as credentials', () => {
  it('works on the same routes as tokens, then stops at once when revoked', async () => {
    const alice = await t.token('alice');
    const created = await t.call('POST', '/v1/api-keys', { token: alice, body: { name: 'ci job' } });
    const apiKey: string = created.json.apiKey;
    expect(apiKey).toMatch(/^mlp_[A-Za-z0-9]{16}_/);

    const viaHeader = await t.call('GET', '/v1/me', { apiKey });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.json).toMatchObject({ username: 'alice', via: 'apiKey', keyId: created.json.keyId });
    expect((await t.call('GET', '/v1/api-keys', { token: apiKey })).status).toBe(200);

    const revoked = await t.call('DELETE', `/v1/api-keys/${created.json.keyId}`, { token: alice });
    expect(revoked.json.status).toBe('revoked');
    expectProblem(await t.call('GET', '/v1/me', { apiKey }), 401);
    // Revoking twice is harmless.
    expect((await t.call('DELETE', `/v1/api-keys/${created.json.keyId}`, { token: alice })).status).toBe(200);
  });

  it('never returns the secret or its hash after creation', async () => {
    const alice = await t.token('alice');
    const created = await t.call('POST', '/v1/api-keys', { token: alice, body: { name: 'secret check' } });
    const fetched = await t.call('GET', `/v1/api-keys/${created.json.keyId}`, { token: alice });
    expect(fetched.json.apiKey).toBeUndefined();
    expect(fetched.text).not.toContain('secretHash');
    expect(fetched.text).not.toContain(created.json.apiKey.split('_')[2]);
  });

  it('refuses a key with a wrong secret and an unknown key with 401', async () => {
    const created = await t.call('POST', '/v1/api-keys', {
      token: await t.token('alice'),
      body: { name: 'x' },
    });
    const wrongSecret = `mlp_${created.json.keyId}_${'A'.repeat(43)}`;
    expectProblem(await t.call('GET', '/v1/me', { apiKey: wrongSecret }), 401);
    expectProblem(await t.call('GET', '/v1/me', { apiKey: `mlp_BBBBBBBBBBBBBBBB_${'A'.repeat(43)}` }), 401);
  });

  it('limits a predict-scoped key to prediction routes', async () => {
    const created = await t.call('POST', '/v1/api-keys', {
      token: await t.token('alice'),
      body: { name: 'predict only', scope: 'predict' },
    });
    expect((await t.call('GET', '/v1/me', { apiKey: created.json.apiKey })).status).toBe(200);
    expectProblem(await t.call('GET', '/v1/api-keys', { apiKey: created.json.apiKey }), 403);
  });

  it('lets admins create keys for others, carrying the owner and role', async () => {
    const created = await t.call('POST', '/v1/api-keys', {
      token: await t.token('admin'),
      body: { name: 'for bob', owner: 'bob' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ ownerUsername: 'bob', role: 'user', createdBy: 'admin' });
    const me = await t.call('GET', '/v1/me', { apiKey: created.json.apiKey });
    expect(me.json).toMatchObject({ username: 'bob', role: 'user' });
  });

  it('refuses a user creating a key for someone else with 403', async () => {
    const response = await t.call('POST', '/v1/api-keys', {
      token: await t.token('alice'),
      body: { name: 'sneaky', owner: 'bob' },
    });
    expectProblem(response, 403);
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After once a key spends its budget for the minute', async () => {
    const created = await t.call('POST', '/v1/api-keys', {
      token: await t.token('admin'),
      body: { name: 'tight budget', owner: 'alice', rateLimitPerMinute: 3 },
    });
    // 7 calls span at most two one-minute windows, so one window sees more than 3 of them.
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<TestPlatform['call']>> | undefined;
    for (let i = 0; i < 7; i += 1) {
      const response = await t.call('GET', '/v1/me', { apiKey: created.json.apiKey });
      statuses.push(response.status);
      if (response.status === 429) limited ??= response;
    }
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(3);
    expect(limited).toBeDefined();
    if (limited === undefined) return;
    expectProblem(limited, 429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Other callers keep their own budget.
    expect((await t.call('GET', '/v1/me', { token: await t.token('bob') })).status).toBe(200);
  });
});

describe('users (admin)', () => {
  it('invites a user, changes their role, and disabling them revokes their keys', async () => {
    const admin = await t.token('admin');
    const created = await t.call('POST', '/v1/users', {
      token: admin,
      body: { username: 'carol', email: 'carol@example.local' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ username: 'carol', role: 'user', enabled: true });
    expectProblem(
      await t.call('POST', '/v1/users', {
        token: admin,
        body: { username: 'carol', email: 'c@example.local' },
      }),
      409,
    );

    const carol = await t.token('carol');
    const key = await t.call('POST', '/v1/api-keys', { token: carol, body: { name: 'carol key' } });
    expect((await t.call('GET', '/v1/me', { apiKey: key.json.apiKey })).status).toBe(200);

    const promoted = await t.call('PATCH', '/v1/users/carol', { token: admin, body: { role: 'admin' } });
    expect(promoted.json.role).toBe('admin');
    const disabled = await t.call('PATCH', '/v1/users/carol', { token: admin, body: { enabled: false } });
    expect(disabled.json.enabled).toBe(false);
    expectProblem(await t.call('GET', '/v1/me', { apiKey: key.json.apiKey }), 401);

    const listed = await t.call('GET', '/v1/users?limit=2', { token: admin });
    expect(listed.json.items).toHaveLength(2);
    expect(listed.json.nextCursor).toEqual(expect.any(String));
  });

  it('keeps an admin from disabling themselves', async () => {
    const response = await t.call('PATCH', '/v1/users/admin', {
      token: await t.token('admin'),
      body: { enabled: false },
    });
    expectProblem(response, 422);
  });

  it('answers 404 for an unknown user', async () => {
    expectProblem(await t.call('GET', '/v1/users/nobody', { token: await t.token('admin') }), 404);
  });
});
