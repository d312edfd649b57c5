/**
 * What sign-in keeps in the tab's sessionStorage: the tokens, and the pending request (verifier,
 * state, where to return) between the redirect to the provider and the callback. sessionStorage
 * ends with the tab and is not shared with other tabs.
 */

export interface Tokens {
  readonly accessToken: string;
  readonly idToken?: string;
  readonly refreshToken?: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

export interface PendingSignIn {
  readonly state: string;
  readonly codeVerifier: string;
  /** A console path to show after sign-in. */
  readonly returnTo: string;
}

const TOKENS_KEY = 'mlp.console.tokens';
const PENDING_KEY = 'mlp.console.pending-sign-in';

function read<T>(
  storage: Storage,
  key: string,
  valid: (value: Record<string, unknown>) => boolean,
): T | undefined {
  const raw = storage.getItem(key);
  if (raw === null) return undefined;
  try {
    const value = JSON.parse(raw) as unknown;
    if (value !== null && typeof value === 'object' && valid(value as Record<string, unknown>))
      return value as T;
  } catch {
    // A corrupt entry is dropped below, as if absent.
  }
  storage.removeItem(key);
  return undefined;
}

export class SessionStore {
  readonly #storage: Storage;

  constructor(storage: Storage) {
    this.#storage = storage;
  }

  tokens(): Tokens | undefined {
    return read<Tokens>(
      this.#storage,
      TOKENS_KEY,
      (value) => typeof value.accessToken === 'string' && typeof value.expiresAt === 'number',
    );
  }

  saveTokens(tokens: Tokens): void {
    this.#storage.setItem(TOKENS_KEY, JSON.stringify(tokens));
  }

  /** The pending sign-in, removed as it is read: a callback can be used once. */
  takePending(): PendingSignIn | undefined {
    const pending = read<PendingSignIn>(
      this.#storage,
      PENDING_KEY,
      (value) => typeof value.state === 'string' && typeof value.codeVerifier === 'string',
    );
    this.#storage.removeItem(PENDING_KEY);
    return pending;
  }

  savePending(pending: PendingSignIn): void {
    this.#storage.setItem(PENDING_KEY, JSON.stringify(pending));
  }

  clear(): void {
    this.#storage.removeItem(TOKENS_KEY);
    this.#storage.removeItem(PENDING_KEY);
  }
}
