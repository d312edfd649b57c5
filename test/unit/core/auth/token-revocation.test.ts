/** "Valid after" times: the whole-second rule, the refusal, and the bounded cache. */
import { describe, expect, it } from 'vitest';
import {
  assertIssuedAfterRevocation,
  CachedTokenRevocations,
  MAX_TOKEN_LIFETIME_SECONDS,
  notBeforeFor,
  REVOCATION_CACHE_TTL_MS,
  revokeTokensOf,
  type TokenRevocations,
} from '../../../../functions/core/auth/token-revocation.ts';
import { AuthenticationError } from '../../../../functions/core/errors.ts';

class MemoryRevocations implements TokenRevocations {
  readonly times = new Map<string, { notBefore: number; expiresAt: number }>();
  reads = 0;
  async revokeBefore(userId: string, notBefore: number, expiresAt: number) {
    const current = this.times.get(userId);
    if (current === undefined || current.notBefore < notBefore)
      this.times.set(userId, { notBefore, expiresAt });
  }
  async notBefore(userId: string) {
    this.reads += 1;
    return this.times.get(userId)?.notBefore;
  }
}

describe('notBeforeFor', () => {
  it('rounds up to the next whole second, so a token of the same second is refused', () => {
    expect(notBeforeFor(new Date(100_500))).toBe(101);
    expect(notBeforeFor(new Date(100_000))).toBe(100);
  });
});

describe('assertIssuedAfterRevocation', () => {
  it('refuses a token issued before the time and accepts one issued at or after it', () => {
    expect(() => assertIssuedAfterRevocation(99, 100)).toThrow(AuthenticationError);
    expect(() => assertIssuedAfterRevocation(100, 100)).not.toThrow();
    expect(() => assertIssuedAfterRevocation(1, undefined)).not.toThrow();
  });
});

describe('revokeTokensOf', () => {
  it('records the time with an expiry past the longest token lifetime', async () => {
    // Prepare
    const store = new MemoryRevocations();
    // Act
    await revokeTokensOf('u1', { revocations: store, now: () => new Date(1_000_000_250) });
    // Assess
    const stored = store.times.get('u1');
    expect(stored?.notBefore).toBe(1_000_001);
    expect(stored?.expiresAt).toBeGreaterThan(1_000_001 + MAX_TOKEN_LIFETIME_SECONDS);
  });
});

describe('CachedTokenRevocations.notBefore', () => {
  it('serves a read for at most the bound, then reads again', async () => {
    // Prepare
    const store = new MemoryRevocations();
    const cache = new CachedTokenRevocations(store);
    const start = 1_000_000_000;
    // Act
    expect(await cache.notBefore('u1', new Date(start))).toBeUndefined();
    await store.revokeBefore('u1', 500, 999_999_999);
    const withinBound = await cache.notBefore('u1', new Date(start + REVOCATION_CACHE_TTL_MS - 1));
    const afterBound = await cache.notBefore('u1', new Date(start + REVOCATION_CACHE_TTL_MS));
    // Assess
    expect(withinBound).toBeUndefined();
    expect(afterBound).toBe(500);
    expect(store.reads).toBe(2);
  });

  it('keeps a bound of a few seconds', () => {
    expect(REVOCATION_CACHE_TTL_MS).toBeLessThanOrEqual(10_000);
  });
});
