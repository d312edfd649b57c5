import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../../functions/core/auth/principal.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  QuotaExceededError,
  UnprocessableError,
} from '../../../../functions/core/errors.ts';
import { removeAlias, resolveServingVersion, setAlias } from '../../../../functions/core/registry/aliases.ts';
import { aliasRoutes, pickRoute, sha256Hex } from '../../../../functions/core/registry/model-records.ts';
import {
  createModel,
  deleteModel,
  getModel,
  listModels,
} from '../../../../functions/core/registry/models.ts';
import type { ModelValidator } from '../../../../functions/core/registry/ports.ts';
import { sourceFileDownload } from '../../../../functions/core/registry/source-file.ts';
import {
  commitUpload,
  registerVersion,
  reviewVersion,
  startUpload,
} from '../../../../functions/core/registry/versions.ts';
import {
  InMemoryArtifacts,
  InMemoryModels,
  InMemoryUploads,
  InMemoryVersions,
} from '../../../support/in-memory-registry.ts';

const alice: Principal = { userId: 'u-alice', username: 'alice', role: 'user', via: 'token', scope: 'full' };
const bob: Principal = { userId: 'u-bob', username: 'bob', role: 'user', via: 'token', scope: 'full' };
const admin: Principal = { userId: 'u-admin', username: 'admin', role: 'admin', via: 'token', scope: 'full' };

const acceptingValidator: ModelValidator = {
  validate: async () => ({
    framework: 'scikit-learn',
    signature: {
      inputs: [{ name: 'X', type: 'float32', shape: [null, 4] }],
      outputs: [],
      kind: 'classifier',
    },
  }),
};
const refusingValidator: ModelValidator = {
  validate: async () => {
    throw new UnprocessableError('not an ONNX model', { field: 'model' });
  },
};

function setup(validator: ModelValidator = acceptingValidator) {
  return {
    models: new InMemoryModels(),
    versions: new InMemoryVersions(),
    uploads: new InMemoryUploads(),
    artifacts: new InMemoryArtifacts(),
    validator,
    maxModelBytes: 1000,
    now: () => new Date('2026-11-25T12:00:00Z'),
  };
}

const modelInput = {
  name: 'iris',
  description: '',
  task: 'classification' as const,
  tags: ['demo'],
  teamVisible: false,
};
const bytes = new Uint8Array([1, 2, 3]);
const xgboostFixture = (file: string) =>
  new Uint8Array(readFileSync(fileURLToPath(new URL(`../../../fixtures/xgboost/${file}`, import.meta.url))));

describe('models', () => {
  it('hides a private model from other users behind 404, shows a team-visible one', async () => {
    const deps = setup();
    await createModel(alice, modelInput, deps);
    await expect(getModel(bob, 'iris', deps)).rejects.toThrow(NotFoundError);
    await createModel(alice, { ...modelInput, name: 'shared', teamVisible: true }, deps);
    await expect(getModel(bob, 'shared', deps)).resolves.toMatchObject({ name: 'shared' });
    expect((await listModels(bob, { limit: 10, visibility: 'team' }, deps)).items.map((m) => m.name)).toEqual(
      ['shared'],
    );
    expect((await listModels(bob, { limit: 10 }, deps)).items).toEqual([]);
  });

  it('deletes versions and files with the model, but not while an alias exists', async () => {
    const deps = setup();
    await createModel(alice, modelInput, deps);
    await registerVersion(alice, 'iris', bytes, {}, deps);
    await reviewVersion(admin, 'iris', 1, { to: 'approved' }, deps);
    await setAlias(alice, 'iris', 'staging', { version: 1 }, deps);
    await expect(deleteModel(alice, 'iris', deps)).rejects.toThrow(ConflictError);
    await removeAlias(alice, 'iris', 'staging', deps);
    await deleteModel(alice, 'iris', deps);
    expect(deps.models.rows.size).toBe(0);
    expect(deps.versions.rows.size).toBe(0);
    expect(deps.artifacts.objects.size).toBe(0);
  });
});

