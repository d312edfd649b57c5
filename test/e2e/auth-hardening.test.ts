/**
 * Revoked rights end at once, future-dated tokens are refused, and failed credentials are
 * throttled: through the local API, with the same authorizer and handlers as on AWS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ISSUED_AT_SKEW_SECONDS } from '../../functions/adapters/jwt/token-verifier.ts';
import {
  FAILED_ATTEMPT_WINDOW_SECONDS,
  MAX_FAILED_ATTEMPTS_PER_KEY,
  MAX_FAILED_ATTEMPTS_PER_SOURCE,
} from '../../functions/core/auth/failed-attempts.ts';
import { REVOCATION_CACHE_TTL_MS } from '../../functions/core/auth/token-revocation.ts';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';
import { craftToken } from '../support/tokens.ts';

let t: TestPlatform;
let adminToken: string;

beforeAll(async () => {
  t = await startTestPlatform();
  adminToken = await t.token('admin');
});
afterAll(async () => t?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Tokens carry whole-second `iat`s; one minted in the second of a revocation is void too. */
async function nextSecond(): Promise<void> {
  await sleep(1000 - (Date.now() % 1000) + 20);
}

/**
 * Calls until the answer is `status` and returns how long that took after `since`; fails past the
 * revocation bound (plus a little for the requests themselves).
 */
async function waitForStatus(
  since: number,
  status: number,
  call: () => Promise<{ status: number; json: any }>,
): Promise<{ elapsedMs: number; json: any }> {
  for (;;) {
    const response = await call();
    const elapsedMs = Date.now() - since;
    if (response.status === status) return { elapsedMs, json: response.json };
    if (elapsedMs > REVOCATION_CACHE_TTL_MS + 1500) {
      throw new Error(`still ${response.status} after ${elapsedMs} ms: ${JSON.stringify(response.json)}`);
    }
    await sleep(200);
  }
}

async function createUser(username: string, role: 'admin' | 'user'): Promise<void> {
  const created = await t.call('POST', '/v1/users', {
    token: adminToken,
    body: { username, email: `${username}@example.local`, role },
  });
  expect(created.status).toBe(201);
}

