import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../functions/core/auth/principal.ts';
import { RateLimitedError } from '../../../functions/core/errors.ts';
import {
  leaseSize,
  RateBudget,
  type RateCounter,
  rateSubject,
} from '../../../functions/core/rate-limit/rate-limit.ts';

/** The shared counter, as the usage table keeps it. */
class SharedCounter implements RateCounter {
  readonly counts = new Map<string, number>();
  calls = 0;
  async increment(subject: string, windowStart: number, _expires: number, amount = 1) {
    this.calls += 1;
    const key = `${subject}@${windowStart}`;
    const next = (this.counts.get(key) ?? 0) + amount;
    this.counts.set(key, next);
    return next;
  }
}

const user: Principal = { userId: 'u1', username: 'u', role: 'user', via: 'token', scope: 'full' };
const key: Principal = { ...user, via: 'apiKey', keyId: 'K1', rateLimitPerMinute: 2 };
const at = (iso: string) => new Date(iso);

async function admitted(budget: RateBudget, principal: Principal, limit: number, times: number, now: Date) {
  let ok = 0;
  for (let i = 0; i < times; i += 1) {
    try {
      await budget.consume(principal, limit, now);
      ok += 1;
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
    }
  }
  return ok;
}

describe('RateBudget', () => {
  it('admits a small budget exactly, then refuses with the seconds left in the window', async () => {
    const budget = new RateBudget(new SharedCounter());
    const now = at('2026-11-25T12:00:45.200Z');
    await budget.consume(key, 100, now);
    await budget.consume(key, 100, now);
    const refusal = await budget.consume(key, 100, now).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(RateLimitedError);
    expect((refusal as RateLimitedError).retryAfterSeconds).toBe(15);
  });

  it('starts a fresh budget in the next minute', async () => {
    const budget = new RateBudget(new SharedCounter());
    expect(await admitted(budget, key, 100, 5, at('2026-11-25T12:00:59Z'))).toBe(2);
    expect(await admitted(budget, key, 100, 1, at('2026-11-25T12:01:00Z'))).toBe(1);
  });

  it('leases slices of a large budget: one counter write per slice, not per request', async () => {
    const counter = new SharedCounter();
    const budget = new RateBudget(counter);
    const now = at('2026-11-25T12:00:10Z');
    expect(await admitted(budget, user, 600, 600, now)).toBe(600);
    // One write per slice, and the renewal ahead that found the budget spent.
    expect(counter.calls).toBe(600 / leaseSize(600) + 1);
    expect(await admitted(budget, user, 600, 5, now)).toBe(0);
  });

  it('renews a lease in the background, so requests do not wait for the counter after the first', async () => {
    // Prepare: a counter whose writes wait until released
    const counter = new SharedCounter();
    const pending: (() => void)[] = [];
    const slow: RateCounter = {
      increment: async (...args) => {
        if (counter.calls > 0) await new Promise<void>((resolve) => pending.push(resolve));
        return counter.increment(...args);
      },
    };
    const budget = new RateBudget(slow);
    const now = at('2026-11-25T12:00:10Z');
    const size = leaseSize(600);
    await budget.consume(user, 600, now);

    // Act: spend the first lease while the renewal waits on the counter
    let settled = 0;
    for (let i = 1; i < size; i += 1) await budget.consume(user, 600, now).then(() => (settled += 1));
    const renewals = pending.length;
    for (const resolve of pending) resolve();
    await new Promise((resolve) => setImmediate(resolve));
    const next = await budget.consume(user, 600, now);

    // Assess: every request of the first lease settled without the counter; one renewal, granted
    expect(settled).toBe(size - 1);
    expect(renewals).toBe(1);
    expect(counter.calls).toBe(2);
    expect(next.leased).toBe(size - 1);
  });

  it('never admits more than the budget across containers sharing the counter', async () => {
    const counter = new SharedCounter();
    const containers = Array.from({ length: 7 }, () => new RateBudget(counter));
    const now = at('2026-11-25T12:00:10Z');
    let total = 0;
    for (let round = 0; round < 200; round += 1) {
      for (const container of containers) total += await admitted(container, user, 100, 1, now);
    }
    expect(total).toBeLessThanOrEqual(100);
    expect(total).toBeGreaterThanOrEqual(100 - 7 * leaseSize(100));
  });

  it('counts API keys apart from their owner', () => {
    expect(rateSubject(user)).toBe('user#u1');
    expect(rateSubject(key)).toBe('key#K1');
  });
});