describe('registerVersion', () => {
  it('numbers versions 1, 2, 3 and records checksum, size, creator and a pending status', async () => {
    const deps = setup();
    await createModel(alice, modelInput, deps);
    const first = await registerVersion(alice, 'iris', bytes, { metrics: { accuracy: 0.97 } }, deps);
    const second = await registerVersion(alice, 'iris', bytes, {}, deps);
    expect([first.version, second.version]).toEqual([1, 2]);
    expect(first).toMatchObject({
      status: 'pending',
      sizeBytes: 3,
      sha256: '039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81',
      createdBy: 'alice',
      metrics: { accuracy: 0.97 },
    });
    expect(deps.artifacts.objects.get(first.artifactKey)).toEqual(bytes);
  });

  it('refuses empty, oversized and invalid files, leaving no record and no object', async () => {
    const deps = setup(refusingValidator);
    await createModel(alice, modelInput, deps);
    await expect(registerVersion(alice, 'iris', new Uint8Array(), {}, deps)).rejects.toThrow(/empty/);
    await expect(registerVersion(alice, 'iris', new Uint8Array(1001), {}, deps)).rejects.toThrow(
      /limit is 1000/,
    );
    await expect(registerVersion(alice, 'iris', bytes, {}, deps)).rejects.toThrow(/not an ONNX model/);
    expect(deps.versions.rows.size).toBe(0);
    expect(deps.artifacts.objects.size).toBe(0);
  });

  it('removes the stored file when the version record cannot be written', async () => {
    const deps = setup();
    await createModel(alice, modelInput, deps);
    deps.versions.failNextCreate = true;
    await expect(registerVersion(alice, 'iris', bytes, {}, deps)).rejects.toThrow('write failed');
    expect(deps.artifacts.objects.size).toBe(0);
  });

  it('converts an XGBoost file: the ONNX becomes the artifact, the original is kept with its sha256', async () => {
    // Prepare
    const deps = { ...setup(), maxModelBytes: 1_000_000 };
    await createModel(alice, modelInput, deps);
    const xgboost = xgboostFixture('regression-200.bin');
    const seen: Uint8Array[] = [];
    deps.validator = {
      validate: async (file) => {
        seen.push(file);
        return acceptingValidator.validate(file);
      },
    };

    // Act
    const version = await registerVersion(alice, 'iris', xgboost, { file: { format: 'xgboost' } }, deps);

    // Assess
    const onnx = deps.artifacts.objects.get(version.artifactKey) as Uint8Array;
    expect(seen).toEqual([onnx]);
    expect(version).toMatchObject({
      framework: 'xgboost',
      sizeBytes: onnx.byteLength,
      sha256: sha256Hex(onnx),
      sourceFile: {
        format: 'xgboost',
        encoding: 'binary',
        objective: 'reg:squarederror',
        rounds: 400,
        featureNames: ['f0', 'f1', 'f2', 'f3', 'f4', 'f5'],
        sizeBytes: xgboost.byteLength,
        sha256: sha256Hex(xgboost),
      },
    });
    expect(deps.artifacts.objects.get(version.sourceFile?.key ?? '')).toEqual(xgboost);
    expect(deps.artifacts.objects.size).toBe(2);
    await expect(sourceFileDownload(alice, 'iris', 1, deps)).resolves.toEqual({
      ...version.sourceFile,
      key: undefined,
      url: `https://downloads.example/${version.sourceFile?.key}`,
      method: 'GET',
      expiresAt: '2026-11-25T12:15:00.000Z',
    });
    await expect(sourceFileDownload(bob, 'iris', 1, deps)).rejects.toThrow(NotFoundError);
    await deleteModel(alice, 'iris', deps);
    expect(deps.artifacts.objects.size).toBe(0);
  });

  it('has no source file to download for a version uploaded as ONNX (404)', async () => {
    // Prepare
    const deps = setup();
    await createModel(alice, modelInput, deps);
    await registerVersion(alice, 'iris', bytes, {}, deps);

    // Act
    const download = sourceFileDownload(alice, 'iris', 1, deps);

    // Assess
    await expect(download).rejects.toThrow(/uploaded as ONNX/);
  });

  it('removes both files of an XGBoost upload when the version record cannot be written', async () => {
    // Prepare
    const deps = { ...setup(), maxModelBytes: 1_000_000 };
    await createModel(alice, modelInput, deps);
    deps.versions.failNextCreate = true;

    // Act
    const registering = registerVersion(
      alice,
      'iris',
      xgboostFixture('regression-200.bin'),
      { file: { format: 'xgboost' } },
      deps,
    );

    // Assess
    await expect(registering).rejects.toThrow('write failed');
    expect(deps.artifacts.objects.size).toBe(0);
  });

  it('spends no version number on a failed registration: the next one takes the number', async () => {
    const deps = setup();
    await createModel(alice, modelInput, deps);
    await registerVersion(alice, 'iris', bytes, {}, deps);
    deps.versions.failNextCreate = true;
    await expect(registerVersion(alice, 'iris', bytes, {}, deps)).rejects.toThrow('write failed');
    const next = await registerVersion(alice, 'iris', bytes, {}, deps);
    expect(next.version).toBe(2);
    expect((await getModel(alice, 'iris', deps)).latestVersion).toBe(2);
    expect([...deps.artifacts.objects.keys()].sort()).toEqual(
      [...deps.versions.rows.values()].map((v) => v.artifactKey).sort(),
    );
  });

  it('takes the number after one registered meanwhile (a lost conditional put is retried)', async () => {
    const deps = setup();
    await createModel(alice, modelInput, deps);
    const create = deps.versions.create.bind(deps.versions);
    let raced = false;
    deps.versions.create = async (record) => {
      if (!raced) {
        raced = true;
        // Another registration wins this number between our read and our write.
        await create({ ...record, artifactKey: 'models/iris/other.onnx' });
      }
      return create(record);
    };
    const mine = await registerVersion(alice, 'iris', bytes, {}, deps);
    expect(mine.version).toBe(2);
  });

  it('pins the record to the object version the store reports', async () => {
    const deps = setup();
    await createModel(alice, modelInput, deps);
    deps.artifacts.put = async (key, stored) => {
      deps.artifacts.objects.set(key, stored);
      return { versionId: 'v-123' };
    };
    expect((await registerVersion(alice, 'iris', bytes, {}, deps)).artifactVersionId).toBe('v-123');
  });

  it("refuses a file that would exceed the owner's storage quota, storing nothing", async () => {
    const deps = { ...setup(), modelStorageQuotaBytes: 5 };
    await createModel(alice, modelInput, deps);
    await registerVersion(alice, 'iris', bytes, {}, deps);
    const refused = registerVersion(alice, 'iris', bytes, {}, deps);
    await expect(refused).rejects.toThrow(QuotaExceededError);
    await expect(refused).rejects.toMatchObject({
      status: 409,
      details: { quota: 'modelStorageBytes', limit: 5, used: 3 },
    });
    expect(deps.versions.rows.size).toBe(1);
    expect(deps.artifacts.objects.size).toBe(1);
    // Another owner's bytes do not count against alice.
    await createModel(bob, { ...modelInput, name: 'bobs' }, deps);
    await expect(registerVersion(bob, 'bobs', bytes, {}, deps)).resolves.toMatchObject({ version: 1 });
  });

  it("refuses versions on another user's model with 404", async () => {
    const deps = setup();
    await createModel(alice, modelInput, deps);
    await expect(registerVersion(bob, 'iris', bytes, {}, deps)).rejects.toThrow(NotFoundError);
  });
});

