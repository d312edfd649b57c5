/**
 * Failed credentials are counted per API key id and per source IP in fixed windows, with one atomic
 * add per failure in the shared usage table. Once a subject passes its limit within a window, its
 * further failures are answered 429 (Retry-After: the rest of the window) instead of 401.
 *
 * A correct credential is never refused because of failures: key ids are not secret and many users
 * share a source IP behind a NAT, so a lockout that refused correct credentials would let anyone lock
 * a key's owner, or an office, out. Guessing gains nothing (256-bit key secrets, signed tokens); what
 * the counter buys is a clear back-off signal, and, once a container has seen a subject over its
 * limit, no further counter write for that subject in that window. Volume is bounded by API Gateway's
 * throttling in front.
 */
import { RateLimitedError } from '../errors.ts';
import type { RateCounter } from '../rate-limit/rate-limit.ts';

export const FAILED_ATTEMPT_WINDOW_SECONDS = 300;
/** Failed secrets for one API key id in a window before 429. */
export const MAX_FAILED_ATTEMPTS_PER_KEY = 10;
/** Failed credentials of any kind from one source IP in a window before 429. */
export const MAX_FAILED_ATTEMPTS_PER_SOURCE = 100;
/** Subjects a container remembers as over their limit; a bound on its memory. */
const MAX_REMEMBERED_SUBJECTS = 10_000;

export interface FailedAttempt {
  readonly sourceIp: string;
  /** The key id of a presented API key, when the key was shaped like one. */
  readonly keyId?: string;
}

/** One per container: counts failures and remembers which subjects are over their limit. */
export class FailedAttemptGuard {
  readonly #counter: RateCounter;
  /** Subject → end of the window (epoch seconds) in which it went over its limit. */
  readonly #overLimit = new Map<string, number>();

  constructor(counter: RateCounter) {
    this.#counter = counter;
  }

  /**
   * Counts one failure. Returns the 429 to answer with when a subject is over its limit, otherwise
   * undefined (the caller answers 401).
   */
  async recordFailure(attempt: FailedAttempt, now: Date): Promise<RateLimitedError | undefined> {
    const nowSeconds = now.getTime() / 1000;
    const windowStart =
      Math.floor(nowSeconds / FAILED_ATTEMPT_WINDOW_SECONDS) * FAILED_ATTEMPT_WINDOW_SECONDS;
    const windowEnd = windowStart + FAILED_ATTEMPT_WINDOW_SECONDS;
    const subjects: { subject: string; limit: number }[] = [
      { subject: `auth-failures#source#${attempt.sourceIp}`, limit: MAX_FAILED_ATTEMPTS_PER_SOURCE },
      ...(attempt.keyId === undefined
        ? []
        : [{ subject: `auth-failures#key#${attempt.keyId}`, limit: MAX_FAILED_ATTEMPTS_PER_KEY }]),
    ];
    this.#forgetEndedWindows(nowSeconds);
    const counts = await Promise.all(
      subjects.map(async ({ subject, limit }) => {
        if ((this.#overLimit.get(subject) ?? 0) > nowSeconds) return true;
        // Kept past the window so an operator can read recent failures; expired rows are never read.
        const count = await this.#counter.increment(subject, windowStart, windowEnd + 3600);
        if (count <= limit) return false;
        this.#remember(subject, windowEnd);
        return true;
      }),
    );
    if (!counts.some(Boolean)) return undefined;
    const retryAfter = Math.max(1, Math.ceil(windowEnd - nowSeconds));
    return new RateLimitedError(
      `Too many failed sign-in attempts for this API key or from this address; retry in ${retryAfter} s.`,
      retryAfter,
    );
  }

  #remember(subject: string, windowEnd: number): void {
    if (this.#overLimit.size >= MAX_REMEMBERED_SUBJECTS) {
      const oldest = this.#overLimit.keys().next().value;
      if (oldest !== undefined) this.#overLimit.delete(oldest);
    }
    this.#overLimit.set(subject, windowEnd);
  }

  #forgetEndedWindows(nowSeconds: number): void {
    for (const [subject, end] of this.#overLimit) if (end <= nowSeconds) this.#overLimit.delete(subject);
  }
}
