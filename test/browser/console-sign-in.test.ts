/**
 * Sign-in in chromium, end to end: the console sends the browser to the local identity provider
 * (authorization code + PKCE S256, a state of its own), the user signs in there, the callback's
 * state is checked and the code exchanged; tokens are refreshed before they expire; a callback the
 * tab did not ask for is refused; sign-out ends the provider's session and forgets the tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleSession,
  chromiumAvailable,
  scriptOrPolicyProblems,
  startConsoleSession,
} from '../support/browser.ts';

const run = chromiumAvailable();
let s: ConsoleSession;

beforeAll(async () => {
  if (run) s = await startConsoleSession();
}, 120_000);
afterAll(async () => s?.close());

const storedTokens = (page: import('playwright-core').Page) =>
  page.evaluate(() => JSON.parse(sessionStorage.getItem('mlp.console.tokens') ?? 'null'));

describe.runIf(run)('console sign-in', { timeout: 90_000 }, () => {
  it('signs in with authorization code + PKCE, refreshes before expiry, and signs out', async () => {
    const page = await s.newPage();
    const tokenRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/oauth2/token')) tokenRequests.push(request.postData() ?? '');
    });
    await page.goto(`${s.t.platform.consoleUrl}datasets`);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.waitForURL((url) => url.href.startsWith(`${s.t.platform.identity.url}/oauth2/authorize`));
    const authorize = new URL(page.url());
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${s.t.platform.consoleUrl}callback`);
    await s.screenshot(page, 'sign-in-provider');
    await page.getByLabel('Username').fill('alice');
    await page.getByRole('button', { name: 'Sign in' }).click();

    // Back on the page asked for, signed in as alice.
    await page.waitForURL(`${s.t.platform.consoleUrl}datasets`);
    await page.getByRole('heading', { name: 'Datasets' }).waitFor();
    expect(await page.locator('header .user').textContent()).toContain('alice');
    const tokens = await storedTokens(page);
    expect(tokens.refreshToken).toEqual(expect.any(String));
    expect(await page.evaluate(() => sessionStorage.getItem('mlp.console.pending-sign-in'))).toBeNull();
    const exchange = new URLSearchParams(tokenRequests[0]);
    expect(exchange.get('grant_type')).toBe('authorization_code');
    expect(exchange.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // A token about to expire is refreshed before the next call goes out.
    await page.evaluate(() => {
      const held = JSON.parse(sessionStorage.getItem('mlp.console.tokens') ?? '{}');
      sessionStorage.setItem(
        'mlp.console.tokens',
        JSON.stringify({ ...held, expiresAt: Date.now() + 30_000 }),
      );
    });
    await page.reload();
    await page.getByRole('heading', { name: 'Datasets' }).waitFor();
    await expect.poll(() => tokenRequests.length).toBe(2);
    expect(new URLSearchParams(tokenRequests[1]).get('grant_type')).toBe('refresh_token');
    const refreshed = await storedTokens(page);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.expiresAt).toBeGreaterThan(Date.now() + 120_000);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(s.t.platform.consoleUrl);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await storedTokens(page)).toBeNull();
    expect(scriptOrPolicyProblems(s)).toEqual([]);
    await page.close();
  });

  it('refuses a callback this tab did not start, without exchanging its code', async () => {
    const page = await s.newPage();
    const tokenRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/oauth2/token')) tokenRequests.push(request.url());
    });
    await page.goto(`${s.t.platform.consoleUrl}callback?code=stolen-code&state=forged`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('does not match a sign-in started in this tab');
    expect(tokenRequests).toEqual([]);
    expect(await storedTokens(page)).toBeNull();
    await s.screenshot(page, 'sign-in-refused');
    await page.close();
  });

  it('signs in on the origin it was opened at: localhost as well as 127.0.0.1', async () => {
    const port = new URL(s.t.platform.apiUrl).port;
    const consoleAtLocalhost = `http://localhost:${port}/console/`;
    const page = await s.newPage();
    await page.goto(`${consoleAtLocalhost}api-keys`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Username').fill('bob');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${consoleAtLocalhost}api-keys`);
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    expect(await page.locator('header .user').textContent()).toContain('bob');
    const config = await (await fetch(`${consoleAtLocalhost}config.json`)).json();
    expect(config.apiUrl).toBe(`http://localhost:${port}`);
    await page.close();
  });
});
