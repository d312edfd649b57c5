import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { OnnxModel } from '../../../functions/adapters/onnxruntime/onnx-model.ts';
import { type CacheableModel, ModelCache } from '../../../functions/adapters/onnxruntime/session-cache.ts';
import { UnprocessableError } from '../../../functions/core/errors.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/onnx/', import.meta.url));
const iris = new Uint8Array(readFileSync(`${FIXTURES}iris_logreg_zipmap.onnx`));

/** A stand-in model whose size is its byte count, recording when it is disposed. */
class FakeModel implements CacheableModel {
  readonly sizeBytes: number;
  disposed = false;
  constructor(sizeBytes: number) {
    this.sizeBytes = sizeBytes;
  }
  async dispose() {
    this.disposed = true;
  }
}

function fakeCache(maxBytes: number, sizes: Record<string, number>) {
  const created = new Map<string, FakeModel>();
  const loader = vi.fn(async (key: string) => new Uint8Array(sizes[key] ?? 0));
  const cache = new ModelCache<FakeModel>({
    maxBytes,
    loader,
    create: async (bytes, key) => {
      const model = new FakeModel(bytes.byteLength);
      created.set(key, model);
      return model;
    },
  });
  return { cache, loader, created };
}

describe('ModelCache.acquire', () => {
  it('loads a key once for 100 concurrent first requests (single flight) and serves them all', async () => {
    // Prepare
    const loader = vi.fn(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return iris;
    });
    const cache = new ModelCache({ maxBytes: 10_000_000, loader });

    // Act
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        cache.use('iris@1', (model) => model.predict([[6.7, 3.1, 5.6, 2.4]])),
      ),
    );

    // Assess
    expect(loader).toHaveBeenCalledTimes(1);
    expect(loader).toHaveBeenCalledWith('iris@1');
    expect(results.every((result) => result.predictions[0] === 2)).toBe(true);
    expect(cache.stats()).toMatchObject({ entries: 1, loads: 1, bytes: iris.byteLength });
    cache.clear();
  });

  it('serves later requests from the cache, with the real OnnxModel by default', async () => {
    // Prepare
    const loader = vi.fn(async () => iris);
    const cache = new ModelCache({ maxBytes: 10_000_000, loader });
    const first = await cache.acquire('iris@1');
    first.release();

    // Act
    const second = await cache.acquire('iris@1');

    // Assess
    expect(second.model).toBe(first.model);
    expect(second.model).toBeInstanceOf(OnnxModel);
    expect(loader).toHaveBeenCalledTimes(1);
    expect(cache.stats().hits).toBe(1);
    second.release();
    cache.clear();
  });

  it('evicts the least recently used models once the total bytes exceed the bound', async () => {
    // Prepare
    const { cache, created } = fakeCache(250, { a: 100, b: 100, c: 100 });
    await cache.use('a', () => undefined);
    await cache.use('b', () => undefined);
    await cache.use('a', () => undefined); // a is now more recent than b

    // Act
    await cache.use('c', () => undefined);

    // Assess
    expect(cache.keys()).toEqual(['a', 'c']);
    expect(cache.stats()).toMatchObject({ entries: 2, bytes: 200, evictions: 1 });
    expect(created.get('b')?.disposed).toBe(true);
    expect(created.get('a')?.disposed).toBe(false);
  });

  it('disposes an evicted model only once the calls holding it are done', async () => {
    // Prepare
    const { cache, created } = fakeCache(150, { a: 100, b: 100 });
    const held = await cache.acquire('a');

    // Act
    await cache.use('b', () => undefined);
    const disposedWhileHeld = created.get('a')?.disposed;
    held.release();
    await Promise.resolve();

    // Assess
    expect(cache.keys()).toEqual(['b']);
    expect(disposedWhileHeld).toBe(false);
    expect(created.get('a')?.disposed).toBe(true);
  });

  it('keeps a single model larger than the bound (it is served, everything else goes)', async () => {
    // Prepare
    const { cache } = fakeCache(150, { small: 100, huge: 1000 });
    await cache.use('small', () => undefined);

    // Act
    await cache.use('huge', () => undefined);

    // Assess
    expect(cache.keys()).toEqual(['huge']);
  });

  it('does not cache a failed load: the next request tries again', async () => {
    // Prepare
    let attempts = 0;
    const loader = vi.fn(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('S3 is having a moment');
      return iris;
    });
    const cache = new ModelCache({ maxBytes: 10_000_000, loader });

    // Act
    const failures = await Promise.allSettled([cache.acquire('iris@1'), cache.acquire('iris@1')]);
    const retry = await cache.acquire('iris@1');

    // Assess
    expect(failures.map((f) => f.status)).toEqual(['rejected', 'rejected']);
    expect(loader).toHaveBeenCalledTimes(2);
    expect(retry.model.serving.kind).toBe('classifier');
    expect(cache.stats()).toMatchObject({ loads: 1, failedLoads: 1 });
    retry.release();
    cache.clear();
  });

  it('does not cache a model that cannot be loaded, nor a loader that throws synchronously', async () => {
    // Prepare
    const badBytes = vi.fn(async () => new Uint8Array([1, 2, 3]));
    const throwing = vi.fn((): Promise<Uint8Array> => {
      throw new Error('no such key');
    });
    const bad = new ModelCache({ maxBytes: 10_000_000, loader: badBytes });
    const sync = new ModelCache({ maxBytes: 10_000_000, loader: throwing });

    // Act
    const first = await bad.acquire('bad').catch((e: unknown) => e);
    await bad.acquire('bad').catch(() => undefined);
    await sync.acquire('x').catch(() => undefined);
    await sync.acquire('x').catch(() => undefined);

    // Assess
    expect(first).toBeInstanceOf(UnprocessableError);
    expect(badBytes).toHaveBeenCalledTimes(2);
    expect(throwing).toHaveBeenCalledTimes(2);
    expect(bad.has('bad')).toBe(false);
  });
});

describe('ModelCache with record sources', () => {
  it('keys records by keyOf and hands the loader the whole record (where, which object version)', async () => {
    // Prepare
    const loader = vi.fn(async (_source: { key: string; versionId: string }) => new Uint8Array(7));
    const cache = new ModelCache<FakeModel, { key: string; versionId: string }>({
      maxBytes: 1000,
      keyOf: (source) => source.key,
      loader,
      create: async (bytes) => new FakeModel(bytes.byteLength),
    });
    const source = { key: 'models/iris/1.onnx', versionId: 'v1' };

    // Act
    await cache.use(source, (model) => model.sizeBytes);
    await cache.use({ ...source }, (model) => model.sizeBytes);

    // Assess
    expect(loader).toHaveBeenCalledTimes(1);
    expect(loader).toHaveBeenCalledWith(source);
    expect(cache.keys()).toEqual(['models/iris/1.onnx']);
  });
});
