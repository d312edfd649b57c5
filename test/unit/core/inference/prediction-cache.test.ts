import { describe, expect, it } from 'vitest';
import { UnprocessableError } from '../../../../functions/core/errors.ts';
import type { PredictionResult } from '../../../../functions/core/inference/outputs.ts';
import {
  canonicalRow,
  PredictionCache,
  type PredictionCacheSettings,
  rowKey,
} from '../../../../functions/core/inference/prediction-cache.ts';

const settings: PredictionCacheSettings = { enabled: true, maxBytes: 1024 * 1024, ttlSeconds: 60 };

/** A stand-in classifier: label = first value > 0, probabilities from the first value; counts rows run. */
function classifier() {
  const ran: unknown[][] = [];
  const run = async (rows: unknown[]): Promise<PredictionResult> => {
    ran.push(rows);
    return {
      predictions: rows.map((row) => (((row as number[])[0] as number) > 0 ? 1 : 0)),
      probabilities: rows.map((row) => [
        0.5 - ((row as number[])[0] as number) / 100,
        0.5 + ((row as number[])[0] as number) / 100,
      ]),
      classLabels: [0, 1],
    };
  };
  return { ran, run };
}

describe('canonicalRow and rowKey', () => {
  it('gives equal rows one text: object keys in any order; -0, strings and numbers kept apart', () => {
    // Act / Assess
    expect(canonicalRow({ b: 2, a: [1, 'x'] })).toBe(canonicalRow({ a: [1, 'x'], b: 2 }));
    expect(canonicalRow([-0])).not.toBe(canonicalRow([0]));
    expect(canonicalRow(['1'])).not.toBe(canonicalRow([1]));
    expect(canonicalRow([null])).not.toBe(canonicalRow(['null']));
    expect(canonicalRow([Number.NaN])).toBeUndefined();
    expect(rowKey([1, 2])).toBe(rowKey([1, 2]));
    expect(rowKey([1, 2])).not.toBe(rowKey([2, 1]));
  });
});

