/** The datasets' DynamoDB repositories and S3 object store against the emulators. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbDatasetRepository } from '../../../functions/adapters/dynamodb/dataset-repository.ts';
import { DynamoDbDatasetVersionRepository } from '../../../functions/adapters/dynamodb/dataset-version-repository.ts';
import { S3DatasetObjectStore } from '../../../functions/adapters/s3/dataset-object-store.ts';
import type {
  DatasetRecord,
  DatasetVersionRecord,
} from '../../../functions/core/datasets/dataset-records.ts';
import { ConflictError, NotFoundError } from '../../../functions/core/errors.ts';
import { CursorSigner } from '../../../functions/core/pagination.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';

const cursors = new CursorSigner('integration-test-cursor-signing-key');

let emulators: TestEmulators;
let datasets: DynamoDbDatasetRepository;
let versions: DynamoDbDatasetVersionRepository;
let objects: S3DatasetObjectStore;

beforeAll(async () => {
  emulators = await startTestEmulators();
  datasets = new DynamoDbDatasetRepository(emulators.documentClient, emulators.tableNames.datasets, cursors);
  versions = new DynamoDbDatasetVersionRepository(
    emulators.documentClient,
    emulators.tableNames.datasetVersions,
    cursors,
  );
  objects = new S3DatasetObjectStore(emulators.s3, emulators.bucketNames.datasets);
});
afterAll(async () => emulators?.close());

function dataset(name: string, overrides: Partial<DatasetRecord> = {}): DatasetRecord {
  return {
    name,
    ownerId: 'owner-a',
    ownerUsername: 'a',
    description: '',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    latestVersion: 0,
    ...overrides,
  };
}

function uploading(datasetName: string, version: number): DatasetVersionRecord {
  return {
    datasetName,
    version,
    status: 'uploading',
    format: 'csv',
    description: '',
    createdBy: 'a',
    createdAt: '2026-01-01T00:00:00.000Z',
    stagingKey: `uploads/${datasetName}/v${version}/x.csv`,
    uploadExpiresAt: '2026-01-01T01:00:00.000Z',
  };
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<{ text: string; chunks: number }> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return { text: Buffer.concat(chunks).toString('utf8'), chunks: chunks.length };
}

describe('DynamoDbDatasetRepository', () => {
  it('refuses a taken name and reads a dataset back unchanged', async () => {
    await datasets.create(dataset('iris'));
    await expect(datasets.create(dataset('iris'))).rejects.toThrow(ConflictError);
    expect(await datasets.get('iris')).toEqual(dataset('iris'));
    expect(await datasets.get('nothing')).toBeUndefined();
  });

  it('hands 50 concurrent uploads 50 distinct consecutive version numbers', async () => {
    await datasets.create(dataset('busy'));
    const numbers = await Promise.all(Array.from({ length: 50 }, () => datasets.nextVersionNumber('busy')));
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    await expect(datasets.nextVersionNumber('no-such-dataset')).rejects.toThrow(NotFoundError);
  });

  it('only ever raises the latest ready version', async () => {
    await datasets.create(dataset('latest'));
    await datasets.recordReadyVersion('latest', 3, '2026-01-02T00:00:00.000Z');
    await datasets.recordReadyVersion('latest', 2, '2026-01-03T00:00:00.000Z');
    expect(await datasets.get('latest')).toMatchObject({
      latestReadyVersion: 3,
      updatedAt: '2026-01-02T00:00:00.000Z',
    });
  });

  it("lists one owner's datasets by name through the index, or everyone's, in pages", async () => {
    await datasets.create(dataset('b-owned', { ownerId: 'owner-b' }));
    await datasets.create(dataset('a-owned', { ownerId: 'owner-b' }));
    await datasets.create(dataset('c-owned', { ownerId: 'owner-b' }));
    const first = await datasets.list({ ownerId: 'owner-b' }, { limit: 2 });
    expect(first.items.map((d) => d.name)).toEqual(['a-owned', 'b-owned']);
    const second = await datasets.list({ ownerId: 'owner-b' }, { limit: 2, cursor: first.nextCursor });
    expect(second.items.map((d) => d.name)).toEqual(['c-owned']);
    expect((await datasets.list({}, { limit: 100 })).items.length).toBeGreaterThanOrEqual(6);
  });
});

describe('DynamoDbDatasetVersionRepository', () => {
  it('keeps versions unique and lists them newest first', async () => {
    for (const n of [1, 2, 3]) await versions.create(uploading('iris', n));
    await expect(versions.create(uploading('iris', 2))).rejects.toThrow(ConflictError);
    const page = await versions.list('iris', { limit: 2 });
    expect(page.items.map((v) => v.version)).toEqual([3, 2]);
    expect(
      (await versions.list('iris', { limit: 2, cursor: page.nextCursor })).items.map((v) => v.version),
    ).toEqual([1]);
    expect(await versions.get('iris', 1)).toEqual(uploading('iris', 1));
  });

  it('completes an uploading version once, storing a wide profile compressed and reading it back whole', async () => {
    await versions.create(uploading('wide', 1));
    // 1,000 columns with ten 100-character top values each: about 1.3 MB of JSON, over DynamoDB's 400 KB.
    const columns = Array.from({ length: 1000 }, (_, i) => ({
      name: `column_${i}`,
      position: i + 1,
      type: 'categorical' as const,
      typeReason: '10 distinct values',
      missing: 0,
      missingShare: 0,
      distinct: 10,
      distinctApproximate: false,
      topValues: {
        values: Array.from({ length: 10 }, (_, j) => ({
          value: `value ${j} `.padEnd(100, 'x'),
          count: 10 - j,
        })),
        approximate: false,
      },
    }));
    const profile = { rowCount: 100, columnCount: 1000, columns };
    expect(JSON.stringify(profile).length).toBeGreaterThan(1_000_000);
    const quality = {
      blocking: [],
      warnings: [{ code: 'bom' as const, severity: 'warning' as const, message: 'm', count: 1 }],
    };
    const ready = await versions.complete('wide', 1, {
      status: 'ready',
      committedAt: '2026-01-01T00:10:00.000Z',
      committedBy: 'a',
      objectKey: 'datasets/wide/v1/data.csv',
      sizeBytes: 123,
      sha256: 'f'.repeat(64),
      rowCount: 100,
      columnCount: 1000,
      profile,
      quality,
    });
    expect(ready).toMatchObject({ status: 'ready', rowCount: 100, objectKey: 'datasets/wide/v1/data.csv' });
    const read = await versions.get('wide', 1);
    expect(read?.profile).toEqual(profile);
    expect(read?.quality).toEqual(quality);
    await expect(
      versions.complete('wide', 1, { status: 'failed', committedAt: 'x', committedBy: 'a' }),
    ).rejects.toThrow(ConflictError);
  });
});

describe('S3DatasetObjectStore', () => {
  it('takes a PUT on a presigned URL, streams the object back, copies it and deletes it', async () => {
    // Prepare
    const content = `id,value\n${Array.from({ length: 20_000 }, (_, i) => `${i},${i * 2}`).join('\n')}\n`;
    const url = await objects.presignedUploadUrl('uploads/s3-test/v1/a.csv', 600, Buffer.byteLength(content));
    // Act
    const put = await fetch(url, { method: 'PUT', body: content });
    // Assess
    expect(put.status).toBe(200);
    expect(await objects.size('uploads/s3-test/v1/a.csv')).toBe(Buffer.byteLength(content));
    const opened = await objects.open('uploads/s3-test/v1/a.csv');
    expect(opened?.etag).toMatch(/^"[0-9a-f]+"$/);
    const streamed = await collect(opened?.body ?? (async function* () {})());
    expect(streamed.text).toBe(content);
    expect(streamed.chunks).toBeGreaterThan(1);
    await objects.copy('uploads/s3-test/v1/a.csv', 'datasets/s3-test/v1/data.csv', opened?.etag);
    expect(await objects.size('datasets/s3-test/v1/data.csv')).toBe(Buffer.byteLength(content));
    await objects.delete('uploads/s3-test/v1/a.csv');
    expect(await objects.size('uploads/s3-test/v1/a.csv')).toBeUndefined();
    expect(await objects.open('uploads/s3-test/v1/a.csv')).toBeUndefined();
  });
});
