/**
 * Revoked rights end at once, although tokens are verified offline: each user may have a "valid
 * after" time (epoch seconds), set when they are disabled, demoted or sign out, and the authorizer
 * refuses any token of theirs issued before it. The authorizer reads the time through a per-container
 * cache that may be up to `REVOCATION_CACHE_TTL_MS` old, so a revocation takes effect everywhere
 * within that bound.
 */
import { AuthenticationError } from '../errors.ts';

/** The bound on how stale an authorizer's view of a revocation may be. */
export const REVOCATION_CACHE_TTL_MS = 5_000;
/** Cognito's longest token lifetime: a revocation older than this has no token left to refuse. */
export const MAX_TOKEN_LIFETIME_SECONDS = 86_400;
/** Users whose time a container keeps; beyond this the oldest entries go first. */
const MAX_CACHED_USERS = 10_000;

export interface TokenRevocations {
  /**
   * Records that the user's tokens issued before `notBeforeEpochSeconds` are void; never moves an
   * existing time backwards, so concurrent revocations and retries are safe.
   */
  revokeBefore(userId: string, notBeforeEpochSeconds: number, expiresAtEpochSeconds: number): Promise<void>;
  /** The user's "valid after" time, or undefined when none is in force. */
  notBefore(userId: string, now: Date): Promise<number | undefined>;
}

/**
 * The first whole second at or after `at`: tokens carry whole-second `iat`s, so a token issued in
 * the same second as the revocation is refused too (failing closed; a user signing in again within
 * that second retries a second later).
 */
export function notBeforeFor(at: Date): number {
  return Math.ceil(at.getTime() / 1000);
}

/** Voids every token the user holds now; they keep working only after signing in again. */
export async function revokeTokensOf(
  userId: string,
  deps: { revocations: TokenRevocations; now: () => Date },
): Promise<void> {
  const notBefore = notBeforeFor(deps.now());
  await deps.revocations.revokeBefore(userId, notBefore, notBefore + MAX_TOKEN_LIFETIME_SECONDS + 60);
}

/** Throws 401 when the token was issued before the user's last revocation. */
export function assertIssuedAfterRevocation(issuedAt: number, notBefore: number | undefined): void {
  if (notBefore !== undefined && issuedAt < notBefore) {
    throw new AuthenticationError(
      'This token was issued before the account was signed out, disabled or had its role changed; sign in again.',
    );
  }
}

/** A TokenRevocations reader that serves each user's time from memory for at most `ttlMs`. */
export class CachedTokenRevocations implements Pick<TokenRevocations, 'notBefore'> {
  readonly #source: Pick<TokenRevocations, 'notBefore'>;
  readonly #ttlMs: number;
  readonly #entries = new Map<string, { notBefore: number | undefined; readAt: number }>();

  constructor(source: Pick<TokenRevocations, 'notBefore'>, ttlMs = REVOCATION_CACHE_TTL_MS) {
    this.#source = source;
    this.#ttlMs = ttlMs;
  }

  async notBefore(userId: string, now: Date): Promise<number | undefined> {
    const cached = this.#entries.get(userId);
    if (cached !== undefined && now.getTime() - cached.readAt < this.#ttlMs) return cached.notBefore;
    // Read time is taken before the read: the entry never claims to be fresher than it is.
    const readAt = now.getTime();
    const notBefore = await this.#source.notBefore(userId, now);
    this.#entries.delete(userId);
    this.#entries.set(userId, { notBefore, readAt });
    if (this.#entries.size > MAX_CACHED_USERS) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    return notBefore;
  }
}
