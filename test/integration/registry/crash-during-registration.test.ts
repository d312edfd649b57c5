/**
 * Registrations against the emulators (DynamoDB tables, S3 bucket) with crashes injected between
 * storing the file and writing the version record: what is left is never reachable, the sweep
 * removes it, and the versions that did register are numbered 1..n without gaps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbModelRepository } from '../../../functions/adapters/dynamodb/model-repository.ts';
import { DynamoDbVersionRepository } from '../../../functions/adapters/dynamodb/version-repository.ts';
import { S3BlobStore } from '../../../functions/adapters/s3/blob-store.ts';
import type { Principal } from '../../../functions/core/auth/principal.ts';
import { createModel } from '../../../functions/core/registry/models.ts';
import { sweepOrphanArtifacts } from '../../../functions/core/registry/orphan-sweep.ts';
import type { ArtifactStore, ModelValidator } from '../../../functions/core/registry/ports.ts';
import { registerVersion } from '../../../functions/core/registry/versions.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';

const alice: Principal = { userId: 'u-alice', username: 'alice', role: 'user', via: 'token', scope: 'full' };
const validator: ModelValidator = {
  validate: async () => ({
    framework: 'test',
    signature: { inputs: [{ name: 'X', type: 'float32', shape: [null, 1] }], outputs: [], kind: 'other' },
  }),
};

/** Stands for the process dying: nothing after the crash point runs, the cleanup included. */
class Crash extends Error {}

let emulators: TestEmulators;
let store: S3BlobStore;
let models: DynamoDbModelRepository;
let versions: DynamoDbVersionRepository;

beforeAll(async () => {
  emulators = await startTestEmulators();
  store = new S3BlobStore(emulators.s3, emulators.bucketNames.models);
  models = new DynamoDbModelRepository(emulators.documentClient, emulators.tableNames.models);
  versions = new DynamoDbVersionRepository(emulators.documentClient, emulators.tableNames.modelVersions);
});
afterAll(async () => emulators?.close());

async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of store.list(prefix)) keys.push(object.key);
  return keys.sort();
}

describe('a crash in the middle of registration', () => {
  it('leaves no orphan past the sweep and consecutive numbers for 50 concurrent registrations', async () => {
    const deps = {
      models,
      versions,
      validator,
      maxModelBytes: 1000,
      now: () => new Date(),
      artifacts: store as ArtifactStore,
    };
    await createModel(
      alice,
      { name: 'crashy', description: '', task: 'other', tags: [], teamVisible: false },
      deps,
    );
    // Every fifth registration "dies" after its file is stored and before its record is written:
    // the record write and the cleanup both fail, as they would in a killed process.
    let calls = 0;
    const crashing = new Set<string>();
    const crashingVersions = {
      highestNumber: (name: string) => versions.highestNumber(name),
      list: versions.list.bind(versions),
      get: versions.get.bind(versions),
      changeStatus: versions.changeStatus.bind(versions),
      delete: versions.delete.bind(versions),
      create: async (record: Parameters<DynamoDbVersionRepository['create']>[0]) => {
        if (crashing.has(record.artifactKey)) throw new Crash();
        return versions.create(record);
      },
    };
    const crashingStore: ArtifactStore = {
      put: async (key, bytes) => {
        calls += 1;
        if (calls % 5 === 0) crashing.add(key);
        return store.put(key, bytes);
      },
      get: (key) => store.get(key),
      size: (key) => store.size(key),
      presignedUploadUrl: (key, seconds, size) => store.presignedUploadUrl(key, seconds, size),
      presignedDownloadUrl: (key, seconds) => store.presignedDownloadUrl(key, seconds),
      delete: async (key) => {
        if (crashing.has(key)) throw new Crash();
        return store.delete(key);
      },
    };
    const bytes = new TextEncoder().encode('model bytes');
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        registerVersion(
          alice,
          'crashy',
          bytes,
          {},
          { ...deps, versions: crashingVersions, artifacts: crashingStore },
        ),
      ),
    );
    const registered = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(
      results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason),
    ).toEqual(Array(10).fill(expect.any(Crash)));
    expect(registered.map((v) => v.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    // The crashed ones left their files: no record refers to them, so nothing can serve them.
    const referenced = registered.map((v) => v.artifactKey).sort();
    expect(await keysUnder('models/crashy/')).toHaveLength(50);

    // Too young to sweep: a registration could still be about to write its record.
    const early = await sweepOrphanArtifacts({
      artifacts: store,
      versions,
      minAgeSeconds: 3600,
      now: () => new Date(),
    });
    expect(early.deleted).toEqual([]);

    const later = new Date(Date.now() + 3601 * 1000);
    const swept = await sweepOrphanArtifacts({
      artifacts: store,
      versions,
      minAgeSeconds: 3600,
      now: () => later,
    });
    expect([...swept.deleted].sort()).toEqual([...crashing].sort());
    expect(await keysUnder('models/crashy/')).toEqual(referenced);
    expect((await models.get('crashy'))?.latestVersion).toBe(40);

    // The next registration continues the sequence.
    expect((await registerVersion(alice, 'crashy', bytes, {}, deps)).version).toBe(41);
  }, 60_000);
});
