/**
 * The training pages in chromium against a local platform: a job started from the form the request
 * schema builds and watched to the end (progress, candidates in a table and a bar chart, the chosen
 * classifier's confusion matrix), a regression job's residual plot, the form's own checks, and a
 * metric across a model's versions as a line. Marks are counted in the SVG Plot draws.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleSession,
  chromiumAvailable,
  openSignedIn,
  PHONE,
  scriptOrPolicyProblems,
  startConsoleSession,
} from '../support/browser.ts';
import { irisCsv } from '../support/iris-training.ts';
import type { TestPlatform } from '../support/local-platform.ts';

const run = chromiumAvailable();
const diabetesCsv = readFileSync(new URL('../../data/public/diabetes.csv', import.meta.url), 'utf8');
let s: ConsoleSession;
let alice: string;

/** Uploads and commits a CSV as the dataset `name`, as `token`'s user. */
async function uploadDataset(t: TestPlatform, token: string, name: string, csv: string): Promise<void> {
  const started = await t.call('POST', '/v1/datasets', {
    token,
    body: { name, format: 'csv', sizeBytes: Buffer.byteLength(csv) },
  });
  expect(started.status).toBe(201);
  expect((await fetch(started.json.uploadUrl, { method: 'PUT', body: csv })).status).toBe(200);
  const committed = await t.call('POST', `/v1/datasets/${name}/versions/${started.json.version}/commit`, {
    token,
  });
  expect(committed.status).toBe(200);
}

