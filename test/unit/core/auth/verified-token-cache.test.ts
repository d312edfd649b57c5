/**
 * The authorizer's verified-token cache: one verification per distinct token, refusals never kept,
 * the same accept/refuse decision as a fresh verification at every second around the token's expiry,
 * a bound on the entries, and revocation still applied on every request.
 */
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { JoseTokenVerifier } from '../../../../functions/adapters/jwt/token-verifier.ts';
import { authenticate, type TokenVerifier } from '../../../../functions/core/auth/authenticate.ts';
import {
  CachedTokenRevocations,
  REVOCATION_CACHE_TTL_MS,
} from '../../../../functions/core/auth/token-revocation.ts';
import {
  CachedTokenVerifier,
  MAX_CACHED_TOKENS,
} from '../../../../functions/core/auth/verified-token-cache.ts';
import { AuthenticationError } from '../../../../functions/core/errors.ts';
import { InMemoryApiKeys } from '../../../support/in-memory-api-keys.ts';

const issuer = 'https://issuer.example';
const clientId = 'client-1';
const start = Date.parse('2026-12-04T12:00:00Z');
const TOLERANCE_SECONDS = 5;

let sign: (claims: JWTPayload & { sub?: string }, issuedAt: number, expiresAt: number) => Promise<string>;
let keys: ReturnType<typeof createLocalJWKSet>;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] });
  sign = ({ sub = 'sub-alice', ...claims }, issuedAt, expiresAt) =>
    new SignJWT({
      'cognito:groups': ['user'],
      username: 'alice',
      token_use: 'access',
      client_id: clientId,
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject(sub)
      .setIssuer(issuer)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(privateKey);
});

/** A clock the test moves, shared by the verifier and the cache. */
function clock(atMs = start) {
  let now = atMs;
  return { now: () => new Date(now), set: (ms: number) => (now = ms), advance: (ms: number) => (now += ms) };
}

function joseVerifier(now: () => Date): JoseTokenVerifier {
  return new JoseTokenVerifier({
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    clientIds: [clientId],
    clockToleranceSeconds: TOLERANCE_SECONDS,
    keys,
    now,
  });
}

/** Counts the verifications that reach the wrapped verifier. */
function counting(source: TokenVerifier): TokenVerifier & { calls: number } {
  const counter = {
    calls: 0,
    verify: (token: string) => {
      counter.calls += 1;
      return source.verify(token);
    },
  };
  return counter;
}

const nowSeconds = start / 1000;

describe('CachedTokenVerifier.verify', () => {
  it('verifies a token once and then answers from memory with the same verdict', async () => {
    // Prepare
    const time = clock();
    const source = counting(joseVerifier(time.now));
    const cache = new CachedTokenVerifier(source, { now: time.now });
    const token = await sign({}, nowSeconds - 10, nowSeconds + 3600);
    // Act
    const first = await cache.verify(token);
    time.advance(60_000);
    const second = await cache.verify(token);
    // Assess
    expect(source.calls).toBe(1);
    expect(second).toEqual(first);
    expect(first.principal).toMatchObject({ userId: 'sub-alice', username: 'alice', role: 'user' });
    expect(first.validUntil).toBe(nowSeconds + 3600 + TOLERANCE_SECONDS);
  });

  it('keeps no refusal: a bad token is verified, and refused, every time', async () => {
    // Prepare
    const time = clock();
    const source = counting(joseVerifier(time.now));
    const cache = new CachedTokenVerifier(source, { now: time.now });
    const valid = await sign({}, nowSeconds - 10, nowSeconds + 3600);
    const tampered = `${valid.slice(0, -4)}AAAA`;
    // Act / Assess
    await expect(cache.verify(tampered)).rejects.toThrow(AuthenticationError);
    await expect(cache.verify(tampered)).rejects.toThrow(AuthenticationError);
    expect(source.calls).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('decides as a fresh verification does at every second around the expiry', async () => {
    // Prepare: exp on a whole second and on a fraction of one (JWT NumericDates may have both).
    for (const exp of [nowSeconds + 20, nowSeconds + 20.5]) {
      const time = clock();
      const fresh = joseVerifier(time.now);
      const cache = new CachedTokenVerifier(joseVerifier(time.now), { now: time.now });
      const token = await sign({}, nowSeconds - 10, exp);
      await cache.verify(token);
      const decisions: { at: number; fresh: boolean; cached: boolean }[] = [];
      // Act: every half second from before the expiry to past the tolerance.
      for (let ms = (exp - 3) * 1000; ms <= (exp + TOLERANCE_SECONDS + 3) * 1000; ms += 500) {
        time.set(ms);
        const outcome = (verify: Promise<unknown>) =>
          verify.then(
            () => true,
            () => false,
          );
        decisions.push({
          at: ms,
          fresh: await outcome(fresh.verify(token)),
          cached: await outcome(cache.verify(token)),
        });
      }
      // Assess: both accept, then both refuse, at the same instant.
      expect(decisions.filter((d) => d.fresh !== d.cached)).toEqual([]);
      expect(decisions.some((d) => d.fresh)).toBe(true);
      expect(decisions.some((d) => !d.fresh)).toBe(true);
    }
  });

  it('holds at most its bound, dropping the least recently used token first', async () => {
    // Prepare
    const time = clock();
    const source = counting(joseVerifier(time.now));
    const cache = new CachedTokenVerifier(source, { now: time.now, maxEntries: 2 });
    const [a, b, c] = await Promise.all(
      ['a', 'b', 'c'].map((sub) => sign({ sub }, nowSeconds - 10, nowSeconds + 3600)),
    );
    // Act: a and b cached, a used again (b is now the oldest), then c pushes b out.
    await cache.verify(a as string);
    await cache.verify(b as string);
    await cache.verify(a as string);
    await cache.verify(c as string);
    const callsBefore = source.calls;
    await cache.verify(a as string);
    await cache.verify(c as string);
    const callsForKept = source.calls - callsBefore;
    await cache.verify(b as string);
    // Assess
    expect(cache.size).toBe(2);
    expect(callsForKept).toBe(0);
    expect(source.calls - callsBefore).toBe(1);
    expect(MAX_CACHED_TOKENS).toBe(10_000);
  });
});

describe('authenticate with the verified-token cache', () => {
  it('still refuses a cached token once its user is revoked, within the revocation bound', async () => {
    // Prepare
    const time = clock();
    const notBefore = new Map<string, number>();
    const revocations = new CachedTokenRevocations({ notBefore: async (userId) => notBefore.get(userId) });
    const tokens = new CachedTokenVerifier(joseVerifier(time.now), { now: time.now });
    const token = await sign({}, nowSeconds - 10, nowSeconds + 3600);
    const deps = { tokens, apiKeys: new InMemoryApiKeys(), revocations, now: time.now };
    const call = () => authenticate({ kind: 'token', value: token }, deps);
    await call();
    // Act: the user signs out now.
    notBefore.set('sub-alice', nowSeconds + 1);
    time.advance(REVOCATION_CACHE_TTL_MS);
    // Assess
    expect(tokens.size).toBe(1);
    await expect(call()).rejects.toThrow(/issued before the account was signed out/);
  });
});
