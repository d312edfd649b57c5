/**
 * Sign-in for the console: authorization code with PKCE (S256) against the configured identity
 * provider (Cognito on AWS, the local identity provider on one machine). The tab keeps its tokens
 * in sessionStorage, refreshes them a minute before they expire, and forgets them on sign-out.
 * Everything the browser gives (storage, fetch, navigation, clock, timers) is passed in, so the
 * flow runs in unit tests too.
 */
import type { IdentitySettings } from '../config.ts';
import {
  authorizationUrl,
  discoverIdentity,
  exchangeCode,
  logoutUrl,
  type ResolvedIdentity,
  refreshTokens,
  SignInError,
} from './oidc.ts';
import { codeChallengeS256, createCodeVerifier, createState } from './pkce.ts';
import { SessionStore, type Tokens } from './session-store.ts';

/** Refresh this long before expiry, so a request never leaves with a token about to lapse. */
export const REFRESH_MARGIN_MS = 60_000;

export interface AuthEnvironment {
  readonly storage: Storage;
  readonly fetch: typeof fetch;
  /** Leaves the page for the provider (location.assign in a browser). */
  readonly navigate: (url: string) => void;
  readonly now: () => number;
  readonly setTimer: (callback: () => void, ms: number) => unknown;
  readonly clearTimer: (timer: unknown) => void;
}

export function browserEnvironment(): AuthEnvironment {
  return {
    storage: window.sessionStorage,
    fetch: window.fetch.bind(window),
    navigate: (url) => window.location.assign(url),
    now: () => Date.now(),
    setTimer: (callback, ms) => window.setTimeout(callback, ms),
    clearTimer: (timer) => window.clearTimeout(timer as number),
  };
}

export class Auth {
  readonly #identity: IdentitySettings;
  readonly #env: AuthEnvironment;
  readonly #store: SessionStore;
  readonly #listeners = new Set<() => void>();
  #resolved: Promise<ResolvedIdentity> | undefined;
  #refreshing: Promise<Tokens | undefined> | undefined;
  #timer: unknown;

  constructor(identity: IdentitySettings, env: AuthEnvironment) {
    this.#identity = identity;
    this.#env = env;
    this.#store = new SessionStore(env.storage);
    this.#schedule();
  }

  get signedIn(): boolean {
    return this.#store.tokens() !== undefined;
  }

  /** The path of the redirect URI: the router hands that page to `completeSignIn`. */
  get callbackPath(): string {
    return new URL(this.#identity.redirectUri).pathname;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Sends the browser to the provider; `returnTo` (a console path) is shown after the callback. */
  async signIn(returnTo: string): Promise<void> {
    const identity = await this.#discover();
    const codeVerifier = createCodeVerifier();
    const state = createState();
    this.#store.savePending({ state, codeVerifier, returnTo });
    const codeChallenge = await codeChallengeS256(codeVerifier);
    this.#env.navigate(authorizationUrl(identity, { state, codeChallenge }));
  }

  /**
   * Handles the redirect back: checks `state` against this tab's pending request, exchanges the
   * code with its verifier, and stores the tokens. Returns the path to show.
   * @throws SignInError when the provider refused, the state does not match, or the exchange fails.
   */
  async completeSignIn(callbackUrl: URL): Promise<string> {
    const pending = this.#store.takePending();
    const params = callbackUrl.searchParams;
    const error = params.get('error');
    if (error !== null)
      throw new SignInError(params.get('error_description') ?? `Sign-in was refused (${error}).`, error);
    const code = params.get('code');
    if (code === null) throw new SignInError('The sign-in callback carries no code.');
    if (pending === undefined || params.get('state') !== pending.state) {
      // Another tab's or another site's callback, or a replay: never exchange its code.
      throw new SignInError(
        'The sign-in callback does not match a sign-in started in this tab; sign in again.',
      );
    }
    const identity = await this.#discover();
    const tokens = await exchangeCode(
      identity,
      { code, codeVerifier: pending.codeVerifier },
      this.#env.fetch,
      this.#env.now(),
    );
    this.#store.saveTokens(tokens);
    this.#schedule();
    this.#emit();
    return pending.returnTo;
  }

  /**
   * A valid access token, refreshed first when it expires within REFRESH_MARGIN_MS.
   * Resolves undefined when signed out (or the refresh failed, which signs out).
   */
  async accessToken(): Promise<string | undefined> {
    const tokens = this.#store.tokens();
    if (tokens === undefined) return undefined;
    if (tokens.expiresAt - this.#env.now() > REFRESH_MARGIN_MS) return tokens.accessToken;
    return (await this.refresh())?.accessToken;
  }

  /** One refresh at a time; without a refresh token, or when it is refused, the tab signs out. */
  refresh(): Promise<Tokens | undefined> {
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /** Forgets the tokens and, when the provider has a logout endpoint, ends its session too. */
  async signOut(): Promise<void> {
    this.#forget();
    const identity = await this.#discover().catch(() => undefined);
    const url = identity === undefined ? undefined : logoutUrl(identity);
    this.#env.navigate(url ?? this.#identity.logoutRedirectUri);
  }

  /** Drops this tab's tokens (the API refused them), leaving the provider's session as it is. */
  forgetSession(): void {
    this.#forget();
  }

  async #refresh(): Promise<Tokens | undefined> {
    const tokens = this.#store.tokens();
    if (tokens === undefined) return undefined;
    const { refreshToken } = tokens;
    if (refreshToken === undefined) {
      if (tokens.expiresAt > this.#env.now()) return tokens;
      this.#forget();
      return undefined;
    }
    try {
      const identity = await this.#discover();
      const refreshed = await refreshTokens(
        identity,
        { ...tokens, refreshToken },
        this.#env.fetch,
        this.#env.now(),
      );
      this.#store.saveTokens(refreshed);
      this.#schedule();
      return refreshed;
    } catch (error) {
      if (error instanceof SignInError && !isRefusal(error) && tokens.expiresAt > this.#env.now()) {
        // The provider was unreachable; the token held is still good for a while: try again later.
        this.#schedule(Math.min(15_000, tokens.expiresAt - this.#env.now()));
        return tokens;
      }
      this.#forget();
      return undefined;
    }
  }

  #forget(): void {
    this.#store.clear();
    if (this.#timer !== undefined) this.#env.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#emit();
  }

  #schedule(inMs?: number): void {
    if (this.#timer !== undefined) this.#env.clearTimer(this.#timer);
    this.#timer = undefined;
    const tokens = this.#store.tokens();
    if (tokens === undefined) return;
    const delay = inMs ?? Math.max(0, tokens.expiresAt - REFRESH_MARGIN_MS - this.#env.now());
    this.#timer = this.#env.setTimer(() => void this.refresh(), delay);
  }

  #discover(): Promise<ResolvedIdentity> {
    this.#resolved ??= discoverIdentity(this.#identity, this.#env.fetch).catch((error: unknown) => {
      this.#resolved = undefined;
      throw error;
    });
    return this.#resolved;
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }
}

/** The provider said no (an OAuth error, or a 4xx): as opposed to not answering at all or a 5xx. */
function isRefusal(error: SignInError): boolean {
  return error.code !== undefined && !/^http_5\d\d$/.test(error.code);
}
