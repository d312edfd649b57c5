/**
 * The monitoring pages in chromium against a local platform: a model trained twice, its two
 * versions approved and split 50/50 behind an alias, traffic sent through it (some of it shifted),
 * then a drift report and the alert schedule run. The pages draw requests, errors and p50/p95/p99
 * over time per version, the two arms side by side, each feature's training and live distributions
 * overlaid, and the open drift alert. Marks are counted in the SVG Plot draws.
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
import { irisRows, trainIris } from '../support/iris-training.ts';

const run = chromiumAvailable();
const MODEL = 'iris-watch';
let s: ConsoleSession;

/** Marks of one kind in the chart named `label` (its SVG, or the figure Plot wraps it in for a legend). */
const marks = (label: string, kind: string, element: string) =>
  `figure.chart [aria-label="${label}"] g[aria-label="${kind}"] ${element}`;

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  if (!run) return;
  s = await startConsoleSession({
    functionEnvironment: {
      USAGE_FLUSH_INTERVAL_MS: '200',
      CAPTURE_FLUSH_INTERVAL_MS: '200',
      SERVING_CACHE_TTL_MS: '0',
    },
  });
  const t = s.t;
  const [alice, admin] = await Promise.all([t.token('alice'), t.token('admin')]);
  await trainIris(t, alice, MODEL);
  const second = await t.call('POST', '/v1/training-jobs', {
    token: alice,
    body: { dataset: 'iris', target: 'target', modelName: MODEL, algorithms: ['logistic-regression'] },
  });
  expect(second.status).toBe(202);
  await waitFor(
    async () =>
      (await t.call('GET', `/v1/training-jobs/${second.json.jobId}`, { token: alice })).json.status ===
      'SUCCEEDED',
    'the second version',
  );
  for (const version of [1, 2]) {
    const approved = await t.call('POST', `/v1/models/${MODEL}/versions/${version}/approve`, {
      token: admin,
      body: { comment: 'for the A/B test' },
    });
    expect(approved.status).toBe(200);
  }
  const patched = await t.call('PATCH', `/v1/models/${MODEL}`, {
    token: alice,
    body: { capture: { sampleRate: 1 }, alerts: { latency: { p99Ms: 60_000 } } },
  });
  expect(patched.status).toBe(200);
  const split = await t.call('PUT', `/v1/models/${MODEL}/aliases/canary`, {
    token: alice,
    body: {
      split: [
        { version: 1, weight: 50 },
        { version: 2, weight: 50 },
      ],
    },
  });
  expect(split.status).toBe(200);

  // Forty requests of ten rows through the split; petal length shifted by 4 cm, so it drifts.
  const shifted = irisRows.map((row) => ({ ...row, petal_length_cm: (row.petal_length_cm as number) + 4 }));
  for (let i = 0; i < 40; i += 1) {
    const answer = await t.call('POST', `/v1/models/${MODEL}/predict?alias=canary`, {
      token: alice,
      body: { instances: shifted.slice((i * 10) % 150, ((i * 10) % 150) + 10) },
    });
    expect(answer.status).toBe(200);
  }
  // A request the model refuses: an error in the errors chart.
  expect(
    (
      await t.call('POST', `/v1/models/${MODEL}/predict?alias=canary`, {
        token: alice,
        body: { instances: [{}] },
      })
    ).status,
  ).toBe(422);
  await waitFor(async () => {
    const usage = await t.call('GET', `/v1/models/${MODEL}/usage?by=version&granularity=minute`, {
      token: alice,
    });
    return usage.json.totals?.requests >= 41 && usage.json.series.length === 2;
  }, 'usage of both arms');
  await waitFor(
    async () =>
      (await t.call('GET', `/v1/models/${MODEL}/drift?version=2`, { token: alice })).json.rows >= 100,
    'captured rows of version 2',
  );
  await t.platform.schedules.run('recordDriftReports');
  await t.platform.schedules.run('evaluateAlerts');
}, 300_000);
afterAll(async () => s?.close());

describe.runIf(run)('console: monitoring', () => {
  it('lists the open drift alert and the models', async () => {
    const page = await s.newPage();
    await openSignedIn(s, page, 'alice', 'monitoring');
    const alerts = page.getByTestId('alerts');
    await alerts.waitFor();
    expect(await alerts.locator('tbody tr').count()).toBe(1);
    expect(await alerts.textContent()).toContain('drift');
    expect(await alerts.textContent()).toContain('petal_length_cm');
    await page.getByRole('link', { name: MODEL }).first().click();
    await page.waitForURL(new RegExp(`/console/monitoring/${MODEL}$`));
    await s.screenshot(page, 'monitoring-index');
    await page.close();
  });

  it('draws requests, errors and latency percentiles over time per version, and the arms side by side', async () => {
    const page = await s.newPage();
    await openSignedIn(s, page, 'alice', `monitoring/${MODEL}`);
    const requests = 'Requests over time per version';
    await page
      .locator(marks(requests, 'line', 'path'))
      .first()
      .waitFor({ state: 'attached' });
    // One line per version: the two arms of the split.
    expect(await page.locator(marks(requests, 'line', 'path')).count()).toBe(2);
    expect(await page.locator(marks('Errors over time per version', 'line', 'path')).count()).toBe(2);
    // p50, p95 and p99: three lines in each version's panel.
    expect(
      await page.locator(marks('Latency percentiles over time per version', 'line', 'path')).count(),
    ).toBe(6);

    const arms = page.getByTestId('arms');
    expect(await arms.locator('tbody tr').count()).toBe(2);
    const shares = (await arms.locator('tbody tr td:nth-child(3)').allTextContents()).map((t) =>
      Number.parseFloat(t),
    );
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0);
    expect(
      await page.locator(marks('Latency percentiles of each version, side by side', 'bar', 'rect')).count(),
    ).toBe(6);
    await s.screenshot(page, 'monitoring-traffic');
    expect(scriptOrPolicyProblems(s)).toEqual([]);
    await page.close();
  });

  it("overlays each feature's training and live distributions, the shifted one flagged", async () => {
    const page = await s.newPage();
    await openSignedIn(s, page, 'alice', `monitoring/${MODEL}`);
    const features = page.getByTestId('drift-features');
    await features.waitFor();
    const petal = features.locator('tr', { hasText: 'petal_length_cm' });
    expect(await petal.locator('.badge').textContent()).toBe('drift');
    // Ten training bins and the same ten for the served values.
    const overlay = 'Training and live distributions of petal_length_cm';
    await page
      .locator(marks(overlay, 'bar', 'rect'))
      .first()
      .waitFor();
    expect(await page.locator(marks(overlay, 'bar', 'rect')).count()).toBe(20);
    expect(
      await page.locator('figure.chart [aria-label^="Training and live distributions of"]').count(),
    ).toBe(4);
    await page.getByRole('heading', { name: 'Drift' }).scrollIntoViewIfNeeded();
    await s.screenshot(page, 'monitoring-drift');
    expect(scriptOrPolicyProblems(s)).toEqual([]);
    await page.close();
  });

  it('fits a phone: the charts scale down inside the page', async () => {
    const page = await s.newPage(PHONE);
    await openSignedIn(s, page, 'alice', `monitoring/${MODEL}`);
    await page
      .locator(marks('Requests over time per version', 'line', 'path'))
      .first()
      .waitFor({ state: 'attached' });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await s.screenshot(page, 'monitoring-phone');
    await page.close();
  });
});
