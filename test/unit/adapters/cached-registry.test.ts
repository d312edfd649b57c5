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
});