/** Starts a job through the API and waits for it to succeed; its id. */
async function trainThroughApi(
  t: TestPlatform,
  token: string,
  body: Record<string, unknown>,
): Promise<string> {
  const job = await t.call('POST', '/v1/training-jobs', { token, body });
  expect(job.status).toBe(202);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const state = await t.call('GET', `/v1/training-jobs/${job.json.jobId}`, { token });
    if (state.json.status === 'SUCCEEDED') return job.json.jobId as string;
    if (['FAILED', 'CANCELLED'].includes(state.json.status) || Date.now() > deadline) {
      throw new Error(`training ended ${state.json.status}: ${JSON.stringify(state.json.error)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The marks of one kind (`bar`, `dot`, `cell`, `line`) in the chart named `label` (the SVG, or the
 * figure Plot wraps it in when it draws a legend).
 */
const marks = (label: string, kind: string, element: string) =>
  `figure.chart [aria-label="${label}"] g[aria-label="${kind}"] ${element}`;

beforeAll(async () => {
  if (!run) return;
  s = await startConsoleSession();
  alice = await s.t.token('alice');
  await uploadDataset(s.t, alice, 'iris', irisCsv);
  await uploadDataset(s.t, alice, 'diabetes', diabetesCsv);
}, 120_000);
afterAll(async () => s?.close());

describe.runIf(run)('console: training jobs', () => {
  it('starts a job from the form built from the request schema and watches it finish, candidates and confusion matrix drawn', async () => {
    const page = await s.newPage();
    await openSignedIn(s, page, 'alice', 'training-jobs');
    await page.getByRole('link', { name: 'Start a training job' }).click();
    await page.waitForURL(/\/console\/training-jobs\/new$/);

    // Fields of the schema, defaults filled in.
    await page.getByLabel('Dataset', { exact: true }).fill('iris');
    expect(await page.getByLabel('Task', { exact: true }).inputValue()).toBe('auto');
    expect(await page.getByLabel('Seed').inputValue()).toBe('42');
    await page.getByLabel('Target', { exact: true }).fill('target');
    await page.getByLabel('Model name', { exact: true }).fill('iris-console');
    await page.getByRole('checkbox', { name: 'logistic-regression' }).check();
    await page
      .getByLabel('Hyper parameters')
      .fill('{"logistic-regression": [{"C": 0.01}, {"C": 1}, {"C": 100}]}');
    await s.screenshot(page, 'training-form');
    await page.getByRole('button', { name: 'Start training' }).click();

    await page.waitForURL(/\/console\/training-jobs\/[0-9a-f-]{36}$/);
    const status = page.locator('.panel .badge').first();
    await page.locator('.panel .badge', { hasText: 'SUCCEEDED' }).waitFor({ timeout: 120_000 });
    expect(await status.textContent()).toBe('SUCCEEDED');
    expect(await page.getByTestId('job-progress-text').textContent()).toBe('100 %');
    expect(await page.getByRole('link', { name: 'iris-console v1' }).isVisible()).toBe(true);

    // Three candidates: three bars, three whiskers, three table rows; one of them chosen.
    const chart = 'Candidates compared by accuracy';
    await page
      .locator(marks(chart, 'bar', 'rect'))
      .first()
      .waitFor();
    expect(await page.locator(marks(chart, 'bar', 'rect')).count()).toBe(3);
    expect(await page.locator(marks(chart, 'rule', 'line')).count()).toBeGreaterThanOrEqual(3);
    const rows = page.getByRole('table', { name: /^Candidates by accuracy/ }).locator('tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await page.locator('tr.chosen').count()).toBe(1);

    // Iris has three classes: nine cells, counting every row once (out-of-fold predictions).
    const matrix = 'Confusion matrix of the chosen model';
    await page
      .locator(marks(matrix, 'cell', 'rect'))
      .first()
      .waitFor();
    expect(await page.locator(marks(matrix, 'cell', 'rect')).count()).toBe(9);
    const counts = await page.locator(marks(matrix, 'text', 'text')).allTextContents();
    expect(counts.map(Number).reduce((a, b) => a + b, 0)).toBe(150);
    // Named by the registered version's class labels.
    expect(await page.locator(`figure.chart [aria-label="${matrix}"]`).textContent()).toContain('setosa');
    await s.screenshot(page, 'training-job-classification');
    expect(scriptOrPolicyProblems(s)).toEqual([]);
    await page.close();
  }, 180_000);

  it("draws a regression job's chosen model against the truth: one dot per sampled row", async () => {
    const jobId = await trainThroughApi(s.t, alice, {
      dataset: 'diabetes',
      target: 'target',
      modelName: 'diabetes-console',
      algorithms: ['linear-regression'],
    });
    const page = await s.newPage();
    await openSignedIn(s, page, 'alice', `training-jobs/${jobId}`);
    const plot = 'Predicted against actual values of the chosen model';
    await page
      .locator(marks(plot, 'dot', 'circle'))
      .first()
      .waitFor();
    expect(await page.locator(marks(plot, 'dot', 'circle')).count()).toBe(200);
    expect(await page.locator(marks('Candidates compared by r2', 'bar', 'rect')).count()).toBeGreaterThan(0);
    await s.screenshot(page, 'training-job-regression');
    expect(scriptOrPolicyProblems(s)).toEqual([]);
    await page.close();
  }, 180_000);

  it('names the fields to fix before anything is sent', async () => {
    const page = await s.newPage(PHONE);
    await openSignedIn(s, page, 'alice', 'training-jobs/new');
    await page.getByLabel('Model name', { exact: true }).fill('Not A Name');
    await page.getByLabel('Max categories').fill('0');
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('fields need a change');
    expect(await page.getByLabel('Dataset', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.field-error').allTextContents()).toEqual(
      expect.arrayContaining(['Required.', 'At least 1.', expect.stringMatching(/^Does not match/)]),
    );
    // The first field in error has the focus; nothing was started.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-dataset');
    expect(page.url()).toMatch(/\/training-jobs\/new$/);
    await s.screenshot(page, 'training-form-errors-phone');
    await page.close();
  });

  it("draws a metric across the model's versions as a line, one dot per version", async () => {
    await trainThroughApi(s.t, alice, {
      dataset: 'iris',
      target: 'target',
      modelName: 'iris-console',
      algorithms: ['logistic-regression'],
      hyperParameters: { 'logistic-regression': [{ C: 0.05 }] },
    });
    const page = await s.newPage();
    await openSignedIn(s, page, 'alice', 'models/iris-console/metrics');
    const chart = 'accuracy by version of iris-console';
    await page
      .locator(marks(chart, 'dot', 'circle'))
      .first()
      .waitFor();
    expect(await page.locator(marks(chart, 'dot', 'circle')).count()).toBe(2);
    expect(await page.locator(marks(chart, 'line', 'path')).count()).toBe(1);
    expect(await page.getByRole('table', { name: 'accuracy by version' }).locator('tbody tr').count()).toBe(
      2,
    );
    await page.getByLabel('Metric').selectOption('log_loss');
    await page
      .locator(marks('log_loss by version of iris-console', 'dot', 'circle'))
      .first()
      .waitFor();
    await s.screenshot(page, 'model-metric-history');
    expect(scriptOrPolicyProblems(s)).toEqual([]);
    await page.close();
  }, 180_000);
});
