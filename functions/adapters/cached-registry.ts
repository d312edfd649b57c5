/**
 * Registry reads for the prediction path, cached per container for a few seconds. A prediction
 * otherwise pays two consistent DynamoDB reads (model, version) before the model even runs; with
 * the cache, a change to an alias, a visibility or an approval reaches every container within
 * `ttlMs` (5 s by default), which is what a deployment pointer needs, not per-request freshness.
 * Past half its TTL an entry still answers while a read in the background renews it, so under
 * steady traffic no request waits for DynamoDB; only an entry past its TTL (a quiet model) is read
 * on the request path. What a request is answered with is never older than `ttlMs`.
 */
import type { Page, PageRequest } from '#core/pagination.ts';
import type { ModelRecord, VersionRecord } from '#core/registry/model-records.ts';
import type { ModelRepository, VersionRepository } from '#core/registry/ports.ts';

type Reader<T> = (key: string) => Promise<T>;

interface CacheEntry<T> {
  value: Promise<T>;
  expires: number;
  refreshing: boolean;
}

function ttlCache<T>(read: Reader<T>, ttlMs: number, maxEntries: number, now: () => number): Reader<T> {
  const entries = new Map<string, CacheEntry<T>>();
  const renew = (key: string, entry: CacheEntry<T>) => {
    entry.refreshing = true;
    const started = now();
    read(key).then(
      (value) => {
        // Unless the entry was replaced or dropped meanwhile.
        if (entries.get(key) === entry) {
          entry.value = Promise.resolve(value);
          entry.expires = started + ttlMs;
        }
        entry.refreshing = false;
      },
      () => {
        // The current value serves until it expires; a later request tries again.
        entry.refreshing = false;
      },
    );
  };
  return (key) => {
    const hit = entries.get(key);
    const at = now();
    if (hit !== undefined && hit.expires > at) {
      if (!hit.refreshing && hit.expires - at < ttlMs / 2) renew(key, hit);
      return hit.value;
    }
    const value = read(key);
    const entry: CacheEntry<T> = { value, expires: at + ttlMs, refreshing: false };
    entries.set(key, entry);
    // A failed read is not remembered.
    value.catch(() => {
      if (entries.get(key) === entry) entries.delete(key);
    });
    if (entries.size > maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
    return value;
  };
}

export interface ServingRegistry {
  readonly models: Pick<ModelRepository, 'get'>;
  readonly versions: Pick<VersionRepository, 'get' | 'list'>;
}

export function cachedServingRegistry(
  models: ModelRepository,
  versions: VersionRepository,
  options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
): ServingRegistry {
  const ttl = options.ttlMs ?? 5000;
  const max = options.maxEntries ?? 1000;
  const now = options.now ?? Date.now;
  const getModel = ttlCache<ModelRecord | undefined>((name) => models.get(name), ttl, max, now);
  const getVersion = ttlCache<VersionRecord | undefined>(
    (key) => {
      const [name, number] = key.split('@');
      return versions.get(name ?? '', Number(number));
    },
    ttl,
    max,
    now,
  );
  const newest = ttlCache<Page<VersionRecord>>((name) => versions.list(name, { limit: 1 }), ttl, max, now);
  return {
    models: { get: getModel },
    versions: {
      get: (name, version) => getVersion(`${name}@${version}`),
      // Only the serving path's "newest version" lookup is cached; other listings go to the table.
      list: (name, page: PageRequest) =>
        page.limit === 1 && page.cursor === undefined ? newest(name) : versions.list(name, page),
    },
  };
}
