/**
 * The opt-in prediction cache: per container, rows a version has answered before are answered again
 * from memory. Flow: each row → its canonical text → SHA-256 → looked up in the version's entries;
 * the rows not found (each distinct one once) run through the model as one smaller batch; their
 * answers are stored, and the response is put together in the request's order.
 *
 * - Isolated per version: entries live under a key naming the model, the version and the file's
 *   SHA-256, so a new version, an alias moved to another one, or a model deleted and registered
 *   again under the same name never answers from another file's entries.
 * - Bounded: each version's entries by the owner's `maxBytes`, all of them by the container's
 *   bound; least recently used first out, counted with an estimate of each entry's memory.
 * - A TTL from the owner's settings: an entry older than `ttlSeconds` is a miss.
 * - The same answer as without the cache: a row's prediction is what the model gave that row in an
 *   earlier batch, which assumes the model answers each row on its own (every tabular model the
 *   platform trains does; a graph that mixes rows of a batch must not turn the cache on). To the
 *   last bit: onnxruntime computes a batch of one row on other kernels than a batch of several (the
 *   iris model's probabilities differ in the last float32 digit), so answers from single-row
 *   requests and from multi-row ones are kept apart, and a multi-row request whose only new row
 *   would run alone runs it twice, as a batch of two. Requests from `largeBatchRows` rows on (those
 *   OnnxModel runs on its threaded session) go to the model whole, uncached. A request the model
 *   refuses is run again whole, uncached, so that the refusal names the same row.
 */
import { hash } from 'node:crypto';
import type { ClassLabel } from './onnx-graph.ts';
import type { OutputValue, PredictionResult } from './outputs.ts';

/** Set by a model's owner (PATCH /v1/models/{name}, `predictionCache`). */
export interface PredictionCacheSettings {
  readonly enabled: boolean;
  /** Memory this model's entries may take in one container (per version served). */
  readonly maxBytes: number;
  /** How long an answer may be served again. */
  readonly ttlSeconds: number;
}

export const PREDICTION_CACHE_DEFAULTS = { maxBytes: 16 * 1024 * 1024, ttlSeconds: 300 } as const;
export const PREDICTION_CACHE_LIMITS = {
  minBytes: 64 * 1024,
  maxBytes: 256 * 1024 * 1024,
  maxTtlSeconds: 24 * 3600,
} as const;

/** Rows answered from the cache and rows the model ran, in one request. */
export interface CacheCounts {
  readonly hits: number;
  readonly misses: number;
}

interface Entry {
  readonly prediction: OutputValue;
  readonly probabilities: number[] | undefined;
  readonly bytes: number;
  readonly expires: number;
}

interface VersionEntries {
  /** Insertion order is recency order. */
  readonly rows: Map<string, Entry>;
  bytes: number;
  /** From the version's first answer: what every response carries besides the rows. */
  classLabels: ClassLabel[] | undefined;
  probabilities: boolean;
}

/** Keys and Map slots cost about this much beyond their content (bytes). */
const ENTRY_OVERHEAD_BYTES = 160;

/**
 * The row as one text that only equal rows share: object keys sorted, -0 kept apart from 0 (a
 * model may treat them differently), strings quoted. Undefined for values a JSON body cannot hold.
 */
export function canonicalRow(value: unknown): string | undefined {
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) return undefined;
      return Object.is(value, -0) ? '-0' : String(value);
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let text = '[';
        for (let i = 0; i < value.length; i += 1) {
          const item = canonicalRow(value[i]);
          if (item === undefined) return undefined;
          text += i === 0 ? item : `,${item}`;
        }
        return `${text}]`;
      }
      const keys = Object.keys(value).sort();
      let text = '{';
      for (let i = 0; i < keys.length; i += 1) {
        const key = keys[i] as string;
        const item = canonicalRow((value as Record<string, unknown>)[key]);
        if (item === undefined) return undefined;
        text += `${i === 0 ? '' : ','}${JSON.stringify(key)}:${item}`;
      }
      return `${text}}`;
    }
    default:
      return undefined;
  }
}

