/**
 * Fixed one-minute windows per caller: each request adds one to the caller's counter for the
 * current minute (an atomic add in the usage table); past the budget the answer is 429 with the
 * seconds left in the window. Fixed windows allow a burst of up to twice the budget across a
 * window edge; that is the accepted price of one write per request and no read-modify-write race.
 */
import type { Principal } from '../auth/principal.ts';
import { RateLimitedError } from '../errors.ts';

export interface RateCounter {
  /** Adds one to the counter of `subject` in `windowStart` and returns the new count. */
  increment(subject: string, windowStartEpochSeconds: number, expiresAtEpochSeconds: number): Promise<number>;
}

export const WINDOW_SECONDS = 60;

/** API keys are limited per key, users per user: a user's own keys do not share their budget. */
export function rateSubject(principal: Principal): string {
  return principal.keyId === undefined ? `user#${principal.userId}` : `key#${principal.keyId}`;
}

export interface RateDecision {
  readonly limit: number;
  readonly remaining: number;
  readonly resetSeconds: number;
}

export async function consumeRateBudget(
  principal: Principal,
  defaultPerMinute: number,
  deps: { counter: RateCounter; now: () => Date },
): Promise<RateDecision> {
  const limit = principal.rateLimitPerMinute ?? defaultPerMinute;
  const nowSeconds = deps.now().getTime() / 1000;
  const windowStart = Math.floor(nowSeconds / WINDOW_SECONDS) * WINDOW_SECONDS;
  const resetSeconds = Math.max(1, Math.ceil(windowStart + WINDOW_SECONDS - nowSeconds));
  // Counters are kept a little past their window so an operator can read recent usage.
  const count = await deps.counter.increment(rateSubject(principal), windowStart, windowStart + 3600);
  if (count > limit) {
    throw new RateLimitedError(
      `Rate limit of ${limit} requests per minute exceeded; retry in ${resetSeconds} s.`,
      resetSeconds,
    );
  }
  return { limit, remaining: limit - count, resetSeconds };
}
