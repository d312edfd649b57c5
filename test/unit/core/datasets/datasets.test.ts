/** The dataset use cases on in-memory ports: uploads, versions, ownership, commits that succeed and fail. */
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../../functions/core/auth/principal.ts';
import { type CommitDeps, commitDatasetVersion } from '../../../../functions/core/datasets/commit.ts';
import {
  getDataset,
  getDatasetVersion,
  listDatasets,
  listDatasetVersions,
  startDatasetUpload,
} from '../../../../functions/core/datasets/datasets.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
} from '../../../../functions/core/errors.ts';
import { datasetFixture } from './fixtures.ts';
import { InMemoryDatasetObjects, InMemoryDatasets, InMemoryDatasetVersions } from './in-memory-datasets.ts';

const alice: Principal = { userId: 'u-alice', username: 'alice', role: 'user', via: 'token', scope: 'full' };
const bob: Principal = { userId: 'u-bob', username: 'bob', role: 'user', via: 'token', scope: 'full' };
const admin: Principal = { userId: 'u-admin', username: 'admin', role: 'admin', via: 'token', scope: 'full' };

function setup(overrides: Pick<Partial<CommitDeps>, 'maxDatasetBytes'> = {}) {
  const deps = {
    datasets: new InMemoryDatasets(),
    versions: new InMemoryDatasetVersions(),
    objects: new InMemoryDatasetObjects(),
    maxDatasetBytes: overrides.maxDatasetBytes ?? 10_000,
    now: () => new Date('2026-11-25T12:00:00Z'),
  };
  /** Starts an upload and "PUTs" the bytes to its staging key. */
  const upload = async (
    name: string,
    bytes: Uint8Array | undefined,
    who = alice,
    format: 'csv' | 'jsonl' = 'csv',
  ) => {
    // Declared within the limit: where signatures are not enforced a client may PUT more than it declared.
    const sizeBytes = Math.min(bytes?.byteLength || 1, deps.maxDatasetBytes);
    const started = await startDatasetUpload(who, { name, format, sizeBytes }, deps);
    const record = await deps.versions.get(name, started.version);
    if (bytes !== undefined && record !== undefined) deps.objects.objects.set(record.stagingKey, bytes);
    return { started, stagingKey: record?.stagingKey ?? '' };
  };
  return { deps, upload };
}

describe('startDatasetUpload', () => {
  it('creates the dataset on first use, owned by the caller, and numbers versions from 1', async () => {
    const { deps } = setup();
    const first = await startDatasetUpload(
      alice,
      { name: 'churn', format: 'csv', sizeBytes: 10, description: 'Q3 churn' },
      deps,
    );
    expect(first).toMatchObject({
      name: 'churn',
      version: 1,
      status: 'uploading',
      method: 'PUT',
      expiresAt: '2026-11-25T13:00:00.000Z',
      commitPath: '/v1/datasets/churn/versions/1/commit',
    });
    expect(first.uploadUrl).toMatch(/^https:\/\/uploads\.example\/uploads\/churn\/v1\/[0-9a-f-]{36}\.csv$/);
    expect(deps.datasets.rows.get('churn')).toMatchObject({ ownerId: 'u-alice', description: 'Q3 churn' });
    const second = await startDatasetUpload(alice, { name: 'churn', format: 'jsonl', sizeBytes: 10 }, deps);
    expect(second).toMatchObject({ version: 2, format: 'jsonl' });
    expect((await deps.versions.get('churn', 2))?.status).toBe('uploading');
  });

  it("refuses another user's dataset name with 409, and lets admins add versions to any", async () => {
    const { deps } = setup();
    await startDatasetUpload(alice, { name: 'churn', format: 'csv', sizeBytes: 10 }, deps);
    await expect(
      startDatasetUpload(bob, { name: 'churn', format: 'csv', sizeBytes: 10 }, deps),
    ).rejects.toThrow(ConflictError);
    expect(
      (await startDatasetUpload(admin, { name: 'churn', format: 'csv', sizeBytes: 10 }, deps)).version,
    ).toBe(2);
  });

  it('refuses a declared size over the limit with 413 before taking a version number', async () => {
    const { deps } = setup({ maxDatasetBytes: 100 });
    await expect(
      startDatasetUpload(alice, { name: 'big', format: 'csv', sizeBytes: 101 }, deps),
    ).rejects.toMatchObject({ status: 413, details: { field: 'body.sizeBytes', limitBytes: 100 } });
    expect(deps.datasets.rows.size).toBe(0);
    expect(deps.versions.rows.size).toBe(0);
  });
});

