/**
 * A training job on data where trees win: the workflow selects gradient boosting over logistic
 * regression, registers it, and the version serves raw rows through the predict endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../functions/core/training/random.ts';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';

let t: TestPlatform;
let alice: string;

beforeAll(async () => {
  t = await startTestPlatform({ functionEnvironment: { SERVING_CACHE_TTL_MS: '0' } });
  alice = await t.token('alice');
});
afterAll(async () => t?.close());

/** A checkerboard: the class flips with the sign of x·y, which no linear model can separate. */
function checkerboardCsv(rows: number, seed: number): string {
  const random = new Random(seed);
  const lines = ['x,y,noise,label'];
  for (let i = 0; i < rows; i += 1) {
    const x = random.next() * 2 - 1;
    const y = random.next() * 2 - 1;
    const label = x * y > 0 ? 'same' : 'opposite';
    // A few missing values, which imputation handles before the trees.
    const xText = i % 97 === 0 ? '' : x.toFixed(4);
    lines.push(`${xText},${y.toFixed(4)},${random.next().toFixed(4)},${label}`);
  }
  return lines.join('\n');
}

describe('gradient boosting through the training workflow', () => {
  it('wins on a non-linear problem, is registered, and serves raw rows', async () => {
    const csv = checkerboardCsv(2000, 7);
    const started = await t.call('POST', '/v1/datasets', {
      token: alice,
      body: { name: 'checkerboard', sizeBytes: Buffer.byteLength(csv) },
    });
    await fetch(started.json.uploadUrl, { method: 'PUT', body: csv });
    expect(
      (
        await t.call('POST', `/v1/datasets/checkerboard/versions/${started.json.version}/commit`, {
          token: alice,
        })
      ).status,
    ).toBe(200);

    const job = await t.call('POST', '/v1/training-jobs', {
      token: alice,
      body: { dataset: 'checkerboard', target: 'label', modelName: 'checkerboard' },
    });
    expect(job.status).toBe(202);
    let state = job.json;
    const deadline = Date.now() + 180_000;
    while (!['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(state.status) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      state = (await t.call('GET', `/v1/training-jobs/${job.json.jobId}`, { token: alice })).json;
    }
    expect(state.status).toBe('SUCCEEDED');
    const algorithms = new Set(state.candidates.map((c: { algorithm: string }) => c.algorithm));
    expect(algorithms).toEqual(new Set(['logistic-regression', 'gradient-boosting']));
    expect(state.chosen.algorithm).toBe('gradient-boosting');
    expect(state.chosen.metrics.accuracy).toBeGreaterThan(0.9);
    const bestLinear = Math.max(
      ...state.candidates
        .filter((c: { algorithm: string }) => c.algorithm === 'logistic-regression')
        .map((c: { metrics: { accuracy: number } }) => c.metrics.accuracy),
    );
    expect(bestLinear).toBeLessThan(0.7);

    const prediction = await t.call('POST', '/v1/models/checkerboard/predict', {
      token: alice,
      body: {
        instances: [
          { x: 0.6, y: 0.7, noise: 0.5 },
          { x: -0.6, y: 0.7, noise: 0.5 },
          { x: null, y: -0.4, noise: 0.1 },
        ],
      },
    });
    expect(prediction.status).toBe(200);
    expect(prediction.json.predictions.slice(0, 2)).toEqual(['same', 'opposite']);
    expect(prediction.json.classLabels).toEqual(['opposite', 'same']);
  });
});
