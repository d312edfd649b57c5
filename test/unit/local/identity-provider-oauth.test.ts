import { describe, expect, it } from 'vitest';
import {
  browserOrigins,
  isRegisteredRedirect,
  type OAuthClient,
} from '../../../local/identity-provider/oauth/clients.ts';
import { AuthorizationGrants, CODE_LIFETIME_MS } from '../../../local/identity-provider/oauth/grants.ts';
import {
  isS256Challenge,
  s256Challenge,
  verifierMatches,
} from '../../../local/identity-provider/oauth/pkce.ts';
import { renderSignInPage, signInPagePolicy } from '../../../local/identity-provider/oauth/sign-in-page.ts';
import { localCliClient, localConsoleClient } from '../../../local/sign-in-clients.ts';

const client: OAuthClient = {
  clientId: 'c',
  name: 'C',
  redirectUris: ['https://app.example/callback'],
  loopbackRedirectUris: ['http://127.0.0.1/callback'],
  scopes: ['openid'],
};

describe('pkce', () => {
  it('computes the RFC 7636 appendix B challenge', () => {
    // Act
    const challenge = s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');

    // Assess
    expect(challenge).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(isS256Challenge(challenge)).toBe(true);
  });

  it('matches the verifier that hashes to the challenge only', () => {
    // Prepare
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    const challenge = s256Challenge(verifier);

    // Assess
    expect(verifierMatches(verifier, challenge)).toBe(true);
    expect(verifierMatches(`${verifier}y`, challenge)).toBe(false);
    // `plain`: the challenge itself as verifier.
    expect(verifierMatches(challenge, challenge)).toBe(false);
    // Too short for RFC 7636, even if it hashed right.
    expect(verifierMatches('short', s256Challenge('short'))).toBe(false);
    expect(isS256Challenge('too-short')).toBe(false);
  });
});

describe('isRegisteredRedirect', () => {
  it.each([
    ['https://app.example/callback', true],
    ['https://app.example/callback/', false],
    ['https://app.example/callback?x=1', false],
    ['http://127.0.0.1:53122/callback', true],
    ['http://127.0.0.1/callback', true],
    ['http://127.0.0.1:53122/other', false],
    ['http://localhost:53122/callback', false],
    ['https://127.0.0.1:53122/callback', false],
    ['http://user@127.0.0.1:53122/callback', false],
    ['not a url', false],
  ])('%s → %s', (uri, expected) => {
    // Act / Assess
    expect(isRegisteredRedirect(client, uri)).toBe(expected);
  });

  it('gives no client loopback redirects it did not name', () => {
    // Assess
    expect(isRegisteredRedirect({ ...client, loopbackRedirectUris: [] }, 'http://127.0.0.1:1/callback')).toBe(
      false,
    );
  });
});

describe('local platform clients', () => {
  it("register the console's callback on the API's port, on 127.0.0.1 and localhost", () => {
    // Act
    const console = localConsoleClient('http://127.0.0.1:3000');

    // Assess
    expect(console.redirectUris).toEqual([
      'http://127.0.0.1:3000/console/callback',
      'http://localhost:3000/console/callback',
    ]);
    expect([...browserOrigins([console, localCliClient])]).toEqual([
      'http://127.0.0.1:3000',
      'http://localhost:3000',
    ]);
    expect(isRegisteredRedirect(localCliClient, 'http://127.0.0.1:61000/callback')).toBe(true);
    expect(localConsoleClient().redirectUris).toEqual([]);
  });
});

describe('AuthorizationGrants', () => {
  const request = {
    clientId: 'c',
    redirectUri: 'http://127.0.0.1/callback',
    scopes: ['openid'],
    codeChallenge: 'x',
  };

  it('hands a code out once and forgets it after its lifetime', () => {
    // Prepare
    let now = 0;
    const grants = new AuthorizationGrants(() => now);
    const once = grants.codes.add({ request, username: 'alice' });
    const late = grants.codes.add({ request, username: 'alice' });

    // Act
    const first = grants.codes.take(once);
    const second = grants.codes.take(once);
    now = CODE_LIFETIME_MS;
    const expired = grants.codes.take(late);

    // Assess
    expect(first?.username).toBe('alice');
    expect(second).toBeUndefined();
    expect(expired).toBeUndefined();
    expect(once).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('renderSignInPage', () => {
  it('escapes what it shows and labels the field', () => {
    // Act
    const html = renderSignInPage({
      requestId: 'r"1',
      clientName: '<script>',
      username: '"><img>',
      error: '<b>no</b>',
    });

    // Assess
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('"><img>');
    expect(html).toContain('value="r&quot;1"');
    expect(html).toContain('aria-describedby="sign-in-error"');
    expect(html).toContain('&lt;b&gt;no&lt;/b&gt;');
  });

  it("allows the page's own stylesheet by hash and the redirect origin as a form target", () => {
    // Act
    const policy = signInPagePolicy('http://127.0.0.1:3000');

    // Assess
    expect(policy).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]{44}'/);
    expect(policy).toContain("form-action 'self' http://127.0.0.1:3000");
    expect(policy).not.toContain('unsafe-inline');
  });
});
