/**
 * Fixed one-minute windows per caller, shared by every container through an atomic counter in the
 * usage table. A container does not write once per request: it leases a slice of the caller's
 * budget (one atomic add of the slice size) and spends it locally, leasing again when it runs out.
 * Leases never admit more than the budget across containers; what a container leased and did not
 * use by the end of the window is simply lost, so a busy caller spread over many containers may be
 * held slightly under its budget, never over it. Small budgets lease one request at a time, which
 * is the exact per-request count. Past the budget the answer is 429 with the seconds left in the
 * window. Fixed windows allow a burst of up to twice the budget across a window edge.
 *
 * Leases of 5 or more are renewed ahead: when a fifth of the lease is left, the next one is taken in
 * the background, so under steady traffic a request waits for the counter only on its window's
 * first call (at most a lease and a fifth idle per container at the window's end).
 */
import type { Principal } from '../auth/principal.ts';
import { RateLimitedError } from '../errors.ts';

export interface RateCounter {
  /** Adds `amount` to the counter of `subject` in `windowStart` and returns the new count. */
  increment(
    subject: string,
    windowStartEpochSeconds: number,
    expiresAtEpochSeconds: number,
    amount?: number,
  ): Promise<number>;
}

export const WINDOW_SECONDS = 60;
/** A lease is this share of the budget (1/20: at most 5% of it idle in one container). */
const LEASE_SHARE = 20;
/** Leases at least this large are renewed in the background when a fifth of them is left. */
const RENEW_AHEAD_MIN_LEASE = 5;

/** API keys are limited per key, users per user: a user's own keys do not share their budget. */
export function rateSubject(principal: Principal): string {
  return principal.keyId === undefined ? `user#${principal.userId}` : `key#${principal.keyId}`;
}

export interface RateDecision {
  readonly limit: number;
  /** Requests this container may still admit in the window without asking the counter. */
  readonly leased: number;
  readonly resetSeconds: number;
}

export function leaseSize(limit: number): number {
  return Math.max(1, Math.floor(limit / LEASE_SHARE));
}

interface Lease {
  window: number;
  remaining: number;
  exhausted: boolean;
  /** The counter write under way for this lease, shared by every request that needs it. */
  extending: Promise<void> | undefined;
}

/** One per container: the leases it holds, by caller. */
export class RateBudget {
  readonly #counter: RateCounter;
  readonly #leases = new Map<string, Lease>();

  constructor(counter: RateCounter) {
    this.#counter = counter;
  }

  async consume(principal: Principal, defaultPerMinute: number, now: Date): Promise<RateDecision> {
    const limit = principal.rateLimitPerMinute ?? defaultPerMinute;
    const nowSeconds = now.getTime() / 1000;
    const window = Math.floor(nowSeconds / WINDOW_SECONDS) * WINDOW_SECONDS;
    const resetSeconds = Math.max(1, Math.ceil(window + WINDOW_SECONDS - nowSeconds));
    const subject = rateSubject(principal);
    let lease = this.#leases.get(subject);
    if (lease === undefined || lease.window !== window) {
      lease = { window, remaining: 0, exhausted: false, extending: undefined };
      this.#leases.set(subject, lease);
      this.#forgetOldWindows(window);
    }
    const size = leaseSize(limit);
    if (lease.remaining === 0 && !lease.exhausted) {
      await (lease.extending ?? this.#extend(lease, subject, size, limit));
    }
    if (lease.remaining === 0) {
      throw new RateLimitedError(
        `Rate limit of ${limit} requests per minute exceeded; retry in ${resetSeconds} s.`,
        resetSeconds,
      );
    }
    lease.remaining -= 1;
    if (
      size >= RENEW_AHEAD_MIN_LEASE &&
      !lease.exhausted &&
      lease.extending === undefined &&
      lease.remaining <= size / 5
    ) {
      // A failure here is met again, on the request path, by the request that finds the lease empty.
      this.#extend(lease, subject, size, limit).catch(() => undefined);
    }
    return { limit, leased: lease.remaining, resetSeconds };
  }

  /** One atomic add of `size` to the shared counter; what fits in the budget joins the lease. */
  #extend(lease: Lease, subject: string, size: number, limit: number): Promise<void> {
    const extending = (async () => {
      // Counters are kept a little past their window so an operator can read recent usage.
      const count = await this.#counter.increment(subject, lease.window, lease.window + 3600, size);
      const before = count - size;
      const granted = Math.max(0, Math.min(size, limit - before));
      lease.remaining += granted;
      if (granted < size) lease.exhausted = true;
    })().finally(() => {
      lease.extending = undefined;
    });
    lease.extending = extending;
    return extending;
  }

  #forgetOldWindows(current: number): void {
    for (const [subject, lease] of this.#leases) if (lease.window < current) this.#leases.delete(subject);
  }
}
