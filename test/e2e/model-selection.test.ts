/**
 * Model selection through the local API: small data is cross-validated (every candidate's mean and
 * spread on the job row), the chosen candidate is refit on every row, and tree models learn where
 * missing values go instead of seeing them imputed.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';

let t: TestPlatform;
let alice: string;

beforeAll(async () => {
  t = await startTestPlatform({ functionEnvironment: { SERVING_CACHE_TTL_MS: '0' } });
  alice = await t.token('alice');
});
afterAll(async () => t?.close());

async function uploadDataset(name: string, csv: string): Promise<void> {
  const started = await t.call('POST', '/v1/datasets', {
    token: alice,
    body: { name, format: 'csv', sizeBytes: Buffer.byteLength(csv) },
  });
  expect(started.status).toBe(201);
  const put = await fetch(started.json.uploadUrl, { method: 'PUT', body: csv });
  expect(put.status).toBe(200);
  const committed = await t.call('POST', started.json.commitPath, { token: alice });
  expect(committed.status).toBe(200);
}

async function trainJob(body: Record<string, unknown>) {
  const started = await t.call('POST', '/v1/training-jobs', { token: alice, body });
  expect(started.status).toBe(202);
  const location = started.headers.get('location') ?? '';
  const deadline = Date.now() + 180_000;
  for (;;) {
    const job = await t.call('GET', location, { token: alice });
    expect(job.status).toBe(200);
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.json.status)) return job.json;
    if (Date.now() > deadline) throw new Error(`job still ${job.json.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const irisCsv = readFileSync(new URL('../../data/public/iris.csv', import.meta.url), 'utf8');

/**
 * 400 rows: x is 0–4 (or missing, every 10th row), `label` is yes for 1 ≤ x ≤ 3 and no otherwise,
 * and no where x is missing. The median of x is 2, a value 80 "yes" rows hold: imputed, the 40
 * missing rows sit among them and a missing x predicts yes. A tree that learns where missing values
 * go keeps them apart and answers no.
 */
function bandWithGaps(): string {
  const lines = ['x,z,label'];
  for (let i = 0; i < 400; i += 1) {
    const z = ((i * 7919) % 97) / 97;
    const x = i % 5;
    if (i % 10 === 0) lines.push(`,${z},no`);
    else lines.push(`${x},${z},${x >= 1 && x <= 3 ? 'yes' : 'no'}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('model selection through the local API', () => {
  it('cross-validates small data, then refits the chosen candidate on every row', async () => {
    await uploadDataset('iris', irisCsv);
    const job = await trainJob({ dataset: 'iris', target: 'target', modelName: 'iris-refit' });
    expect(job.status).toBe('SUCCEEDED');
    expect(job.resolved.selection).toEqual({ kind: 'cross-validation', folds: 5, repeats: 3 });
    for (const candidate of job.candidates) {
      expect(candidate.crossValidation.scores).toHaveLength(15);
      expect(candidate.score).toBeCloseTo(candidate.crossValidation.mean, 12);
      expect(candidate.crossValidation.std).toBeGreaterThanOrEqual(0);
    }
    expect(job.chosen.trainingRows).toBe(150);
    const version = await t.call('GET', `/v1/models/iris-refit/versions/${job.registered.version}`, {
      token: alice,
    });
    expect(version.json.metadata.trainingRows).toBe(150);
    expect(version.json.metadata.selection).toEqual({ kind: 'cross-validation', folds: 5, repeats: 3 });
  });

  it('chooses the same candidate with the same scores for the same seed', async () => {
    const body = {
      dataset: 'iris',
      target: 'target',
      modelName: 'iris-seeded',
      validation: { holdoutFraction: 0.2, seed: 7 },
    };
    const first = await trainJob(body);
    const second = await trainJob(body);
    expect(first.status).toBe('SUCCEEDED');
    expect(second.status).toBe('SUCCEEDED');
    const scores = (job: { candidates: { crossValidation: { scores: number[] } }[] }) =>
      job.candidates.map((c) => c.crossValidation.scores);
    expect(scores(second)).toEqual(scores(first));
    expect(second.chosen.algorithm).toBe(first.chosen.algorithm);
    expect(second.chosen.hyperParameters).toEqual(first.chosen.hyperParameters);
    const other = await trainJob({ ...body, validation: { holdoutFraction: 0.2, seed: 8 } });
    expect(scores(other)).not.toEqual(scores(first));
  });

  it('trains a tree model that learned where missing values go, and predicts on rows with nulls', async () => {
    await uploadDataset('band-with-gaps', bandWithGaps());
    const job = await trainJob({ dataset: 'band-with-gaps', target: 'label', modelName: 'band' });
    expect(job.status).toBe('SUCCEEDED');
    expect(job.chosen.algorithm).toBe('gradient-boosting');
    const prediction = await t.call('POST', '/v1/models/band/predict', {
      token: alice,
      body: {
        instances: [
          { x: null, z: 0.5 },
          { x: 2, z: 0.5 },
          { x: 0, z: null },
        ],
      },
    });
    expect(prediction.status).toBe(200);
    expect(prediction.json.predictions).toEqual(['no', 'yes', 'no']);
  });
});