describe('presigned uploads', () => {
  it('commits an uploaded file as a version and cleans up the staging object', async () => {
    const deps = setup();
    await createModel(alice, modelInput, deps);
    const upload = await startUpload(alice, 'iris', { sizeBytes: 3 }, deps);
    const staging = deps.uploads.rows.get(upload.uploadId)?.stagingKey ?? '';
    await expect(commitUpload(alice, 'iris', upload.uploadId, {}, deps)).rejects.toThrow(
      /Nothing has been uploaded/,
    );
    await deps.artifacts.put(staging, bytes);
    const version = await commitUpload(alice, 'iris', upload.uploadId, {}, deps);
    expect(version.version).toBe(1);
    expect(deps.artifacts.objects.has(staging)).toBe(false);
    expect(deps.uploads.rows.size).toBe(0);
    await expect(commitUpload(alice, 'iris', upload.uploadId, {}, deps)).rejects.toThrow(NotFoundError);
  });

  it('refuses to start an upload declared over the size limit', async () => {
    const deps = setup();
    await createModel(alice, modelInput, deps);
    await expect(startUpload(alice, 'iris', { sizeBytes: 1001 }, deps)).rejects.toThrow(PayloadTooLargeError);
    expect(deps.uploads.rows.size).toBe(0);
  });

  it('refuses a commit whose stored file is not the size declared (what holds without signatures)', async () => {
    const deps = setup();
    await createModel(alice, modelInput, deps);
    const upload = await startUpload(alice, 'iris', { sizeBytes: 2 }, deps);
    await deps.artifacts.put(deps.uploads.rows.get(upload.uploadId)?.stagingKey ?? '', bytes);
    await expect(commitUpload(alice, 'iris', upload.uploadId, {}, deps)).rejects.toThrow(
      /not the 2 declared/,
    );
    expect(deps.artifacts.objects.size).toBe(0);
    expect(deps.versions.rows.size).toBe(0);
  });

  it('deletes a rejected upload too', async () => {
    const deps = setup(refusingValidator);
    await createModel(alice, modelInput, deps);
    const upload = await startUpload(alice, 'iris', { sizeBytes: 3 }, deps);
    await deps.artifacts.put(deps.uploads.rows.get(upload.uploadId)?.stagingKey ?? '', bytes);
    await expect(commitUpload(alice, 'iris', upload.uploadId, {}, deps)).rejects.toThrow(UnprocessableError);
    expect(deps.artifacts.objects.size).toBe(0);
    expect(deps.versions.rows.size).toBe(0);
  });
});

