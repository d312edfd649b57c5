/**
 * API keys and users in chromium: create a key (its secret shown once and working against the
 * API), revoke it (refused afterwards); the users page for admins only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleSession,
  chromiumAvailable,
  openSignedIn,
  scriptOrPolicyProblems,
  startConsoleSession,
} from '../support/browser.ts';

const run = chromiumAvailable();
let s: ConsoleSession;

beforeAll(async () => {
  if (run) s = await startConsoleSession();
}, 120_000);
afterAll(async () => s?.close());

describe.runIf(run)('console: API keys', { timeout: 90_000 }, () => {
  it('creates a key whose secret is shown once and works, then revokes it', async () => {
    const page = await s.newPage();
    await openSignedIn(s, page, 'alice', 'api-keys');
    await page.getByLabel('Name').fill('console test key');
    await page.getByLabel('Scope').selectOption('full');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByTestId('api-key-secret').textContent()) ?? '';
    expect(secret.length).toBeGreaterThan(20);
    expect((await s.t.call('GET', '/v1/me', { apiKey: secret })).json).toMatchObject({
      username: 'alice',
      via: 'apiKey',
    });
    const row = page.getByRole('row').filter({ hasText: 'console test key' });
    expect(await row.textContent()).toContain('active');
    await s.screenshot(page, 'api-keys-created');

    await page.reload();
    await page.getByRole('row').filter({ hasText: 'console test key' }).waitFor();
    expect(await page.getByTestId('api-key-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Revoke console test key' }).click();
    await page
      .getByRole('row')
      .filter({ hasText: 'console test key' })
      .getByText('revoked', { exact: true })
      .waitFor();
    expect((await s.t.call('GET', '/v1/me', { apiKey: secret })).status).toBeGreaterThanOrEqual(401);
    expect(scriptOrPolicyProblems(s)).toEqual([]);
    await page.close();
  });

  it('shows users to admins only, and lets an admin invite one', async () => {
    const alice = await s.newPage();
    await openSignedIn(s, alice, 'alice', 'api-keys');
    await alice.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(
      await alice.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).count(),
    ).toBe(0);
    await alice.close();

    const page = await s.newPage();
    await openSignedIn(s, page, 'admin', 'users');
    await page.getByRole('row').filter({ hasText: 'bob' }).waitFor();
    await page.getByLabel('Username').fill('carol');
    await page.getByLabel('Email').fill('carol@example.local');
    await page.getByRole('button', { name: 'Invite' }).click();
    await page.getByRole('row').filter({ hasText: 'carol@example.local' }).waitFor();
    const users = await s.t.call('GET', '/v1/users', { token: await s.t.token('admin') });
    expect(users.json.items.map((u: any) => u.username)).toContain('carol');
    await s.screenshot(page, 'users');
    await page.close();
  });
});