/** The cache key of one row: SHA-256 of its canonical text. */
export function rowKey(row: unknown): string | undefined {
  const canonical = canonicalRow(row);
  return canonical === undefined ? undefined : hash('sha256', canonical, 'base64');
}

function estimateBytes(value: unknown): number {
  if (typeof value === 'string') return 2 * value.length + 16;
  if (Array.isArray(value)) {
    let bytes = 16;
    for (const item of value) bytes += estimateBytes(item);
    return bytes;
  }
  return 8;
}

/** The answer to the first row of a batch. */
function firstRowOf(answer: PredictionResult): PredictionResult {
  return {
    predictions: answer.predictions.length === 2 ? answer.predictions.slice(0, 1) : answer.predictions,
    ...(answer.probabilities === undefined ? {} : { probabilities: answer.probabilities.slice(0, 1) }),
    ...(answer.classLabels === undefined ? {} : { classLabels: answer.classLabels }),
  };
}

export interface PredictionCacheOptions {
  /** Upper bound on every version's entries together in this container. */
  readonly maxBytes: number;
  /** Requests of this many rows and more are not cached (default: none is that large). */
  readonly largeBatchRows?: number;
  readonly now?: () => number;
}

/**
 * @example
 * const cache = new PredictionCache({ maxBytes: 64 * 1024 * 1024 });
 * const { result, hits, misses } = await cache.predict('iris@3#<sha256>', settings, instances, (rows) => runner.predict(version, rows));
 */
export class PredictionCache {
  readonly maxBytes: number;
  readonly #largeBatchRows: number;
  readonly #now: () => number;
  /** Insertion order is recency order: the first version is the least recently used. */
  readonly #versions = new Map<string, VersionEntries>();
  #bytes = 0;

  constructor(options: PredictionCacheOptions) {
    if (!(options.maxBytes > 0)) throw new RangeError('maxBytes must be a positive number.');
    this.maxBytes = options.maxBytes;
    this.#largeBatchRows = options.largeBatchRows ?? Number.POSITIVE_INFINITY;
    this.#now = options.now ?? Date.now;
  }

  /** Memory taken by every version's entries (estimate). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Entries held for one version. */
  entries(versionKey: string): number {
    return this.#versions.get(versionKey)?.rows.size ?? 0;
  }

