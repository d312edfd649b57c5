import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../functions/core/auth/principal.ts';
import { RateLimitedError } from '../../../functions/core/errors.ts';
import {
  consumeRateBudget,
  type RateCounter,
  rateSubject,
} from '../../../functions/core/rate-limit/rate-limit.ts';

class CountingCounter implements RateCounter {
  readonly counts = new Map<string, number>();
  async increment(subject: string, windowStart: number) {
    const key = `${subject}@${windowStart}`;
    const next = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, next);
    return next;
  }
}

const user: Principal = { userId: 'u1', username: 'u', role: 'user', via: 'token', scope: 'full' };
const key: Principal = { ...user, via: 'apiKey', keyId: 'K1', rateLimitPerMinute: 2 };

describe('consumeRateBudget', () => {
  it('allows the budget, then refuses with the seconds left in the window', async () => {
    const counter = new CountingCounter();
    const now = () => new Date('2026-11-25T12:00:45.200Z');
    await consumeRateBudget(key, 100, { counter, now });
    await consumeRateBudget(key, 100, { counter, now });
    const refusal = await consumeRateBudget(key, 100, { counter, now }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(RateLimitedError);
    expect((refusal as RateLimitedError).retryAfterSeconds).toBe(15);
  });

  it('starts a fresh budget in the next minute', async () => {
    const counter = new CountingCounter();
    for (let i = 0; i < 2; i += 1)
      await consumeRateBudget(key, 100, { counter, now: () => new Date('2026-11-25T12:00:59Z') });
    await expect(
      consumeRateBudget(key, 100, { counter, now: () => new Date('2026-11-25T12:01:00Z') }),
    ).resolves.toMatchObject({
      remaining: 1,
    });
  });

  it('uses the platform default when the caller has no budget of its own', async () => {
    const decision = await consumeRateBudget(user, 7, {
      counter: new CountingCounter(),
      now: () => new Date(),
    });
    expect(decision.limit).toBe(7);
    expect(decision.remaining).toBe(6);
  });

  it('counts API keys apart from their owner', () => {
    expect(rateSubject(user)).toBe('user#u1');
    expect(rateSubject(key)).toBe('key#K1');
  });
});