describe('reviewVersion', () => {
  it('lets admins alone approve or reject, keeping every change in the audit trail', async () => {
    const deps = setup();
    await createModel(alice, modelInput, deps);
    await registerVersion(alice, 'iris', bytes, {}, deps);
    await expect(reviewVersion(alice, 'iris', 1, { to: 'approved' }, deps)).rejects.toThrow(ForbiddenError);
    await reviewVersion(admin, 'iris', 1, { to: 'approved', comment: 'looks good' }, deps);
    const rejected = await reviewVersion(admin, 'iris', 1, { to: 'rejected', comment: 'drifted' }, deps);
    expect(rejected.auditTrail.map((e) => [e.from, e.to, e.by])).toEqual([
      [null, 'pending', 'alice'],
      ['pending', 'approved', 'admin'],
      ['approved', 'rejected', 'admin'],
    ]);
    await expect(reviewVersion(admin, 'iris', 1, { to: 'rejected' }, deps)).rejects.toThrow(
      UnprocessableError,
    );
  });

  it('refuses to reject a version an alias points at', async () => {
    const deps = setup();
    await createModel(alice, modelInput, deps);
    await registerVersion(alice, 'iris', bytes, {}, deps);
    await reviewVersion(admin, 'iris', 1, { to: 'approved' }, deps);
    await setAlias(admin, 'iris', 'production', { version: 1 }, deps);
    await expect(reviewVersion(admin, 'iris', 1, { to: 'rejected', comment: 'x' }, deps)).rejects.toThrow(
      ConflictError,
    );
  });
});

