/** The registry's DynamoDB repositories against the emulator: atomic numbering, aliases, reviews. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbModelRepository } from '../../../functions/adapters/dynamodb/model-repository.ts';
import { DynamoDbUploadRepository } from '../../../functions/adapters/dynamodb/upload-repository.ts';
import { DynamoDbVersionRepository } from '../../../functions/adapters/dynamodb/version-repository.ts';
import { ConflictError } from '../../../functions/core/errors.ts';
import { CursorSigner } from '../../../functions/core/pagination.ts';
import type { ModelRecord, VersionRecord } from '../../../functions/core/registry/model-records.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';

const cursors = new CursorSigner('integration-test-cursor-signing-key');

let emulators: TestEmulators;
let models: DynamoDbModelRepository;
let versions: DynamoDbVersionRepository;

beforeAll(async () => {
  emulators = await startTestEmulators();
  models = new DynamoDbModelRepository(emulators.documentClient, emulators.tableNames.models, cursors);
  versions = new DynamoDbVersionRepository(
    emulators.documentClient,
    emulators.tableNames.modelVersions,
    cursors,
  );
});
afterAll(async () => emulators?.close());

function model(name: string, overrides: Partial<ModelRecord> = {}): ModelRecord {
  return {
    name,
    ownerId: 'owner-a',
    ownerUsername: 'a',
    description: '',
    task: 'classification',
    tags: ['churn'],
    teamVisible: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    latestVersion: 0,
    aliases: {},
    ...overrides,
  };
}

function version(modelName: string, number: number): VersionRecord {
  return {
    modelName,
    version: number,
    status: 'pending',
    artifactKey: `models/${modelName}/${number}.onnx`,
    sizeBytes: 10,
    sha256: '0'.repeat(64),
    framework: 'scikit-learn',
    signature: {
      inputs: [{ name: 'X', type: 'float32', shape: [null, 4] }],
      outputs: [],
      kind: 'classifier',
    },
    createdBy: 'a',
    createdAt: '2026-01-01T00:00:00.000Z',
    metrics: { accuracy: 0.9 },
    metadata: {},
    auditTrail: [{ at: '2026-01-01T00:00:00.000Z', by: 'a', from: null, to: 'pending' }],
  };
}

describe('DynamoDbModelRepository', () => {
  it('refuses a taken name and reads a model back unchanged', async () => {
    await models.create(model('iris'));
    await expect(models.create(model('iris'))).rejects.toThrow(ConflictError);
    expect(await models.get('iris')).toEqual(model('iris'));
  });

  it('raises latestVersion only upwards, whatever order registrations finish in', async () => {
    await models.create(model('busy'));
    await Promise.all([3, 1, 5, 2, 4].map((n) => models.recordLatestVersion('busy', n)));
    expect((await models.get('busy'))?.latestVersion).toBe(5);
    await models.recordLatestVersion('busy', 2);
    expect((await models.get('busy'))?.latestVersion).toBe(5);
    await expect(models.recordLatestVersion('no-such-model', 1)).resolves.toBeUndefined();
    expect(await models.get('no-such-model')).toBeUndefined();
  });

  it('lists by owner, by team visibility and by tag', async () => {
    await models.create(model('shared', { ownerId: 'owner-b', teamVisible: true, tags: ['fraud'] }));
    await models.create(model('private-b', { ownerId: 'owner-b', tags: ['fraud'] }));
    expect((await models.list({ ownerId: 'owner-b' }, { limit: 10 })).items.map((m) => m.name)).toEqual([
      'private-b',
      'shared',
    ]);
    expect((await models.list({ teamVisible: true }, { limit: 10 })).items.map((m) => m.name)).toEqual([
      'shared',
    ]);
    expect((await models.list({ tag: 'fraud' }, { limit: 10 })).items.map((m) => m.name).sort()).toEqual([
      'private-b',
      'shared',
    ]);
    const hidden = await models.update('shared', { teamVisible: false }, '2026-02-01T00:00:00.000Z');
    expect(hidden.teamVisible).toBe(false);
    expect((await models.list({ teamVisible: true }, { limit: 10 })).items).toEqual([]);
  });

  it('sets and removes aliases, and deletes only a model without aliases', async () => {
    await models.create(model('aliased'));
    const withAlias = await models.setAlias('aliased', 'production', {
      routes: [{ version: 1, weight: 100 }],
      updatedAt: '2026-01-02T00:00:00.000Z',
      updatedBy: 'admin',
    });
    expect(withAlias.aliases.production?.routes).toEqual([{ version: 1, weight: 100 }]);
    await expect(models.deleteIfNoAliases('aliased')).rejects.toThrow(ConflictError);
    await models.setAlias('aliased', 'production', undefined);
    await models.deleteIfNoAliases('aliased');
    expect(await models.get('aliased')).toBeUndefined();
  });
});

describe('DynamoDbVersionRepository', () => {
  it('keeps versions immutable and lists them newest first', async () => {
    for (const n of [1, 2, 3]) await versions.create(version('iris', n));
    await expect(versions.create(version('iris', 2))).rejects.toThrow(ConflictError);
    const page = await versions.list('iris', { limit: 2 });
    expect(page.items.map((v) => v.version)).toEqual([3, 2]);
    expect(
      (await versions.list('iris', { limit: 2, cursor: page.nextCursor })).items.map((v) => v.version),
    ).toEqual([1]);
    expect(await versions.get('iris', 1)).toEqual(version('iris', 1));
    expect(await versions.highestNumber('iris')).toBe(3);
    expect(await versions.highestNumber('no-versions-yet')).toBe(0);
  });

  it('changes status only from the expected one, appending to the audit trail', async () => {
    await versions.create(version('review', 1));
    const entry = {
      at: '2026-01-03T00:00:00.000Z',
      by: 'admin',
      from: 'pending' as const,
      to: 'approved' as const,
      comment: 'ok',
    };
    const approved = await versions.changeStatus('review', 1, 'pending', entry);
    expect(approved.status).toBe('approved');
    expect(approved.auditTrail).toHaveLength(2);
    expect(approved.auditTrail[1]).toEqual(entry);
    await expect(versions.changeStatus('review', 1, 'pending', entry)).rejects.toThrow(ConflictError);
  });
});

describe('DynamoDbUploadRepository', () => {
  it('stores, reads and forgets a pending upload', async () => {
    const uploads = new DynamoDbUploadRepository(emulators.documentClient, emulators.tableNames.modelUploads);
    const upload = {
      uploadId: '5f1c2a3e-0000-4000-8000-000000000001',
      modelName: 'iris',
      ownerId: 'owner-a',
      stagingKey: 'uploads/iris/x.onnx',
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: 1_900_000_000,
    };
    await uploads.create(upload);
    expect(await uploads.get(upload.uploadId)).toEqual(upload);
    await uploads.delete(upload.uploadId);
    expect(await uploads.get(upload.uploadId)).toBeUndefined();
  });
});
