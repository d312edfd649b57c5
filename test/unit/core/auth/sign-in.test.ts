import { describe, expect, it } from 'vitest';
import { signInDiscovery } from '../../../../functions/core/auth/sign-in.ts';
import { NotFoundError } from '../../../../functions/core/errors.ts';

describe('signInDiscovery', () => {
  it("derives the OAuth endpoints from the user pool domain, as Cognito's", () => {
    // Act
    const discovery = signInDiscovery({
      issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc',
      domainUrl: 'https://mlp-dev.auth.eu-west-1.amazoncognito.com/',
      cliClientId: 'cli',
      cliRedirectUri: 'http://localhost:8976/callback',
    });

    // Assess
    expect(discovery).toEqual({
      issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc',
      authorizationEndpoint: 'https://mlp-dev.auth.eu-west-1.amazoncognito.com/oauth2/authorize',
      tokenEndpoint: 'https://mlp-dev.auth.eu-west-1.amazoncognito.com/oauth2/token',
      revocationEndpoint: 'https://mlp-dev.auth.eu-west-1.amazoncognito.com/oauth2/revoke',
      logoutEndpoint: 'https://mlp-dev.auth.eu-west-1.amazoncognito.com/logout',
      scopes: ['openid', 'email', 'profile'],
      cliClientId: 'cli',
      cliRedirectUri: 'http://localhost:8976/callback',
    });
  });

  it('says sign-in is not configured when the domain or the CLI client is missing', () => {
    // Act / Assess
    expect(() => signInDiscovery({ issuer: 'https://issuer.example', cliClientId: 'cli' })).toThrow(
      NotFoundError,
    );
  });
});
