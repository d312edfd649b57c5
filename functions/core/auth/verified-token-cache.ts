/**
 * A token's signature, issuer, audience and times are checked once per container: the verdict is
 * kept, keyed by the SHA-256 of the token, until the moment the token would stop verifying anyway
 * (`validUntil`: its `exp` plus the verifier's clock tolerance), so a cached answer is the answer a
 * fresh verification would give. Refusals are never kept (each is verified and counted as a failed
 * credential again). What the cache does not replace runs on every request: the revocation check
 * (token-revocation.ts, at most `REVOCATION_CACHE_TTL_MS` stale), so signing out, disabling or
 * demoting a user ends their tokens within the same bound as without this cache.
 *
 * The one difference from verifying every time: a token signed with a key later removed from the
 * issuer's JWKS keeps working until it expires on containers that verified it before the removal.
 * Cognito does not retire signing keys with tokens outstanding; a compromised key calls for a
 * redeployment, which starts new containers with empty caches.
 */
import { createHash } from 'node:crypto';
import type { TokenVerifier, VerifiedToken } from './authenticate.ts';

/** Tokens a container remembers; beyond this the least recently used go first. */
export const MAX_CACHED_TOKENS = 10_000;

export interface VerifiedTokenCacheOptions {
  /** @default MAX_CACHED_TOKENS */
  readonly maxEntries?: number;
  /** Default the system clock. */
  readonly now?: () => Date;
}

/** A TokenVerifier that verifies each distinct token once and then answers from memory. */
export class CachedTokenVerifier implements TokenVerifier {
  readonly #source: TokenVerifier;
  readonly #maxEntries: number;
  readonly #now: () => Date;
  /** SHA-256 of the token (base64url) → its verdict; insertion order is recency of use. */
  readonly #entries = new Map<string, VerifiedToken>();

  constructor(source: TokenVerifier, options: VerifiedTokenCacheOptions = {}) {
    this.#source = source;
    this.#maxEntries = options.maxEntries ?? MAX_CACHED_TOKENS;
    this.#now = options.now ?? (() => new Date());
  }

  /** How many verdicts are held (for tests and the bound). */
  get size(): number {
    return this.#entries.size;
  }

  async verify(token: string): Promise<VerifiedToken> {
    // Hashed: the map holds no bearer credential, and its keys have a fixed size.
    const key = createHash('sha256').update(token).digest('base64url');
    const cached = this.#entries.get(key);
    if (cached !== undefined) {
      this.#entries.delete(key);
      // Whole seconds, as JWT times and the verifier's own expiry check are.
      if (Math.floor(this.#now().getTime() / 1000) < cached.validUntil) {
        this.#entries.set(key, cached);
        return cached;
      }
    }
    const verified = await this.#source.verify(token);
    this.#entries.set(key, verified);
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    return verified;
  }
}
