/**
 * What a training request may ask for, and what its model then takes, through the local API: every
 * algorithm by name, a whole request checked when it is made (400 naming the field), a constant
 * regression target refused at preprocess, and a model that accepts the full rows of its training
 * data although preprocessing dropped some of their columns.
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
  expect((await fetch(started.json.uploadUrl, { method: 'PUT', body: csv })).status).toBe(200);
  const committed = await t.call('POST', `/v1/datasets/${name}/versions/${started.json.version}/commit`, {
    token: alice,
  });
  expect(committed.status).toBe(200);
}

async function trainToEnd(body: Record<string, unknown>) {
  const started = await t.call('POST', '/v1/training-jobs', { token: alice, body });
  expect(started.status).toBe(202);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const job = await t.call('GET', `/v1/training-jobs/${started.json.jobId}`, { token: alice });
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.json.status)) return job.json;
    if (Date.now() > deadline) throw new Error(`job still ${job.json.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A plant's readings: an id per row and a constant site, which preprocessing drops. */
function readingsCsv(rows: number): string {
  const lines = ['reading_id,site,temperature,pressure,alarm'];
  for (let i = 0; i < rows; i += 1) {
    const temperature = 20 + ((i * 7) % 40);
    const pressure = 1 + ((i * 13) % 10) / 10;
    lines.push(`r-${1000 + i},north,${temperature},${pressure},${temperature > 40 ? 'yes' : 'no'}`);
  }
  return lines.join('\n');
}

const irisCsv = readFileSync(new URL('../../data/public/iris.csv', import.meta.url), 'utf8');

describe('training requests through the local API', () => {
  it('trains a dataset with dropped columns into a model that takes full rows, and still refuses unknown columns', async () => {
    await uploadDataset('readings', readingsCsv(120));
    const job = await trainToEnd({
      dataset: 'readings',
      target: 'alarm',
      modelName: 'readings',
      algorithms: ['logistic-regression'],
    });
    expect(job.status).toBe('SUCCEEDED');

    const version = await t.call('GET', '/v1/models/readings/versions/1', { token: alice });
    expect(version.json.signature.inputs.map((i: { name: string }) => i.name)).toEqual([
      'temperature',
      'pressure',
    ]);
    expect(version.json.signature.ignoredInputs).toEqual(['reading_id', 'site']);
    expect(version.json.metadata.droppedColumns.map((d: { column: string }) => d.column)).toEqual([
      'reading_id',
      'site',
    ]);

    // A CSV row minus its target, as the README says the version takes.
    const full = await t.call('POST', '/v1/models/readings/predict', {
      token: alice,
      body: {
        instances: [
          { reading_id: 'r-9001', site: 'north', temperature: 58, pressure: 1.2 },
          { reading_id: 'r-9002', site: 'south', temperature: 21, pressure: 1.9 },
        ],
      },
    });
    expect(full.status).toBe(200);
    expect(full.json.predictions).toEqual(['yes', 'no']);
    const used = await t.call('POST', '/v1/models/readings/predict', {
      token: alice,
      body: { instances: [{ temperature: 58, pressure: 1.2 }] },
    });
    expect(used.json.predictions).toEqual(['yes']);

    const unknown = await t.call('POST', '/v1/models/readings/predict', {
      token: alice,
      body: { instances: [{ reading_id: 'r-1', temperature: 58, pressure: 1.2, humidity: 0.4 }] },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.json.field).toBe('humidity');
    const target = await t.call('POST', '/v1/models/readings/predict', {
      token: alice,
      body: { instances: [{ temperature: 58, pressure: 1.2, alarm: 'yes' }] },
    });
    expect(target.status).toBe(422);
  });

  it('trains gradient boosting requested alone', async () => {
    await uploadDataset('iris', irisCsv);
    const job = await trainToEnd({
      dataset: 'iris',
      target: 'target',
      modelName: 'iris-trees',
      algorithms: ['gradient-boosting'],
      hyperParameters: { 'gradient-boosting': [{ maxLeaves: 7, maxRounds: 50 }] },
    });
    expect(job.status).toBe('SUCCEEDED');
    expect(job.candidates.map((c: { algorithm: string }) => c.algorithm)).toEqual(['gradient-boosting']);
    expect(job.chosen.hyperParameters).toMatchObject({ maxLeaves: 7 });
    expect(job.chosen.metrics.accuracy).toBeGreaterThan(0.85);
  });

  it('refuses an invalid grid, an unknown algorithm key and a mismatched algorithm at creation (400 naming the field)', async () => {
    const create = (body: Record<string, unknown>) =>
      t.call('POST', '/v1/training-jobs', {
        token: alice,
        body: { dataset: 'iris', target: 'target', modelName: 'never', ...body },
      });

    const outOfRange = await create({
      hyperParameters: { 'gradient-boosting': [{ learningRate: 0.1 }, { learningRate: 5 }] },
    });
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(outOfRange.json.field).toBe('body.hyperParameters.gradient-boosting.1.learningRate');

    const unknownKey = await create({ hyperParameters: { 'random-forest': [{ trees: 100 }] } });
    expect(unknownKey.status).toBe(400);
    expect(unknownKey.json.field).toBe('body.hyperParameters.random-forest');

    const unknownName = await create({ hyperParameters: { 'logistic-regression': [{ c: 1 }] } });
    expect(unknownName.json.field).toBe('body.hyperParameters.logistic-regression.0.c');

    const wrongTask = await create({ task: 'classification', algorithms: ['linear-regression'] });
    expect(wrongTask.status).toBe(400);
    expect(wrongTask.json.field).toBe('body.algorithms.0');

    const jobs = await t.call('GET', '/v1/training-jobs?limit=50', { token: alice });
    expect(
      jobs.json.items.filter((j: { request: { modelName: string } }) => j.request.modelName === 'never'),
    ).toEqual([]);
  });

  it('fails a constant regression target at preprocess, with the reason', async () => {
    const lines = ['x,z,y', ...Array.from({ length: 40 }, (_, i) => `${i},${(i * 3) % 7},2.5`)];
    await uploadDataset('flat', lines.join('\n'));
    const job = await trainToEnd({ dataset: 'flat', target: 'y', task: 'regression', modelName: 'flat' });
    expect(job.status).toBe('FAILED');
    expect(job.error).toEqual({
      step: 'preprocess',
      reason: '"y" has a single value (2.5); nothing to learn.',
    });
    expect((await t.call('GET', '/v1/models/flat', { token: alice })).status).toBe(404);
  });
});
