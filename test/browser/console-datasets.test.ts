/**
 * The datasets pages in chromium: the iris CSV uploaded through the SDK, then its version page:
 * the quality report, and per column a histogram (numeric) or top values (categorical) drawn by
 * Plot, compared with the profile the API returns.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformClient } from '../../clients/sdk/src/client.ts';
import { uploadDataset } from '../../clients/sdk/src/datasets.ts';
import {
  type ConsoleSession,
  chromiumAvailable,
  openSignedIn,
  PHONE,
  scriptOrPolicyProblems,
  startConsoleSession,
} from '../support/browser.ts';

const run = chromiumAvailable();
const IRIS_CSV = fileURLToPath(new URL('../../data/public/iris.csv', import.meta.url));
let s: ConsoleSession;

beforeAll(async () => {
  if (!run) return;
  s = await startConsoleSession();
  const client = createPlatformClient({ baseUrl: s.t.platform.apiUrl, credential: await s.t.token('alice') });
  const version = await uploadDataset(
    client,
    { path: IRIS_CSV },
    { name: 'iris', description: 'Fisher’s iris' },
  );
  expect(version.status).toBe('ready');
}, 120_000);
afterAll(async () => s?.close());

describe.runIf(run)('console: datasets', { timeout: 90_000 }, () => {
  it('lists the dataset and its versions', async () => {
    const page = await s.newPage();
    await openSignedIn(s, page, 'alice', 'datasets');
    await page.getByRole('table').getByRole('link', { name: 'iris' }).click();
    await page.waitForURL(/\/console\/datasets\/iris$/);
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Version 1' }) });
    await row.waitFor();
    expect(await row.textContent()).toContain('ready');
    expect(await row.textContent()).toContain('150');
    await page.close();
  });

  it('draws each numeric column’s histogram and the species’ top values, as the profile has them', async () => {
    const profile = (
      await s.t.call('GET', '/v1/datasets/iris/versions/1', { token: await s.t.token('alice') })
    ).json.profile;
    const page = await s.newPage();
    await openSignedIn(s, page, 'alice', 'datasets/iris/versions/1');
    await page.getByRole('heading', { name: 'Quality report' }).waitFor();
    await page.locator('article[data-column="target"] svg').waitFor();

    for (const column of profile.columns.filter((c: any) => c.histogram)) {
      const card = page.locator(`article[data-column="${column.name}"]`);
      const rects = card.locator('svg g[aria-label="rect"] rect');
      await expect.poll(() => rects.count(), { timeout: 30_000 }).toBe(column.histogram.bins.length);
      // Bar heights follow the counts: the tallest bar is the fullest bin.
      const heights = await rects.evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('height'))));
      const counts: number[] = column.histogram.bins.map((b: any) => b.count);
      expect(heights.indexOf(Math.max(...heights))).toBe(counts.indexOf(Math.max(...counts)));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(150);
    }
    expect(profile.columns.filter((c: any) => c.histogram)).toHaveLength(4);

    const species = page.locator('article[data-column="target"]');
    await expect
      .poll(() => species.locator('svg g[aria-label="bar"] rect').count(), { timeout: 30_000 })
      .toBe(3);
    expect(await species.locator('svg').getAttribute('aria-label')).toMatch(/setosa 50/);
    await s.screenshot(page, 'datasets-profile');
    await page.setViewportSize(PHONE);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    await s.screenshot(page, 'datasets-profile-phone');
    expect(scriptOrPolicyProblems(s)).toEqual([]);
    await page.close();
  });
});
