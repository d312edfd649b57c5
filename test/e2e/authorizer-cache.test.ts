/**
 * The authorizer keeps a token's verification until the token expires, and reads revocations and
 * API keys per request: through the local API (the same authorizer code as on AWS), a credential it
 * has just accepted stops working when it expires, is signed out, or (a key) is revoked or expires,
 * within the stated bounds: a token at its `exp` plus the 5 s clock tolerance, a sign-out within
 * REVOCATION_CACHE_TTL_MS, an API key on the next request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVOCATION_CACHE_TTL_MS } from '../../functions/core/auth/token-revocation.ts';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';
import { craftToken } from '../support/tokens.ts';

/** The token verifier's clock tolerance on `exp` (functions/adapters/jwt/token-verifier.ts). */
const CLOCK_TOLERANCE_SECONDS = 5;

let t: TestPlatform;
let aliceSub: string;

beforeAll(async () => {
  t = await startTestPlatform();
  aliceSub = (await t.call('GET', '/v1/me', { token: await t.token('alice') })).json.userId;
});
afterAll(async () => t?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls until `status` comes back or `boundMs` passes; returns the last answer and when it came. */
async function statusWithin(
  boundMs: number,
  status: number,
  call: () => ReturnType<TestPlatform['call']>,
): Promise<{ response: Awaited<ReturnType<TestPlatform['call']>>; elapsedMs: number }> {
  const started = Date.now();
  for (;;) {
    const response = await call();
    const elapsedMs = Date.now() - started;
    if (response.status === status || elapsedMs > boundMs) return { response, elapsedMs };
    await sleep(200);
  }
}

describe('the authorizer’s verified-token cache, through the local API', () => {
  it('stops accepting a token it has verified once the token expires', async () => {
    // Prepare: a token that expires two seconds from now, accepted (and so cached) at once.
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const token = await craftToken(t.dataDir, t.platform.identity.url, aliceSub, { expiresAt });
    const accepted = await t.call('GET', '/v1/me', { token });
    expect(accepted.status).toBe(200);
    // Act: past exp + tolerance.
    await sleep((expiresAt + CLOCK_TOLERANCE_SECONDS + 1) * 1000 - Date.now());
    const refused = await t.call('GET', '/v1/me', { token });
    // Assess
    expect(refused.status).toBe(401);
    expect(refused.json.detail).toMatch(/expired/);
  }, 30_000);

  it('stops accepting a token it has verified when its user signs out', async () => {
    // Prepare: the token is verified and used several times.
    const token = await t.token('bob');
    for (let i = 0; i < 3; i += 1) expect((await t.call('GET', '/v1/me', { token })).status).toBe(200);
    // Act
    expect((await t.call('POST', '/v1/me/sign-out', { token })).status).toBe(204);
    const { response, elapsedMs } = await statusWithin(REVOCATION_CACHE_TTL_MS + 1500, 401, () =>
      t.call('GET', '/v1/me', { token }),
    );
    // Assess
    expect(response.status).toBe(401);
    expect(elapsedMs).toBeLessThanOrEqual(REVOCATION_CACHE_TTL_MS + 1500);
  }, 30_000);

  it('refuses an API key on the first request after it expires, however often it was used', async () => {
    // Prepare: a key that expires three seconds from now, used several times.
    const owner = await t.token('alice');
    const expiresAt = new Date(Date.now() + 3000).toISOString();
    const created = await t.call('POST', '/v1/api-keys', {
      token: owner,
      body: { name: 'short-lived', expiresAt },
    });
    expect(created.status).toBe(201);
    const apiKey: string = created.json.apiKey;
    for (let i = 0; i < 3; i += 1) expect((await t.call('GET', '/v1/me', { apiKey })).status).toBe(200);
    // Act
    await sleep(Date.parse(expiresAt) - Date.now() + 100);
    const refused = await t.call('GET', '/v1/me', { apiKey });
    // Assess
    expect(refused.status).toBe(401);
  }, 30_000);

  it('refuses an API key on the first request after it is revoked, however often it was used', async () => {
    // Prepare
    const owner = await t.token('alice');
    const created = await t.call('POST', '/v1/api-keys', { token: owner, body: { name: 'revoked soon' } });
    const apiKey: string = created.json.apiKey;
    for (let i = 0; i < 3; i += 1) expect((await t.call('GET', '/v1/me', { apiKey })).status).toBe(200);
    // Act
    const revoked = await t.call('DELETE', `/v1/api-keys/${created.json.keyId}`, { token: owner });
    const refused = await t.call('GET', '/v1/me', { apiKey });
    // Assess
    expect(revoked.json.status).toBe('revoked');
    expect(refused.status).toBe(401);
  });
});