describe('aliases', () => {
  async function withVersions(count: number, approve: number[]) {
    const deps = setup();
    await createModel(alice, modelInput, deps);
    for (let i = 0; i < count; i += 1) await registerVersion(alice, 'iris', bytes, {}, deps);
    for (const v of approve) await reviewVersion(admin, 'iris', v, { to: 'approved' }, deps);
    return deps;
  }

  it('points only at approved versions, and production only by admins', async () => {
    const deps = await withVersions(2, [1]);
    await expect(setAlias(alice, 'iris', 'staging', { version: 2 }, deps)).rejects.toThrow(/pending/);
    await expect(setAlias(alice, 'iris', 'production', { version: 1 }, deps)).rejects.toThrow(ForbiddenError);
    await expect(setAlias(bob, 'iris', 'staging', { version: 1 }, deps)).rejects.toThrow(NotFoundError);
    const model = await setAlias(admin, 'iris', 'production', { version: 1 }, deps);
    expect(model.aliases.production?.routes).toEqual([{ version: 1, weight: 100 }]);
  });

  it('checks a split: each version once, weights summing to 100', () => {
    expect(() =>
      aliasRoutes({
        split: [
          { version: 1, weight: 50 },
          { version: 2, weight: 40 },
        ],
      }),
    ).toThrow(/sum to 90/);
    expect(() =>
      aliasRoutes({
        split: [
          { version: 1, weight: 50 },
          { version: 1, weight: 50 },
        ],
      }),
    ).toThrow(/once/);
    expect(
      aliasRoutes({
        split: [
          { version: 2, weight: 10 },
          { version: 1, weight: 90 },
        ],
      }),
    ).toEqual([
      { version: 1, weight: 90 },
      { version: 2, weight: 10 },
    ]);
  });

  it('routes a split by weight, sticky per routing key', () => {
    const routes = [
      { version: 1, weight: 90 },
      { version: 2, weight: 10 },
    ];
    const counts = { 1: 0, 2: 0 } as Record<number, number>;
    for (let i = 0; i < 10_000; i += 1) {
      const v = pickRoute('production', routes, `user-${i}`);
      counts[v] = (counts[v] ?? 0) + 1;
    }
    expect(counts[2]).toBeGreaterThan(800);
    expect(counts[2]).toBeLessThan(1200);
    for (let i = 0; i < 50; i += 1) {
      expect(pickRoute('production', routes, 'user-7')).toBe(pickRoute('production', routes, 'user-7'));
    }
    expect(pickRoute('production', routes, undefined, () => 0.95)).toBe(2);
    expect(pickRoute('production', routes, undefined, () => 0.5)).toBe(1);
  });

  it('serves production by default, else the newest version; a version or alias on request', async () => {
    const deps = await withVersions(3, [1, 2]);
    expect((await resolveServingVersion(alice, 'iris', {}, deps)).version.version).toBe(3);
    await setAlias(admin, 'iris', 'production', { version: 1 }, deps);
    const viaProduction = await resolveServingVersion(alice, 'iris', {}, deps);
    expect([viaProduction.version.version, viaProduction.alias]).toEqual([1, 'production']);
    expect((await resolveServingVersion(alice, 'iris', { version: 2 }, deps)).version.version).toBe(2);
    await expect(resolveServingVersion(alice, 'iris', { alias: 'canary' }, deps)).rejects.toThrow(
      NotFoundError,
    );
    await expect(resolveServingVersion(alice, 'iris', { version: 9 }, deps)).rejects.toThrow(NotFoundError);
    await expect(resolveServingVersion(bob, 'iris', {}, deps)).rejects.toThrow(NotFoundError);
  });
});
