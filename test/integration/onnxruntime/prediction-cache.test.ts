/**
 * Predictions through the prediction cache equal the model's own, on every fixture: rows answered
 * partly from entries made by earlier, differently composed batches, in any order and repeated.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxModel } from '../../../functions/adapters/onnxruntime/onnx-model.ts';
import { PredictionCache } from '../../../functions/core/inference/prediction-cache.ts';
import { type FixtureName, fixture } from '../../support/fixtures.ts';

const names = readdirSync(fileURLToPath(new URL('../../fixtures/onnx/', import.meta.url)))
  .filter((file) => file.endsWith('.onnx'))
  .map((file) => file.replace(/\.onnx$/, '') as FixtureName);

const models: OnnxModel[] = [];
afterAll(async () => {
  await Promise.all(models.map((model) => model.dispose()));
});

describe('PredictionCache over OnnxModel', () => {
  it.each(names)('gives %s the same predictions with the cache on as off', async (name) => {
    // Prepare
    const { bytes, rows } = fixture(name);
    const model = await OnnxModel.create(new Uint8Array(bytes));
    models.push(model);
    const cache = new PredictionCache({ maxBytes: 8 * 1024 * 1024 });
    const settings = { enabled: true, maxBytes: 4 * 1024 * 1024, ttlSeconds: 60 };
    const all = rows as unknown[];
    const half = all.filter((_, i) => i % 2 === 0);
    const shuffled = [...all].reverse().concat(all.slice(0, 3));
    const run = (batch: unknown[]) => model.predict(batch);

    // Act: half the rows first, then every row reversed with some repeated (partly cached)
    const first = await cache.predict(`${name}@1#x`, settings, half, run);
    const second = await cache.predict(`${name}@1#x`, settings, shuffled, run);
    const third = await cache.predict(`${name}@1#x`, settings, shuffled, run);

    // Assess
    expect(first.result).toStrictEqual(await model.predict(half));
    expect(second.result).toStrictEqual(await model.predict(shuffled));
    expect(second.hits).toBeGreaterThan(0);
    expect(second.misses).toBeGreaterThan(0);
    expect(third).toMatchObject({ hits: shuffled.length, misses: 0 });
    expect(third.result).toStrictEqual(await model.predict(shuffled));
  });
});
