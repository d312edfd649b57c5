/** Failed-credential counting: 429 past the limit per key id and per source, per window. */
import { describe, expect, it } from 'vitest';
import {
  FAILED_ATTEMPT_WINDOW_SECONDS,
  FailedAttemptGuard,
  MAX_FAILED_ATTEMPTS_PER_KEY,
  MAX_FAILED_ATTEMPTS_PER_SOURCE,
} from '../../../../functions/core/auth/failed-attempts.ts';
import { RateLimitedError } from '../../../../functions/core/errors.ts';
import type { RateCounter } from '../../../../functions/core/rate-limit/rate-limit.ts';

class MemoryCounter implements RateCounter {
  readonly counts = new Map<string, number>();
  writes = 0;
  async increment(subject: string, windowStart: number, _expiresAt: number, amount = 1) {
    this.writes += 1;
    const key = `${subject}@${windowStart}`;
    const next = (this.counts.get(key) ?? 0) + amount;
    this.counts.set(key, next);
    return next;
  }
}

const windowStart = new Date(FAILED_ATTEMPT_WINDOW_SECONDS * 1000 * 5_000_000);

describe('FailedAttemptGuard.recordFailure', () => {
  it('answers 429 with the rest of the window once a key id passes its limit', async () => {
    // Prepare
    const guard = new FailedAttemptGuard(new MemoryCounter());
    const attempt = { sourceIp: '198.51.100.7', keyId: 'AAAAAAAAAAAAAAAA' };
    const at = new Date(windowStart.getTime() + 100_000);
    // Act
    const verdicts = [];
    for (let i = 0; i <= MAX_FAILED_ATTEMPTS_PER_KEY; i += 1)
      verdicts.push(await guard.recordFailure(attempt, at));
    // Assess
    expect(verdicts.slice(0, MAX_FAILED_ATTEMPTS_PER_KEY).every((v) => v === undefined)).toBe(true);
    const last = verdicts.at(-1);
    expect(last).toBeInstanceOf(RateLimitedError);
    expect(last?.retryAfterSeconds).toBe(FAILED_ATTEMPT_WINDOW_SECONDS - 100);
  });

  it('counts other key ids separately, and starts afresh in the next window', async () => {
    // Prepare
    const guard = new FailedAttemptGuard(new MemoryCounter());
    const key = { sourceIp: '198.51.100.7', keyId: 'AAAAAAAAAAAAAAAA' };
    for (let i = 0; i <= MAX_FAILED_ATTEMPTS_PER_KEY; i += 1) await guard.recordFailure(key, windowStart);
    // Act
    const otherKey = await guard.recordFailure({ ...key, keyId: 'BBBBBBBBBBBBBBBB' }, windowStart);
    const nextWindow = await guard.recordFailure(
      key,
      new Date(windowStart.getTime() + FAILED_ATTEMPT_WINDOW_SECONDS * 1000),
    );
    // Assess
    expect(otherKey).toBeUndefined();
    expect(nextWindow).toBeUndefined();
  });

  it('limits a source across key ids and tokens, and stops writing once it knows', async () => {
    // Prepare
    const counter = new MemoryCounter();
    const guard = new FailedAttemptGuard(counter);
    for (let i = 0; i < MAX_FAILED_ATTEMPTS_PER_SOURCE; i += 1) {
      expect(await guard.recordFailure({ sourceIp: '203.0.113.9' }, windowStart)).toBeUndefined();
    }
    // Act
    const over = await guard.recordFailure({ sourceIp: '203.0.113.9' }, windowStart);
    const writesWhenOver = counter.writes;
    const again = await guard.recordFailure({ sourceIp: '203.0.113.9' }, windowStart);
    // Assess
    expect(over).toBeInstanceOf(RateLimitedError);
    expect(again).toBeInstanceOf(RateLimitedError);
    expect(counter.writes).toBe(writesWhenOver);
    expect(await guard.recordFailure({ sourceIp: '203.0.113.10' }, windowStart)).toBeUndefined();
  });
});