  /**
   * Answers `instances` with `run` for the rows not cached for `versionKey`. Anything but a
   * non-empty array of rows goes to `run` as it is, uncached, to be refused there.
   */
  async predict(
    versionKey: string,
    settings: PredictionCacheSettings,
    instances: unknown,
    run: (rows: unknown[]) => Promise<PredictionResult>,
  ): Promise<CacheCounts & { result: PredictionResult }> {
    if (!Array.isArray(instances) || instances.length === 0) {
      return { result: await run(instances as unknown[]), hits: 0, misses: 0 };
    }
    const rows = instances as unknown[];
    if (rows.length >= this.#largeBatchRows) return { result: await run(rows), hits: 0, misses: rows.length };
    // Single-row answers apart from multi-row ones (see above).
    const single = rows.length === 1;
    const keys: string[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i += 1) {
      const key = rowKey(rows[i]);
      if (key === undefined) return { result: await run(rows), hits: 0, misses: rows.length };
      keys[i] = single ? `1${key}` : `n${key}`;
    }

    const now = this.#now();
    const version = this.#version(versionKey);
    const found: (Entry | undefined)[] = new Array(rows.length);
    /** Distinct missing keys → the first row with it. */
    const missing = new Map<string, number>();
    let hits = 0;
    for (let i = 0; i < rows.length; i += 1) {
      const key = keys[i] as string;
      const entry = version.rows.get(key);
      if (entry !== undefined && entry.expires > now) {
        version.rows.delete(key);
        version.rows.set(key, entry);
        found[i] = entry;
        hits += 1;
      } else {
        if (entry !== undefined) this.#drop(version, key, entry);
        if (!missing.has(key)) missing.set(key, i);
      }
    }
    const misses = rows.length - hits;
    if (missing.size > 0) {
      const whole = missing.size === rows.length;
      const batch = whole ? rows : [...missing.values()].map((i) => rows[i]);
      // One new row of a multi-row request runs as a batch of two, on the kernels of its request.
      const padded = !single && batch.length === 1;
      let answer: PredictionResult;
      try {
        answer = await run(padded ? [batch[0], batch[0]] : batch);
        if (padded) answer = firstRowOf(answer);
      } catch (error) {
        // Refused as the whole request would be, naming the same row.
        if (whole) throw error;
        return { result: await run(rows), hits: 0, misses: rows.length };
      }
      if (answer.predictions.length !== batch.length) {
        // Not one answer per row: nothing here can be cached.
        return whole
          ? { result: answer, hits: 0, misses: rows.length }
          : { result: await run(rows), hits: 0, misses: rows.length };
      }
      if (whole) {
        this.#store(version, settings, keys, answer, now);
        return { result: answer, hits: 0, misses };
      }
      const missingKeys = [...missing.keys()];
      this.#store(version, settings, missingKeys, answer, now);
      // From the answer itself: a small bound may already have evicted what was just stored.
      const position = new Map(missingKeys.map((key, j) => [key, j]));
      for (let i = 0; i < rows.length; i += 1) {
        if (found[i] !== undefined) continue;
        const j = position.get(keys[i] as string) as number;
        found[i] = {
          prediction: answer.predictions[j] as OutputValue,
          probabilities: answer.probabilities?.[j],
          bytes: 0,
          expires: 0,
        };
      }
    }
    return { result: this.#assemble(version, found), hits, misses };
  }

  #version(versionKey: string): VersionEntries {
    let version = this.#versions.get(versionKey);
    if (version === undefined) {
      version = { rows: new Map(), bytes: 0, classLabels: undefined, probabilities: false };
    } else {
      this.#versions.delete(versionKey);
    }
    this.#versions.set(versionKey, version);
    return version;
  }

  #store(
    version: VersionEntries,
    settings: PredictionCacheSettings,
    keys: readonly string[],
    answer: PredictionResult,
    now: number,
  ): void {
    version.classLabels = answer.classLabels;
    version.probabilities = answer.probabilities !== undefined;
    const expires = now + settings.ttlSeconds * 1000;
    for (let i = 0; i < keys.length; i += 1) {
      const key = keys[i] as string;
      const prediction = answer.predictions[i] as OutputValue;
      const probabilities = answer.probabilities?.[i];
      const bytes =
        ENTRY_OVERHEAD_BYTES + 2 * key.length + estimateBytes(prediction) + estimateBytes(probabilities);
      const previous = version.rows.get(key);
      if (previous !== undefined) this.#drop(version, key, previous);
      version.rows.set(key, { prediction, probabilities, bytes, expires });
      version.bytes += bytes;
      this.#bytes += bytes;
    }
    // The version's own bound, then the container's, least recently used first.
    for (const [key, entry] of version.rows) {
      if (version.bytes <= settings.maxBytes) break;
      this.#drop(version, key, entry);
    }
    for (const [versionKey, other] of this.#versions) {
      if (this.#bytes <= this.maxBytes) break;
      for (const [key, entry] of other.rows) {
        if (this.#bytes <= this.maxBytes) break;
        this.#drop(other, key, entry);
      }
      if (other.rows.size === 0 && other !== version) this.#versions.delete(versionKey);
    }
  }

  #drop(version: VersionEntries, key: string, entry: Entry): void {
    version.rows.delete(key);
    version.bytes -= entry.bytes;
    this.#bytes -= entry.bytes;
  }

  #assemble(version: VersionEntries, found: readonly (Entry | undefined)[]): PredictionResult {
    const predictions: OutputValue[] = new Array(found.length);
    const probabilities: number[][] | undefined = version.probabilities ? new Array(found.length) : undefined;
    for (let i = 0; i < found.length; i += 1) {
      const entry = found[i] as Entry;
      predictions[i] = entry.prediction;
      if (probabilities !== undefined) probabilities[i] = entry.probabilities as number[];
    }
    return {
      predictions,
      ...(probabilities === undefined ? {} : { probabilities }),
      ...(version.classLabels === undefined ? {} : { classLabels: [...version.classLabels] }),
    };
  }
}
