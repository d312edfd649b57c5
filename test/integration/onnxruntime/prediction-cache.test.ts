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

  it.each(names)(
    'keeps single-row answers of %s apart from batch ones, to the last bit, and runs a lone new row as two',
    async (name) => {
      // Prepare: onnxruntime answers a one-row batch on other kernels (iris: last float32 digit)
      const { bytes, rows } = fixture(name);
      const model = await OnnxModel.create(new Uint8Array(bytes));
      models.push(model);
      const cache = new PredictionCache({ maxBytes: 8 * 1024 * 1024 });
      const settings = { enabled: true, maxBytes: 4 * 1024 * 1024, ttlSeconds: 60 };
      const [a, b] = rows as unknown[];
      const run = (batch: unknown[]) => model.predict(batch);

      // Act: a alone, then a and b (b new, alone in its sub-batch), then b alone
      const alone = await cache.predict(`${name}@1#x`, settings, [a], run);
      const pair = await cache.predict(`${name}@1#x`, settings, [a, b, a], run);
      const pairAgain = await cache.predict(`${name}@1#x`, settings, [b, a], run);
      const bAlone = await cache.predict(`${name}@1#x`, settings, [b], run);

      // Assess: each equals the model's own answer to that request
      expect(alone.result).toStrictEqual(await model.predict([a]));
      expect(pair.result).toStrictEqual(await model.predict([a, b, a]));
      expect(pairAgain).toMatchObject({ hits: 2, misses: 0 });
      expect(pairAgain.result).toStrictEqual(await model.predict([b, a]));
      expect(bAlone.misses).toBe(1);
      expect(bAlone.result).toStrictEqual(await model.predict([b]));
    },
  );

  it('sends batches from largeBatchRows on to the model uncached', async () => {
    // Prepare
    const { bytes, rows } = fixture('diabetes_linear');
    const model = await OnnxModel.create(new Uint8Array(bytes));
    models.push(model);
    const cache = new PredictionCache({ maxBytes: 8 * 1024 * 1024, largeBatchRows: 4 });
    const settings = { enabled: true, maxBytes: 4 * 1024 * 1024, ttlSeconds: 60 };
    const batch = (rows as unknown[]).slice(0, 4);

    // Act
    await cache.predict('d@1#x', settings, batch, (b) => model.predict(b));
    const again = await cache.predict('d@1#x', settings, batch, (b) => model.predict(b));

    // Assess
    expect(again).toMatchObject({ hits: 0, misses: 4 });
    expect(cache.entries('d@1#x')).toBe(0);
  });
});
