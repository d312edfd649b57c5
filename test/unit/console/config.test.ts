import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../console/src/config.ts';

const CONSOLE_URL = 'https://console.example.com/console/';

describe('parseConfig', () => {
  it('fills the discovery and redirect URIs from the API and console URLs', () => {
    expect(parseConfig({ apiUrl: 'https://api.example.com/' }, CONSOLE_URL)).toEqual({
      apiUrl: 'https://api.example.com',
      identity: {
        discoveryUrl: 'https://api.example.com/v1/auth/config',
        redirectUri: 'https://console.example.com/console/callback',
        logoutRedirectUri: 'https://console.example.com/console/',
      },
    });
  });

  it('keeps what the file sets', () => {
    const parsed = parseConfig(
      {
        apiUrl: 'https://api.example.com',
        identity: { discoveryUrl: 'https://idp.example.com/d', clientId: 'abc', scopes: ['openid'] },
      },
      CONSOLE_URL,
    );
    expect(parsed.identity).toMatchObject({
      discoveryUrl: 'https://idp.example.com/d',
      clientId: 'abc',
      scopes: ['openid'],
    });
  });

  it('names the field that is wrong', () => {
    expect(() => parseConfig({}, CONSOLE_URL)).toThrow(new ConfigError('config.json: apiUrl is missing'));
    expect(() => parseConfig({ apiUrl: 'not a url' }, CONSOLE_URL)).toThrow(/apiUrl is not a URL/);
    expect(() =>
      parseConfig({ apiUrl: 'https://a.example', identity: { scopes: 'openid' } }, CONSOLE_URL),
    ).toThrow(/identity.scopes/);
  });
});
