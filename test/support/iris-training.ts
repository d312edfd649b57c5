/**
 * The iris dataset as end-to-end tests use it: its rows as the objects a client sends (without the
 * target), and a model trained on it through the local API (upload, commit, training job, wait).
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { TestPlatform } from './local-platform.ts';

export const irisCsv = readFileSync(new URL('../../data/public/iris.csv', import.meta.url), 'utf8');
const [header, ...lines] = irisCsv.trim().split('\n');
const columns = (header ?? '').split(',');
/** The iris feature columns, in the file's order. */
export const irisFeatures = columns.filter((c) => c !== 'target');

/** The 150 iris rows as the objects a client sends, without the target. */
export const irisRows: Record<string, number>[] = lines.map((line) => {
  const values = line.split(',');
  return Object.fromEntries(irisFeatures.map((f) => [f, Number(values[columns.indexOf(f)])]));
});

/** Uploads iris as the dataset `iris` and trains `modelName` on it with default settings, as `token`'s user. */
export async function trainIris(t: TestPlatform, token: string, modelName: string): Promise<void> {
  const started = await t.call('POST', '/v1/datasets', {
    token,
    body: { name: 'iris', format: 'csv', sizeBytes: Buffer.byteLength(irisCsv) },
  });
  expect(started.status).toBe(201);
  expect((await fetch(started.json.uploadUrl, { method: 'PUT', body: irisCsv })).status).toBe(200);
  const committed = await t.call('POST', `/v1/datasets/iris/versions/${started.json.version}/commit`, {
    token,
  });
  expect(committed.status).toBe(200);
  const job = await t.call('POST', '/v1/training-jobs', {
    token,
    body: { dataset: 'iris', target: 'target', modelName },
  });
  expect(job.status).toBe(202);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const state = await t.call('GET', `/v1/training-jobs/${job.json.jobId}`, { token });
    if (state.json.status === 'SUCCEEDED') return;
    if (['FAILED', 'CANCELLED'].includes(state.json.status) || Date.now() > deadline) {
      throw new Error(`training ended ${state.json.status}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
