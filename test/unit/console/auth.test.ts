/** The console's sign-in flow with the browser's pieces replaced: storage, fetch, navigation, clock, timers. */
import { beforeEach, describe, expect, it } from 'vitest';
import { Auth, type AuthEnvironment, REFRESH_MARGIN_MS } from '../../../console/src/auth/auth.ts';
import { SignInError } from '../../../console/src/auth/oidc.ts';
import { codeChallengeS256 } from '../../../console/src/auth/pkce.ts';
import type { IdentitySettings } from '../../../console/src/config.ts';

class MemoryStorage implements Storage {
  readonly #items = new Map<string, string>();
  get length() {
    return this.#items.size;
  }
  clear() {
    this.#items.clear();
  }
  getItem(key: string) {
    return this.#items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.#items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.#items.delete(key);
  }
  setItem(key: string, value: string) {
    this.#items.set(key, value);
  }
}

const identity: IdentitySettings = {
  discoveryUrl: 'http://api.test/v1/auth/config',
  redirectUri: 'http://api.test/console/callback',
  logoutRedirectUri: 'http://api.test/console/',
};
const DISCOVERY = {
  authorizationEndpoint: 'http://idp.test/oauth2/authorize',
  tokenEndpoint: 'http://idp.test/oauth2/token',
  logoutEndpoint: 'http://idp.test/logout',
  scopes: ['openid', 'email', 'profile'],
  consoleClientId: 'console-client',
};

interface Harness {
  env: AuthEnvironment;
  navigations: string[];
  tokenForms: URLSearchParams[];
  timers: { callback: () => void; at: number }[];
  clock: { now: number };
  tokenAnswer: { status: number; body: unknown };
}

function harness(): Harness {
  const h: Harness = {
    navigations: [],
    tokenForms: [],
    timers: [],
    clock: { now: 1_000_000 },
    tokenAnswer: {
      status: 200,
      body: { access_token: 'access-1', id_token: 'id-1', refresh_token: 'refresh-1', expires_in: 3600 },
    },
    env: undefined as unknown as AuthEnvironment,
  };
  h.env = {
    storage: new MemoryStorage(),
    navigate: (url) => h.navigations.push(url),
    now: () => h.clock.now,
    setTimer: (callback, ms) => {
      const timer = { callback, at: h.clock.now + ms };
      h.timers.push(timer);
      return timer;
    },
    clearTimer: (timer) => {
      h.timers = h.timers.filter((t) => t !== timer);
    },
    fetch: (async (input: string, init?: RequestInit) => {
      if (input === identity.discoveryUrl) return Response.json(DISCOVERY);
      if (input === DISCOVERY.tokenEndpoint) {
        h.tokenForms.push(new URLSearchParams(String(init?.body)));
        return Response.json(h.tokenAnswer.body, { status: h.tokenAnswer.status });
      }
      return new Response('not found', { status: 404 });
    }) as typeof fetch,
  };
  return h;
}

async function signedIn(h: Harness): Promise<Auth> {
  const auth = new Auth(identity, h.env);
  await auth.signIn('models/iris');
  const request = new URL(h.navigations.at(-1) ?? '');
  await auth.completeSignIn(
    new URL(`${identity.redirectUri}?code=the-code&state=${request.searchParams.get('state')}`),
  );
  return auth;
}

let h: Harness;
beforeEach(() => {
  h = harness();
});

describe('Auth.signIn', () => {
  it('sends the browser to the authorization endpoint with an S256 challenge of a stored verifier', async () => {
    const auth = new Auth(identity, h.env);
    await auth.signIn('models');
    const url = new URL(h.navigations[0] ?? '');
    expect(`${url.origin}${url.pathname}`).toBe(DISCOVERY.authorizationEndpoint);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'console-client',
      redirect_uri: identity.redirectUri,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
    const pending = JSON.parse(h.env.storage.getItem('mlp.console.pending-sign-in') ?? '{}');
    expect(url.searchParams.get('state')).toBe(pending.state);
    expect(url.searchParams.get('code_challenge')).toBe(await codeChallengeS256(pending.codeVerifier));
  });
});

