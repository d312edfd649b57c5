import { describe, expect, it } from 'vitest';
import { cachedServingRegistry } from '../../../functions/adapters/cached-registry.ts';
import type { ModelRecord } from '../../../functions/core/registry/model-records.ts';
import { InMemoryModels, InMemoryVersions } from '../../support/in-memory-registry.ts';

const model: ModelRecord = {
  name: 'iris',
  ownerId: 'u',
  ownerUsername: 'u',
  description: '',
  task: 'classification',
  tags: [],
  teamVisible: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  latestVersion: 0,
  aliases: {},
};

describe('cachedServingRegistry', () => {
  it('serves reads from the cache until the TTL passes, then reads again', async () => {
    const models = new InMemoryModels();
    await models.create(model);
    let reads = 0;
    const counting = {
      get: async (name: string) => {
        reads += 1;
        return models.get(name);
      },
    } as InMemoryModels;
    let clock = 0;
    const cached = cachedServingRegistry(counting, new InMemoryVersions(), { ttlMs: 5000, now: () => clock });

    await cached.models.get('iris');
    await cached.models.get('iris');
    await models.update('iris', { teamVisible: true }, '2026-01-02T00:00:00.000Z');
    expect((await cached.models.get('iris'))?.teamVisible).toBe(false);
    expect(reads).toBe(1);

    clock = 5001;
    expect((await cached.models.get('iris'))?.teamVisible).toBe(true);
    expect(reads).toBe(2);
  });

  it('does not remember a failed read', async () => {
    let calls = 0;
    const failing = {
      get: async () => {
        calls += 1;
        if (calls === 1) throw new Error('throttled');
        return model;
      },
    } as unknown as InMemoryModels;
    const cached = cachedServingRegistry(failing, new InMemoryVersions(), { ttlMs: 60_000 });
    await expect(cached.models.get('iris')).rejects.toThrow('throttled');
    await expect(cached.models.get('iris')).resolves.toMatchObject({ name: 'iris' });
  });

  it('renews an entry in the background past half its TTL, so no request waits for the table', async () => {
    // Prepare
    const models = new InMemoryModels();
    await models.create(model);
    let reads = 0;
    let release: () => void = () => undefined;
    const gated = {
      get: async (name: string) => {
        reads += 1;
        if (reads > 1) await new Promise<void>((resolve) => (release = resolve));
        return models.get(name);
      },
    } as InMemoryModels;
    let clock = 0;
    const cached = cachedServingRegistry(gated, new InMemoryVersions(), { ttlMs: 5000, now: () => clock });
    await cached.models.get('iris');
    await models.update('iris', { teamVisible: true }, '2026-01-02T00:00:00.000Z');

    // Act: past half the TTL, the renewal is still waiting on the table
    clock = 3000;
    const during = await cached.models.get('iris');
    const again = await cached.models.get('iris');
    release();
    await new Promise((resolve) => setImmediate(resolve));
    const after = await cached.models.get('iris');

    // Assess: answered from the cache meanwhile, one renewal read, then the renewed record
    expect(during?.teamVisible).toBe(false);
    expect(again?.teamVisible).toBe(false);
    expect(reads).toBe(2);
    expect(after?.teamVisible).toBe(true);
  });

  it('never answers with an entry past its TTL, renewed or not', async () => {
    // Prepare: the renewal fails, so the entry keeps its first expiry
    const models = new InMemoryModels();
    await models.create(model);
    let reads = 0;
    const flaky = {
      get: async (name: string) => {
        reads += 1;
        if (reads === 2) throw new Error('throttled');
        return models.get(name);
      },
    } as InMemoryModels;
    let clock = 0;
    const cached = cachedServingRegistry(flaky, new InMemoryVersions(), { ttlMs: 5000, now: () => clock });
    await cached.models.get('iris');
    clock = 4000;
    await cached.models.get('iris');
    await new Promise((resolve) => setImmediate(resolve));
    await models.update('iris', { teamVisible: true }, '2026-01-02T00:00:00.000Z');

    // Act
    clock = 5001;
    const expired = await cached.models.get('iris');

    // Assess: read on the request path, fresh
    expect(reads).toBe(3);
    expect(expired?.teamVisible).toBe(true);
  });
});
