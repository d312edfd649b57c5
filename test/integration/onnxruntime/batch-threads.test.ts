/**
 * OnnxModel's threaded session for large batches: the fixtures' gradient-boosted trees and linear
 * models answer a large batch on it exactly as the single-threaded session does, small requests
 * stay on the single-threaded one, and a model without batch threads never makes a second one.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxModel } from '../../../functions/adapters/onnxruntime/onnx-model.ts';

const fixture = (name: string) => {
  const url = new URL(`../../fixtures/onnx/${name}`, import.meta.url);
  return {
    bytes: new Uint8Array(readFileSync(new URL(`${name}.onnx`, url))),
    rows: (JSON.parse(readFileSync(new URL(`${name}.json`, url), 'utf8')) as { rows: unknown[] }).rows,
  };
};
const repeat = (rows: readonly unknown[], count: number) =>
  Array.from({ length: count }, (_, i) => rows[i % rows.length]);

const models: OnnxModel[] = [];
afterAll(async () => {
  await Promise.all(models.map((model) => model.dispose()));
});

async function load(bytes: Uint8Array, batchThreads?: number): Promise<OnnxModel> {
  const model = await OnnxModel.create(
    bytes,
    batchThreads === undefined ? {} : { batchThreads, batchRowsFrom: 64 },
  );
  models.push(model);
  return model;
}

describe('OnnxModel batch threads', () => {
  it.each(['breast_cancer_gbdt', 'diabetes_linear', 'tenure_mixed_inputs'])(
    'answers a large batch of %s on the threaded session exactly as on one thread',
    async (name) => {
      // Prepare
      const { bytes, rows } = fixture(name);
      const single = await load(bytes);
      const threaded = await load(bytes, 2);
      const batch = repeat(rows, 500);

      // Act
      const ready = await threaded.prepareBatchSession();
      const expected = await single.predict(batch);
      const actual = await threaded.predict(batch);
      const small = await threaded.predict(rows.slice(0, 3));

      // Assess
      expect(ready).toBe(true);
      expect(threaded.batchThreads).toBe(2);
      expect(actual).toStrictEqual(expected);
      expect(small).toStrictEqual(await single.predict(rows.slice(0, 3)));
    },
  );

  it('starts the threaded session in the background on the first large batch, which still answers', async () => {
    // Prepare
    const { bytes, rows } = fixture('breast_cancer_gbdt');
    const single = await load(bytes);
    const threaded = await load(bytes, 2);
    const batch = repeat(rows, 100);

    // Act: the first large batch answers on one thread while the pool is made
    const first = await threaded.predict(batch);
    const ready = await threaded.prepareBatchSession();
    const second = await threaded.predict(batch);

    // Assess
    const expected = await single.predict(batch);
    expect(first).toStrictEqual(expected);
    expect(ready).toBe(true);
    expect(second).toStrictEqual(expected);
  });

  it('makes no second session without batch threads, and none once disposed', async () => {
    // Prepare
    const { bytes } = fixture('diabetes_linear');
    const plain = await load(bytes);
    const disposed = await load(bytes, 2);
    await disposed.dispose();

    // Act / Assess
    expect(plain.batchThreads).toBe(1);
    await expect(plain.prepareBatchSession()).resolves.toBe(false);
    await expect(disposed.prepareBatchSession()).resolves.toBe(false);
  });
});