describe('PredictionCache.predict', () => {
  it('answers repeated rows from the cache, runs only the new ones, and gives what the model gives', async () => {
    // Prepare
    const cache = new PredictionCache({ maxBytes: 10 * 1024 * 1024 });
    const model = classifier();

    // Act
    const first = await cache.predict('iris@1#a', settings, [[1], [-2]], model.run);
    const second = await cache.predict('iris@1#a', settings, [[-2], [3], [1], [3]], model.run);

    // Assess: the second request ran its one new row once, as a batch of two (never alone);
    // every answer equals the model's own on the full request
    expect(first).toMatchObject({ hits: 0, misses: 2 });
    expect(second).toMatchObject({ hits: 2, misses: 2 });
    expect(model.ran).toStrictEqual([
      [[1], [-2]],
      [[3], [3]],
    ]);
    expect(second.result).toStrictEqual(await classifier().run([[-2], [3], [1], [3]]));
  });

  it('keeps versions apart: another version or file never answers from these entries', async () => {
    // Prepare
    const cache = new PredictionCache({ maxBytes: 10 * 1024 * 1024 });
    const v1 = classifier();
    const v2 = {
      ran: [] as unknown[][],
      run: async (rows: unknown[]): Promise<PredictionResult> => {
        v2.ran.push(rows);
        return { predictions: rows.map(() => 'v2') };
      },
    };
    await cache.predict('iris@1#a', settings, [[1]], v1.run);

    // Act
    const other = await cache.predict('iris@2#b', settings, [[1]], v2.run);
    const sameNumberOtherFile = await cache.predict('iris@1#c', settings, [[1]], v2.run);

    // Assess
    expect(other).toStrictEqual({ result: { predictions: ['v2'] }, hits: 0, misses: 1 });
    expect(sameNumberOtherFile.hits).toBe(0);
    expect(v2.ran).toHaveLength(2);
    expect(cache.entries('iris@1#a')).toBe(1);
  });

  it('serves an entry until its TTL, then runs the row again', async () => {
    // Prepare
    let clock = 0;
    const cache = new PredictionCache({ maxBytes: 10 * 1024 * 1024, now: () => clock });
    const model = classifier();
    await cache.predict('m@1#a', { ...settings, ttlSeconds: 10 }, [[1]], model.run);

    // Act
    clock = 9_999;
    const fresh = await cache.predict('m@1#a', { ...settings, ttlSeconds: 10 }, [[1]], model.run);
    clock = 10_000;
    const expired = await cache.predict('m@1#a', { ...settings, ttlSeconds: 10 }, [[1]], model.run);

    // Assess
    expect(fresh.hits).toBe(1);
    expect(expired).toMatchObject({ hits: 0, misses: 1 });
    expect(model.ran).toHaveLength(2);
  });

  it("keeps a version within its owner's bound and all versions within the container's, least recently used out", async () => {
    // Prepare
    const cache = new PredictionCache({ maxBytes: 12_000 });
    const model = classifier();
    const small = { ...settings, maxBytes: 4_000 };
    const rows = (from: number, count: number) => Array.from({ length: count }, (_, i) => [from + i]);

    // Act: 40 rows into one version whose bound holds far fewer
    await cache.predict('a@1#x', small, rows(0, 40), model.run);
    const held = cache.entries('a@1#x');
    const again = await cache.predict('a@1#x', small, rows(0, 40), model.run);

    // then more versions than the container holds
    await cache.predict('b@1#x', settings, rows(100, 30), model.run);
    await cache.predict('c@1#x', settings, rows(200, 30), model.run);

    // Assess: within both bounds, the newest rows kept, answers still right
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(40);
    expect(again.result).toStrictEqual(await classifier().run(rows(0, 40)));
    expect(cache.bytes).toBeLessThanOrEqual(12_000);
    expect(cache.entries('c@1#x')).toBeGreaterThan(0);
    expect(cache.entries('a@1#x')).toBe(0);
  });

  it('refuses a request as the model does, naming the same row, when some rows were cached', async () => {
    // Prepare: a model refusing negative values, naming the row of the request it ran
    const cache = new PredictionCache({ maxBytes: 1024 * 1024 });
    const ran: unknown[][] = [];
    const strict = async (rows: unknown[]): Promise<PredictionResult> => {
      ran.push(rows);
      const bad = rows.findIndex((row) => ((row as number[])[0] as number) < 0);
      if (bad >= 0) throw new UnprocessableError(`Row ${bad + 1}: negative`, { row: bad + 1 });
      return { predictions: rows.map(() => 1) };
    };
    await cache.predict('m@1#a', settings, [[1], [2]], strict);

    // Act
    const refusal = await cache.predict('m@1#a', settings, [[1], [2], [-1]], strict).catch((e: unknown) => e);

    // Assess: row 3 of the request, as without the cache (the sub-batch alone would say row 1)
    expect(refusal).toBeInstanceOf(UnprocessableError);
    expect((refusal as Error).message).toBe('Row 3: negative');
    expect(ran.at(-1)).toStrictEqual([[1], [2], [-1]]);
  });

  it('passes anything but rows to the model uncached, and caches nothing from an answer that is not one per row', async () => {
    // Prepare
    const cache = new PredictionCache({ maxBytes: 1024 * 1024 });
    const pooled = async (rows: unknown[]): Promise<PredictionResult> => ({ predictions: [rows.length] });

    // Act
    const notRows = await cache.predict('m@1#a', settings, 'x', async () => ({ predictions: [] }));
    const pooledAnswer = await cache.predict('m@1#a', settings, [[1], [2]], pooled);

    // Assess
    expect(notRows).toStrictEqual({ result: { predictions: [] }, hits: 0, misses: 0 });
    expect(pooledAnswer).toStrictEqual({ result: { predictions: [2] }, hits: 0, misses: 2 });
    expect(cache.entries('m@1#a')).toBe(0);
  });
});
