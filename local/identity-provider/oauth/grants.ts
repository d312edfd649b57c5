/**
 * What the OAuth endpoints remember between requests, in memory: sign-in requests waiting for the
 * form (so the form carries an unguessable id instead of parameters a page could forge) and
 * authorization codes (one use, short lived, bound to client, redirect URI and PKCE challenge).
 * Codes live 5 minutes, as Cognito's do. Refresh tokens are in `refresh-tokens.ts`.
 */
import { randomBytes } from 'node:crypto';

/** A validated `GET /oauth2/authorize` request. */
export interface AuthorizationRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly codeChallenge: string;
  readonly state?: string;
  readonly nonce?: string;
}

export interface IssuedCode {
  readonly request: AuthorizationRequest;
  readonly username: string;
}

export const CODE_LIFETIME_MS = 5 * 60 * 1000;
export const SIGN_IN_REQUEST_LIFETIME_MS = 15 * 60 * 1000;
/** Bounds memory when a page is reloaded in a loop: the oldest entries go first. */
const MAX_ENTRIES = 10_000;

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

class ExpiringMap<T> {
  readonly #entries = new Map<string, { value: T; expiresAt: number }>();
  readonly #lifetimeMs: number;
  readonly #now: () => number;

  constructor(lifetimeMs: number, now: () => number) {
    this.#lifetimeMs = lifetimeMs;
    this.#now = now;
  }

  add(value: T): string {
    this.#sweep();
    const key = randomToken();
    this.#entries.set(key, { value, expiresAt: this.#now() + this.#lifetimeMs });
    return key;
  }

  get(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Removes the entry whatever happens next: a code is spent by any attempt to redeem it. */
  take(key: string): T | undefined {
    const value = this.get(key);
    this.#entries.delete(key);
    return value;
  }

  #sweep(): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now || this.#entries.size >= MAX_ENTRIES) this.#entries.delete(key);
    }
  }
}

export class AuthorizationGrants {
  readonly signInRequests: ExpiringMap<AuthorizationRequest>;
  readonly codes: ExpiringMap<IssuedCode>;

  constructor(now: () => number = Date.now) {
    this.signInRequests = new ExpiringMap(SIGN_IN_REQUEST_LIFETIME_MS, now);
    this.codes = new ExpiringMap(CODE_LIFETIME_MS, now);
  }
}