describe('Auth.completeSignIn', () => {
  it('exchanges the code with the verifier, keeps the tokens and returns to the page asked for', async () => {
    const auth = new Auth(identity, h.env);
    await auth.signIn('models/iris');
    const request = new URL(h.navigations[0] ?? '');
    const pending = JSON.parse(h.env.storage.getItem('mlp.console.pending-sign-in') ?? '{}');
    const returnTo = await auth.completeSignIn(
      new URL(`${identity.redirectUri}?code=abc&state=${request.searchParams.get('state')}`),
    );
    expect(returnTo).toBe('models/iris');
    expect(Object.fromEntries(h.tokenForms[0] ?? [])).toEqual({
      grant_type: 'authorization_code',
      client_id: 'console-client',
      code: 'abc',
      redirect_uri: identity.redirectUri,
      code_verifier: pending.codeVerifier,
    });
    expect(auth.signedIn).toBe(true);
    expect(await auth.accessToken()).toBe('access-1');
  });

  it('refuses a callback whose state is not this tab’s, without exchanging its code', async () => {
    const auth = new Auth(identity, h.env);
    await auth.signIn('models');
    await expect(
      auth.completeSignIn(new URL(`${identity.redirectUri}?code=abc&state=forged`)),
    ).rejects.toThrow(SignInError);
    expect(h.tokenForms).toHaveLength(0);
    expect(auth.signedIn).toBe(false);
  });

  it('refuses a second use of the same callback', async () => {
    const auth = new Auth(identity, h.env);
    await auth.signIn('models');
    const state = new URL(h.navigations[0] ?? '').searchParams.get('state');
    const callback = new URL(`${identity.redirectUri}?code=abc&state=${state}`);
    await auth.completeSignIn(callback);
    await expect(auth.completeSignIn(callback)).rejects.toThrow(/does not match/);
    expect(h.tokenForms).toHaveLength(1);
  });

  it('reports the provider’s refusal', async () => {
    const auth = new Auth(identity, h.env);
    const error = await auth
      .completeSignIn(new URL(`${identity.redirectUri}?error=access_denied&error_description=No%20thanks`))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInError);
    expect((error as SignInError).code).toBe('access_denied');
    expect((error as Error).message).toBe('No thanks');
  });
});

describe('Auth refresh', () => {
  it('schedules a refresh a minute before expiry and uses the refresh token', async () => {
    const auth = await signedIn(h);
    expect(h.timers).toHaveLength(1);
    expect(h.timers[0]?.at).toBe(h.clock.now + 3600_000 - REFRESH_MARGIN_MS);
    h.tokenAnswer = { status: 200, body: { access_token: 'access-2', expires_in: 3600 } };
    h.clock.now += 3600_000 - REFRESH_MARGIN_MS;
    h.timers[0]?.callback();
    await auth.refresh();
    expect(Object.fromEntries(h.tokenForms[1] ?? [])).toEqual({
      grant_type: 'refresh_token',
      client_id: 'console-client',
      refresh_token: 'refresh-1',
    });
    expect(await auth.accessToken()).toBe('access-2');
    // The refresh answer carried no refresh token: the one held is kept.
    expect(JSON.parse(h.env.storage.getItem('mlp.console.tokens') ?? '{}').refreshToken).toBe('refresh-1');
  });

  it('refreshes before handing out a token about to expire', async () => {
    const auth = await signedIn(h);
    h.tokenAnswer = { status: 200, body: { access_token: 'access-2', expires_in: 3600 } };
    h.clock.now += 3600_000 - REFRESH_MARGIN_MS + 1;
    expect(await auth.accessToken()).toBe('access-2');
  });

  it('signs out when the refresh token is refused', async () => {
    const auth = await signedIn(h);
    let changes = 0;
    auth.onChange(() => changes++);
    h.tokenAnswer = { status: 400, body: { error: 'invalid_grant' } };
    h.clock.now += 3600_000 - 1000;
    expect(await auth.accessToken()).toBeUndefined();
    expect(auth.signedIn).toBe(false);
    expect(changes).toBe(1);
  });

  it('keeps a still-valid token when the provider is down, and tries again soon', async () => {
    const auth = await signedIn(h);
    h.tokenAnswer = { status: 503, body: {} };
    h.clock.now += 3600_000 - 30_000;
    expect(await auth.accessToken()).toBe('access-1');
    expect(auth.signedIn).toBe(true);
    expect(h.timers.at(-1)?.at).toBe(h.clock.now + 15_000);
  });
});

describe('Auth.signOut', () => {
  it('forgets the tokens and ends the provider’s session', async () => {
    const auth = await signedIn(h);
    await auth.signOut();
    expect(auth.signedIn).toBe(false);
    expect(h.env.storage.length).toBe(0);
    expect(h.timers).toHaveLength(0);
    const logout = new URL(h.navigations.at(-1) ?? '');
    expect(`${logout.origin}${logout.pathname}`).toBe(DISCOVERY.logoutEndpoint);
    expect(logout.searchParams.get('client_id')).toBe('console-client');
    expect(logout.searchParams.get('logout_uri')).toBe(identity.logoutRedirectUri);
  });
});