describe('revocation: disabled, demoted and signed-out users', () => {
  it("ends a disabled user's existing token within the bound", async () => {
    // Prepare
    await createUser('carol', 'user');
    const carol = await t.token('carol');
    expect((await t.call('GET', '/v1/me', { token: carol })).status).toBe(200);
    const created = await t.call('POST', '/v1/models', { token: carol, body: { name: 'carol-model' } });
    expect(created.status).toBe(201);
    // Act
    const disabledAt = Date.now();
    const disabled = await t.call('PATCH', '/v1/users/carol', {
      token: adminToken,
      body: { enabled: false },
    });
    expect(disabled.status).toBe(200);
    const refused = await waitForStatus(disabledAt, 401, () => t.call('GET', '/v1/me', { token: carol }));
    const write = await t.call('POST', '/v1/models', { token: carol, body: { name: 'carol-model-2' } });
    // Assess
    expect(refused.elapsedMs).toBeLessThanOrEqual(REVOCATION_CACHE_TTL_MS + 1500);
    expect(refused.json.detail).toMatch(/sign in again/);
    expect(write.status).toBe(401);
    expect((await t.call('GET', '/v1/models/carol-model-2', { token: adminToken })).status).toBe(404);
  });

  it("takes admin routes from a demoted admin's token, and a new sign-in carries the user role", async () => {
    // Prepare
    await createUser('dave', 'admin');
    const dave = await t.token('dave');
    expect((await t.call('GET', '/v1/users', { token: dave })).status).toBe(200);
    // Act
    const demotedAt = Date.now();
    const demoted = await t.call('PATCH', '/v1/users/dave', { token: adminToken, body: { role: 'user' } });
    expect(demoted.status).toBe(200);
    const refused = await waitForStatus(demotedAt, 401, () => t.call('GET', '/v1/users', { token: dave }));
    await nextSecond();
    const fresh = await t.token('dave');
    // Assess
    expect(refused.elapsedMs).toBeLessThanOrEqual(REVOCATION_CACHE_TTL_MS + 1500);
    expect((await t.call('GET', '/v1/users', { token: fresh })).status).toBe(403);
    expect((await t.call('GET', '/v1/me', { token: fresh })).json.role).toBe('user');
  });

  it('signs a caller out: their tokens stop working, a new sign-in works', async () => {
    // Prepare
    await createUser('erin', 'user');
    const access = await t.token('erin');
    const id = await t.token('erin', { id: true });
    // Act
    const signedOutAt = Date.now();
    const signOut = await t.call('POST', '/v1/me/sign-out', { token: access });
    const accessRefused = await waitForStatus(signedOutAt, 401, () =>
      t.call('GET', '/v1/me', { token: access }),
    );
    const idRefused = await waitForStatus(signedOutAt, 401, () => t.call('GET', '/v1/me', { token: id }));
    await nextSecond();
    const fresh = await t.token('erin');
    // Assess
    expect(signOut.status).toBe(204);
    expect(accessRefused.elapsedMs).toBeLessThanOrEqual(REVOCATION_CACHE_TTL_MS + 1500);
    expect(idRefused.json.status).toBe(401);
    expect((await t.call('GET', '/v1/me', { token: fresh })).status).toBe(200);
  });

  it('refuses signing out with an API key (keys are revoked one by one)', async () => {
    const alice = await t.token('alice');
    const key = await t.call('POST', '/v1/api-keys', { token: alice, body: { name: 'k' } });
    const response = await t.call('POST', '/v1/me/sign-out', { apiKey: key.json.apiKey });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('tokens issued in the future', () => {
  let aliceSub: string;
  beforeAll(async () => {
    aliceSub = (await t.call('GET', '/v1/me', { token: await t.token('alice') })).json.userId;
  });
  const inFuture = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;

  it.each([
    ['access', {}],
    ['ID', { token_use: 'id', aud: 'local-platform-client', client_id: undefined }],
  ])('refuses an %s token whose iat lies beyond the skew', async (_kind, claims) => {
    const token = await craftToken(t.dataDir, t.platform.identity.url, aliceSub, {
      claims,
      issuedAt: inFuture(MAX_ISSUED_AT_SKEW_SECONDS + 120),
      expiresAt: inFuture(3600),
    });
    const response = await t.call('GET', '/v1/me', { token });
    expect(response.status).toBe(401);
    expect(response.json.detail).toMatch(/issued in the future/);
  });

  it('accepts a token whose iat is ahead by less than the skew', async () => {
    const token = await craftToken(t.dataDir, t.platform.identity.url, aliceSub, {
      issuedAt: inFuture(MAX_ISSUED_AT_SKEW_SECONDS - 20),
      expiresAt: inFuture(3600),
    });
    expect((await t.call('GET', '/v1/me', { token })).status).toBe(200);
  });
});

describe('failed credentials', () => {
  it('answers 429 with Retry-After to a burst of wrong secrets for one key id; the right key still works', async () => {
    // Prepare
    const alice = await t.token('alice');
    const key = await t.call('POST', '/v1/api-keys', { token: alice, body: { name: 'burst' } });
    const wrong = `mlp_${key.json.keyId}_${'A'.repeat(43)}`;
    // Act
    const statuses: number[] = [];
    let last: Awaited<ReturnType<TestPlatform['call']>> | undefined;
    for (let i = 0; i <= MAX_FAILED_ATTEMPTS_PER_KEY; i += 1) {
      last = await t.call('GET', '/v1/me', { apiKey: wrong });
      statuses.push(last.status);
    }
    // Assess
    expect(statuses.slice(0, MAX_FAILED_ATTEMPTS_PER_KEY)).toEqual(
      Array(MAX_FAILED_ATTEMPTS_PER_KEY).fill(401),
    );
    expect(last?.status).toBe(429);
    expect(last?.headers.get('content-type')).toBe('application/problem+json');
    const retryAfter = Number(last?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(FAILED_ATTEMPT_WINDOW_SECONDS);
    expect((await t.call('GET', '/v1/me', { apiKey: key.json.apiKey })).status).toBe(200);
  });

  // Last in the file: it puts the test's source address over its limit for the window.
  it('answers 429 to one source after many failures of any kind, and still admits good tokens', async () => {
    const statuses = new Set<number>();
    for (let i = 0; i <= MAX_FAILED_ATTEMPTS_PER_SOURCE; i += 1) {
      statuses.add((await t.call('GET', '/v1/me', { token: `not-a-token-${i}` })).status);
    }
    const over = await t.call('GET', '/v1/me', { token: 'not-a-token' });
    expect([...statuses].sort()).toEqual([401, 429]);
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await t.call('GET', '/v1/me', { token: await t.token('alice') })).status).toBe(200);
  });
});
