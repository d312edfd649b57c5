/**
 * The console's shell in chromium against a local platform: served under a strict CSP with nothing
 * from elsewhere, signed-out start, navigation by URL and keyboard, a problem body shown, and the
 * models list with tag search at desktop and phone widths.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleSession,
  chromiumAvailable,
  openSignedIn,
  PHONE,
  scriptOrPolicyProblems,
  startConsoleSession,
} from '../support/browser.ts';

const run = chromiumAvailable();
let s: ConsoleSession;
let aliceToken: string;

beforeAll(async () => {
  if (!run) return;
  s = await startConsoleSession();
  aliceToken = await s.t.token('alice');
  for (const [name, tags] of [
    ['iris-classifier', ['flowers', 'demo']],
    ['house-prices', ['housing']],
  ] as const) {
    const created = await s.t.call('POST', '/v1/models', {
      token: aliceToken,
      body: { name, task: name === 'house-prices' ? 'regression' : 'classification', tags },
    });
    expect(created.status).toBe(201);
  }
}, 120_000);
afterAll(async () => s?.close());

describe.runIf(run)('console shell', { timeout: 90_000 }, () => {
  it('loads only its own files, under a CSP with no inline script, and starts signed out', async () => {
    const page = await s.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    const response = await page.goto(s.t.platform.consoleUrl);
    expect(response?.status()).toBe(200);
    const csp = (await response?.allHeaders())?.['content-security-policy'] ?? '';
    expect(csp).toMatch(/script-src 'self';/);
    expect(csp).not.toContain('unsafe');

    await expect(page.getByRole('button', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    const origin = new URL(s.t.platform.apiUrl).origin;
    expect(requested.filter((url) => !url.startsWith(origin))).toEqual([]);
    expect(requested.some((url) => /\/console\/assets\/main-[A-Z0-9]+\.js$/.test(url))).toBe(true);
    expect(requested).toContain(`${origin}/console/config.json`);
    expect(await page.evaluate(() => sessionStorage.getItem('mlp.console.tokens'))).toBeNull();
    await s.screenshot(page, 'shell-signed-out');
    expect(scriptOrPolicyProblems(s)).toEqual([]);
    await page.close();
  });

  it('lists models, searches by tag, and keeps the search in the URL', async () => {
    const page = await s.newPage();
    await openSignedIn(s, page, 'alice', 'models');
    const table = page.getByRole('table');
    await table.getByRole('link', { name: 'iris-classifier' }).waitFor();
    expect(await table.getByRole('link').allTextContents()).toEqual(
      expect.arrayContaining(['iris-classifier', 'house-prices']),
    );

    await page.getByRole('textbox', { name: 'Tag' }).fill('housing');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/console\/models\?tag=housing$/);
    await page.getByRole('table').getByRole('link', { name: 'house-prices' }).waitFor();
    expect(await page.getByRole('table').getByRole('link').allTextContents()).toEqual(['house-prices']);
    expect(await page.title()).toBe('Models · ML platform');
    await s.screenshot(page, 'shell-models-by-tag');

    // A reload of a page URL shows that page (the server answers index.html for console paths).
    await page.reload();
    await page.getByRole('table').getByRole('link', { name: 'house-prices' }).waitFor();
    expect(await page.getByRole('textbox', { name: 'Tag' }).inputValue()).toBe('housing');
    expect(scriptOrPolicyProblems(s)).toEqual([]);
    await page.close();
  });

  it('is usable from the keyboard: skip link first, then the navigation', async () => {
    const page = await s.newPage();
    await openSignedIn(s, page, 'alice', 'models');
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Models');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-current'))).toBe('page');
    await page.close();
  });

  it('shows an unknown page as not found, and an API problem with its detail', async () => {
    const page = await s.newPage();
    await openSignedIn(s, page, 'alice', 'no-such-page');
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    expect(await page.getByRole('main').textContent()).toContain('/no-such-page');
    await page.close();

    // A token the API refuses: its problem body is shown, with a way back to sign-in.
    const expired = await s.newPage();
    await expired.goto(s.t.platform.consoleUrl);
    await expired.evaluate(() =>
      sessionStorage.setItem(
        'mlp.console.tokens',
        JSON.stringify({ accessToken: 'not-a-token', expiresAt: Date.now() + 3600_000 }),
      ),
    );
    await expired.goto(`${s.t.platform.consoleUrl}models`);
    const alert = expired.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Authentication required (401)');
    expect(await alert.textContent()).toMatch(/Request id: [0-9a-f-]{36}/);
    await s.screenshot(expired, 'shell-problem');
    await expired.getByRole('button', { name: 'Sign in again' }).click();
    await expired.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await expired.evaluate(() => sessionStorage.getItem('mlp.console.tokens'))).toBeNull();
    await expired.close();
  });

  it('fits a phone: no horizontal scrolling of the page, navigation still there', async () => {
    const page = await s.newPage(PHONE);
    await openSignedIn(s, page, 'alice', 'models');
    await page.getByRole('table').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(true);
    await s.screenshot(page, 'shell-models-phone');
    await page.close();
  });
});