describe('commitDatasetVersion', () => {
  it('profiles the file, makes the version ready and the latest, copies it to its key, drops the upload', async () => {
    // Prepare
    const { deps, upload } = setup();
    const bytes = datasetFixture('customers.csv');
    const { stagingKey } = await upload('churn', bytes);
    // Act
    const ready = await commitDatasetVersion(alice, 'churn', 1, deps);
    // Assess
    expect(ready).toMatchObject({
      status: 'ready',
      rowCount: 5,
      columnCount: 7,
      sizeBytes: bytes.byteLength,
      committedBy: 'alice',
      objectKey: 'datasets/churn/v1/data.csv',
      quality: { blocking: [], warnings: [] },
    });
    expect(ready.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(deps.objects.objects.get('datasets/churn/v1/data.csv')).toEqual(bytes);
    expect(deps.objects.objects.has(stagingKey)).toBe(false);
    const { dataset, latest } = await getDataset(alice, 'churn', deps);
    expect(dataset.latestReadyVersion).toBe(1);
    expect(latest?.profile?.columns).toHaveLength(7);
  });

  it('completes the steps after "ready" when a commit is retried after they failed', async () => {
    const { deps, upload } = setup();
    const { stagingKey } = await upload('retry', datasetFixture('customers.csv'));
    const recordReady = deps.datasets.recordReadyVersion.bind(deps.datasets);
    deps.datasets.recordReadyVersion = async () => {
      throw new Error('throttled');
    };
    await expect(commitDatasetVersion(alice, 'retry', 1, deps)).rejects.toThrow('throttled');
    expect((await deps.versions.get('retry', 1))?.status).toBe('ready');
    deps.datasets.recordReadyVersion = recordReady;
    await commitDatasetVersion(alice, 'retry', 1, deps);
    expect(deps.datasets.rows.get('retry')?.latestReadyVersion).toBe(1);
    expect(deps.objects.objects.has(stagingKey)).toBe(false);
  });

  it('answers a repeated commit of a ready version with the version', async () => {
    const { deps, upload } = setup();
    await upload('churn', datasetFixture('customers.csv'));
    const first = await commitDatasetVersion(alice, 'churn', 1, deps);
    expect(await commitDatasetVersion(alice, 'churn', 1, deps)).toEqual(first);
  });

  it('fails a file with blocking problems: 422 naming row, line and column; the version is failed, its file gone', async () => {
    const { deps, upload } = setup();
    const { stagingKey } = await upload('cities', datasetFixture('non-utf8.csv'));
    const error = await commitDatasetVersion(alice, 'cities', 1, deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessableError);
    expect((error as UnprocessableError).details).toMatchObject({
      row: 2,
      line: 3,
      field: 'city',
      column: 'city',
      byteOffset: 23,
      code: 'invalid-utf8',
      rowNumbering: expect.stringMatching(/header not counted/),
    });
    expect((error as Error).message).toMatch(
      /^Version 1 of cities cannot be used: The file is not valid UTF-8/,
    );
    const failed = await deps.versions.get('cities', 1);
    expect(failed).toMatchObject({ status: 'failed', failureReason: expect.stringMatching(/UTF-8/) });
    expect(failed?.objectKey).toBeUndefined();
    expect(failed?.profile).toBeUndefined();
    expect(deps.objects.objects.size).toBe(0);
    expect(deps.objects.objects.has(stagingKey)).toBe(false);
    // Not the latest of anything, and a second commit gives the same answer.
    expect((await getDataset(alice, 'cities', deps)).latest).toBeNull();
    await expect(commitDatasetVersion(alice, 'cities', 1, deps)).rejects.toThrow(/not valid UTF-8/);
  });

  it('answers 409 while nothing has been uploaded, and commits once the file is there', async () => {
    const { deps, upload } = setup();
    const { stagingKey } = await upload('later', undefined);
    await expect(commitDatasetVersion(alice, 'later', 1, deps)).rejects.toThrow(ConflictError);
    expect((await deps.versions.get('later', 1))?.status).toBe('uploading');
    deps.objects.objects.set(stagingKey, datasetFixture('bom.csv'));
    const ready = await commitDatasetVersion(alice, 'later', 1, deps);
    expect(ready.quality?.warnings.map((w) => w.code)).toEqual(['bom']);
  });

  it('fails a file over the size limit without reading it', async () => {
    const { deps, upload } = setup({ maxDatasetBytes: 100 });
    await upload('big', new Uint8Array(101));
    await expect(commitDatasetVersion(alice, 'big', 1, deps)).rejects.toThrow(
      /larger than the commit can check/,
    );
    expect((await deps.versions.get('big', 1))?.status).toBe('failed');
  });

  it('leaves the version uploading when reading fails for a passing reason, so committing again retries', async () => {
    const { deps, upload } = setup();
    const { stagingKey } = await upload('flaky', datasetFixture('customers.csv'));
    deps.objects.failReads = true;
    await expect(commitDatasetVersion(alice, 'flaky', 1, deps)).rejects.toThrow('connection reset');
    expect((await deps.versions.get('flaky', 1))?.status).toBe('uploading');
    expect(deps.objects.objects.has(stagingKey)).toBe(true);
    deps.objects.failReads = false;
    expect((await commitDatasetVersion(alice, 'flaky', 1, deps)).status).toBe('ready');
  });

  it('answers what a concurrent commit of the same version decided', async () => {
    const { deps, upload } = setup();
    await upload('race', datasetFixture('customers.csv'));
    deps.versions.beforeComplete = (record) => ({ ...record, status: 'ready', rowCount: 5 });
    expect(await commitDatasetVersion(alice, 'race', 1, deps)).toMatchObject({
      status: 'ready',
      rowCount: 5,
    });
  });

  it("answers 404 for another user's dataset and for a version that does not exist", async () => {
    const { deps, upload } = setup();
    await upload('private', datasetFixture('customers.csv'));
    await expect(commitDatasetVersion(bob, 'private', 1, deps)).rejects.toThrow(NotFoundError);
    await expect(commitDatasetVersion(alice, 'private', 9, deps)).rejects.toThrow(NotFoundError);
  });
});

describe('reading datasets', () => {
  it("lists the caller's datasets (admins: all, or one owner's) and hides others' behind 404", async () => {
    const { deps, upload } = setup();
    await upload('a-data', datasetFixture('customers.csv'));
    await upload('b-data', datasetFixture('customers.csv'), bob);
    expect((await listDatasets(alice, { limit: 10 }, deps)).items.map((d) => d.name)).toEqual(['a-data']);
    expect((await listDatasets(admin, { limit: 10 }, deps)).items.map((d) => d.name)).toEqual([
      'a-data',
      'b-data',
    ]);
    expect(
      (await listDatasets(admin, { limit: 10, ownerId: 'u-bob' }, deps)).items.map((d) => d.name),
    ).toEqual(['b-data']);
    await expect(listDatasets(alice, { limit: 10, ownerId: 'u-bob' }, deps)).rejects.toThrow(ForbiddenError);
    await expect(getDataset(alice, 'b-data', deps)).rejects.toThrow(NotFoundError);
    await expect(listDatasetVersions(alice, 'b-data', { limit: 10 }, deps)).rejects.toThrow(NotFoundError);
    await expect(getDatasetVersion(alice, 'b-data', 1, deps)).rejects.toThrow(NotFoundError);
    expect((await getDatasetVersion(admin, 'b-data', 1, deps)).status).toBe('uploading');
  });

  it('lists versions newest first', async () => {
    const { deps, upload } = setup();
    for (let i = 0; i < 3; i++) await upload('many', datasetFixture('customers.csv'));
    expect(
      (await listDatasetVersions(alice, 'many', { limit: 2 }, deps)).items.map((v) => v.version),
    ).toEqual([3, 2]);
  });
});
