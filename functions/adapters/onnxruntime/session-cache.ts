/**
 * Loaded models kept warm in a Lambda container, keyed by a string such as `iris@3`. Bounded by the
 * total size of the model files (least recently used first out); an evicted model is disposed
 * once no call holds it. Concurrent first requests for one key share one load; a failed load is
 * forgotten, so the next request tries again.
 */
import { OnnxModel, type OnnxModelOptions } from './onnx-model.ts';

/** What the cache needs of a model (OnnxModel, or a stand-in in tests). */
export interface CacheableModel {
  readonly sizeBytes: number;
  dispose(): Promise<void>;
}

/**
 * `S` is what a caller names a model by: a key string, or a record the loader needs more of (where
 * the file is, which object version, its checksum); `keyOf` gives its cache key.
 */
export interface ModelCacheOptions<M extends CacheableModel, S = string> {
  /** Upper bound on the sum of `sizeBytes` of the cached models. A single larger model is still served. */
  readonly maxBytes: number;
  /** Fetches a model's bytes (e.g. from S3), called once per key per container while it stays cached. */
  readonly loader: (source: S) => Promise<Uint8Array>;
  /** The cache key of a source; by default the source itself, for string sources. */
  readonly keyOf?: (source: S) => string;
  /** Turns bytes into a model; default `OnnxModel.create(bytes, { id: key, ...modelOptions })`. */
  readonly create?: (bytes: Uint8Array, key: string) => Promise<M>;
  readonly modelOptions?: Omit<OnnxModelOptions, 'id'>;
}

/** A model held for the length of a call; `release()` lets the cache dispose it if evicted. */
export interface ModelLease<M> {
  readonly model: M;
  release(): void;
}

export interface ModelCacheStats {
  readonly entries: number;
  readonly bytes: number;
  readonly hits: number;
  readonly loads: number;
  readonly failedLoads: number;
  readonly evictions: number;
}

interface Entry<M> {
  readonly key: string;
  readonly model: M;
  readonly size: number;
  /** Calls currently holding the model. */
  holders: number;
  evicted: boolean;
}

interface Flight<M> {
  readonly promise: Promise<Entry<M>>;
  /** Callers waiting on this load: each is counted as a holder the moment the model arrives. */
  readonly waiting: { count: number };
}

/**
 * @example
 * const cache = new ModelCache({ maxBytes: 512 * 1024 * 1024, loader: (key) => artifacts.get(key) });
 * const result = await cache.use('iris@3', (model) => model.predict(instances));
 */
export class ModelCache<M extends CacheableModel = OnnxModel, S = string> {
  readonly maxBytes: number;
  readonly #loader: (source: S) => Promise<Uint8Array>;
  readonly #keyOf: (source: S) => string;
  readonly #create: (bytes: Uint8Array, key: string) => Promise<M>;
  /** Insertion order is recency order: the first entry is the least recently used. */
  readonly #entries = new Map<string, Entry<M>>();
  readonly #flights = new Map<string, Flight<M>>();
  #bytes = 0;
  #hits = 0;
  #loads = 0;
  #failedLoads = 0;
  #evictions = 0;

  constructor(options: ModelCacheOptions<M, S>) {
    if (!(options.maxBytes > 0)) throw new RangeError('maxBytes must be a positive number.');
    this.maxBytes = options.maxBytes;
    this.#loader = options.loader;
    this.#keyOf = options.keyOf ?? ((source) => String(source));
    this.#create =
      options.create ??
      ((bytes, key) =>
        OnnxModel.create(bytes, { ...options.modelOptions, id: key }) as unknown as Promise<M>);
  }

  /** Runs `fn` with the model for `source`, loading it if needed, and releases it afterwards. */
  async use<T>(source: S, fn: (model: M) => Promise<T> | T): Promise<T> {
    const lease = await this.acquire(source);
    try {
      return await fn(lease.model);
    } finally {
      lease.release();
    }
  }

  /** The model for `source`, held until `release()`: it will not be disposed while held. */
  async acquire(source: S): Promise<ModelLease<M>> {
    const key = this.#keyOf(source);
    const cached = this.#entries.get(key);
    if (cached !== undefined) {
      this.#hits += 1;
      this.#entries.delete(key);
      this.#entries.set(key, cached);
      cached.holders += 1;
      return this.#lease(cached);
    }
    let flight = this.#flights.get(key);
    if (flight === undefined) {
      const waiting = { count: 0 };
      flight = { waiting, promise: this.#load(key, source, waiting) };
      this.#flights.set(key, flight);
    }
    flight.waiting.count += 1;
    return this.#lease(await flight.promise);
  }

  async #load(key: string, source: S, waiting: { count: number }): Promise<Entry<M>> {
    try {
      // Called from a then() so that even a loader that throws synchronously settles after the
      // flight is registered (and is then forgotten by the finally below).
      const bytes = await Promise.resolve().then(() => this.#loader(source));
      const model = await this.#create(bytes, key);
      this.#loads += 1;
      // Every caller waiting on this load holds the model from this moment: an eviction before
      // they resume cannot dispose it under them.
      const entry: Entry<M> = { key, model, size: model.sizeBytes, holders: waiting.count, evicted: false };
      this.#entries.set(key, entry);
      this.#bytes += entry.size;
      this.#evictOverflow(entry);
      return entry;
    } catch (error) {
      this.#failedLoads += 1;
      throw error;
    } finally {
      if (this.#flights.get(key)?.waiting === waiting) this.#flights.delete(key);
    }
  }

  #lease(entry: Entry<M>): ModelLease<M> {
    let released = false;
    return {
      model: entry.model,
      release: () => {
        if (released) return;
        released = true;
        entry.holders -= 1;
        if (entry.evicted && entry.holders === 0) this.#dispose(entry);
      },
    };
  }

  /** Evicts least recently used entries (never `keep`) until the total fits. */
  #evictOverflow(keep: Entry<M>): void {
    for (const entry of this.#entries.values()) {
      if (this.#bytes <= this.maxBytes) return;
      if (entry !== keep) this.#evict(entry);
    }
  }

  #evict(entry: Entry<M>): void {
    if (this.#entries.get(entry.key) !== entry) return;
    this.#entries.delete(entry.key);
    this.#bytes -= entry.size;
    this.#evictions += 1;
    entry.evicted = true;
    if (entry.holders === 0) this.#dispose(entry);
  }

  #dispose(entry: Entry<M>): void {
    entry.model.dispose().catch(() => {
      // A failed release leaks native memory until the container ends; nothing a caller can do.
    });
  }

  /** Drops one key (disposed once released). */
  delete(key: string): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    this.#evict(entry);
    return true;
  }

  /** Drops everything (each model disposed once released). */
  clear(): void {
    for (const entry of [...this.#entries.values()]) this.#evict(entry);
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** Cached keys, least recently used first. */
  keys(): string[] {
    return [...this.#entries.keys()];
  }

  stats(): ModelCacheStats {
    return {
      entries: this.#entries.size,
      bytes: this.#bytes,
      hits: this.#hits,
      loads: this.#loads,
      failedLoads: this.#failedLoads,
      evictions: this.#evictions,
    };
  }
}
