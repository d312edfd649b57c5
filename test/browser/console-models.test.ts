/**
 * The model flow in chromium: upload an ONNX export through the upload page, see it, predict from
 * the form its signature makes (scikit-learn's own answer expected), approve it as an admin with a
 * comment that lands in the audit trail, then split an alias between two versions and see the
 * weights drawn.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleSession,
  chromiumAvailable,
  openSignedIn,
  PHONE,
  scriptOrPolicyProblems,
  startConsoleSession,
} from '../support/browser.ts';
import { fixture } from '../support/fixtures.ts';

const run = chromiumAvailable();
const IRIS_FILE = fileURLToPath(new URL('../fixtures/onnx/iris_logreg_zipmap.onnx', import.meta.url));
const iris = fixture('iris_logreg_zipmap');
let s: ConsoleSession;

beforeAll(async () => {
  if (run) s = await startConsoleSession();
}, 120_000);
afterAll(async () => s?.close());

describe.runIf(run)('console: models', { timeout: 90_000 }, () => {
  it('uploads a model as a new model, shows its signature, and predicts from the form', async () => {
    const page = await s.newPage();
    await openSignedIn(s, page, 'alice', 'upload');
    await page.getByLabel('Model name').fill('iris-console');
    await page.getByLabel('Tags').fill('flowers, console');
    await page.getByLabel('Model file').setInputFiles(IRIS_FILE);
    await page.getByRole('button', { name: 'Upload' }).click();

    await page.waitForURL(/\/console\/models\/iris-console\/versions\/1$/);
    await page.getByRole('heading', { name: 'iris-console version 1' }).waitFor();
    const inputs = page.getByRole('table', { name: 'Inputs' });
    await inputs.waitFor();
    expect(await inputs.getByRole('row').count()).toBe(2);
    expect(await page.getByText('pending', { exact: true }).first().isVisible()).toBe(true);
    expect(await page.getByTestId('lineage').getAttribute('aria-label')).toBe(
      'Lineage: dataset none (uploaded) → training job none (uploaded) → version iris-console v1',
    );
    await s.screenshot(page, 'models-version');

    // Download: a short-lived URL to the stored ONNX file, whose bytes hash to the version's SHA-256.
    await page.getByRole('button', { name: 'Download…' }).click();
    const download = page.getByRole('link', { name: /Download the ONNX file/ });
    const url = (await download.getAttribute('href')) ?? '';
    const stored = Buffer.from(await (await fetch(url)).arrayBuffer());
    const registered = await s.t.call('GET', '/v1/models/iris-console/versions/1', {
      token: await s.t.token('alice'),
    });
    expect(createHash('sha256').update(stored).digest('hex')).toBe(registered.json.sha256);

    await page.getByRole('link', { name: 'Predict' }).click();
    await page.waitForURL(/\/predict$/);
    const row = iris.rows[0] as number[];
    const fields = page.getByRole('form', { name: 'Prediction input' }).getByRole('textbox');
    await fields.first().waitFor();
    expect(await fields.count()).toBe(row.length);
    for (const [i, value] of row.entries()) await fields.nth(i).fill(String(value));
    await page.getByRole('button', { name: 'Predict' }).click();
    await page.getByTestId('prediction').waitFor();
    expect(await page.getByTestId('prediction').textContent()).toBe(String(iris.expected.predict[0]));
    // One bar per class, drawn by Plot in the SVG.
    const bars = page.locator('figure.chart svg g[aria-label="bar"] rect');
    // The chart is drawn once Plot's chunk has loaded, after the answer is shown.
    await expect.poll(() => bars.count(), { timeout: 30_000 }).toBe(3);
    await s.screenshot(page, 'models-predict');
    expect(scriptOrPolicyProblems(s)).toEqual([]);
    await page.close();
  });

  it('finds the model by tag and lets an admin approve a version with a comment', async () => {
    const page = await s.newPage();
    await openSignedIn(s, page, 'admin', 'models?tag=console');
    await page.getByRole('table').getByRole('link', { name: 'iris-console' }).click();
    await page.waitForURL(/\/console\/models\/iris-console$/);
    const review = page.getByRole('form', { name: 'Review version 1' });
    await review.getByLabel('Comment').fill('checked against the holdout set');
    await review.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('form', { name: 'Review version 1' }).waitFor({ state: 'detached' });
    expect(await page.getByRole('table').first().getByText('approved').isVisible()).toBe(true);

    await page.getByRole('link', { name: 'Version 1' }).click();
    const trail = page.getByRole('table').filter({ hasText: 'Comment' });
    await trail.getByText('checked against the holdout set').waitFor();
    expect(await trail.textContent()).toContain('admin');
    const stored = await s.t.call('GET', '/v1/models/iris-console/versions/1', {
      token: await s.t.token('admin'),
    });
    expect(stored.json.status).toBe('approved');
    expect(stored.json.auditTrail.at(-1).comment).toBe('checked against the holdout set');
    await page.close();
  });

  it('splits an alias between two approved versions with the weights control, and draws the split', async () => {
    const admin = await s.t.token('admin');
    const second = await s.t.call('POST', '/v1/models/iris-console/versions', {
      token: await s.t.token('alice'),
      rawBody: iris.bytes as unknown as string,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(second.status).toBe(201);
    expect(
      (await s.t.call('POST', '/v1/models/iris-console/versions/2/approve', { token: admin, body: {} }))
        .status,
    ).toBe(200);

    const page = await s.newPage();
    await openSignedIn(s, page, 'admin', 'models/iris-console');
    const form = page.getByRole('form', { name: 'Set an alias' });
    await form.waitFor();
    await form.getByRole('button', { name: 'Split with another version' }).click();
    // Two routes: 90/10 to start; setting the second to 25 moves the first to 75.
    await form.getByRole('spinbutton', { name: /Weight of version 1/ }).fill('25');
    expect(await form.getByRole('spinbutton', { name: /Weight of version 2/ }).inputValue()).toBe('75');
    const preview = form.getByTestId('weights-bar');
    expect(
      await preview.locator('rect').evaluateAll((rects) => rects.map((r) => r.getAttribute('width'))),
    ).toEqual(['75', '25']);
    await form.getByRole('button', { name: 'Save production' }).click();

    const saved = page.locator('.panel').filter({ has: page.getByRole('heading', { name: 'production' }) });
    await saved.waitFor();
    const drawn = saved.getByTestId('weights-bar');
    const byVersion = await drawn
      .locator('rect')
      .evaluateAll((rects) => rects.map((r) => [r.getAttribute('data-version'), r.getAttribute('width')]));
    expect(Object.fromEntries(byVersion)).toEqual({ '1': '25', '2': '75' });
    const model = await s.t.call('GET', '/v1/models/iris-console', { token: admin });
    const routes = [...model.json.aliases.production.routes].sort((a: any, b: any) => a.version - b.version);
    expect(routes).toEqual([
      { version: 1, weight: 25 },
      { version: 2, weight: 75 },
    ]);
    await s.screenshot(page, 'models-aliases');
    await page.setViewportSize(PHONE);
    await s.screenshot(page, 'models-aliases-phone');
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    await page.close();
  });
});
