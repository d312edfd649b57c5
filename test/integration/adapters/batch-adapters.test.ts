/** The batch workflow's adapters against dynalite and s3rver. */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbBatchJobRepository } from '../../../functions/adapters/dynamodb/batch-job-repository.ts';
import { S3BatchFiles } from '../../../functions/adapters/s3/batch-files.ts';
import type { BatchJobRecord } from '../../../functions/core/batch/batch-jobs.ts';
import { CursorSigner } from '../../../functions/core/pagination.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';

let emulators: TestEmulators;
let jobs: DynamoDbBatchJobRepository;
let files: S3BatchFiles;

const job = (jobId: string): BatchJobRecord => ({
  jobId,
  ownerId: 'u1',
  ownerUsername: 'ada',
  ownerRole: 'user',
  request: {
    model: 'm',
    input: { uploadId: 'x', format: 'csv' },
    output: { format: 'csv', passthrough: [], probabilities: false },
    maxErrorRate: 0,
  },
  model: { name: 'm', version: 1, artifactKey: 'k', sha256: 'x' },
  input: { key: 'in.csv', format: 'csv' },
  status: 'PENDING',
  createdAt: '2026-12-04T10:00:00.000Z',
  updatedAt: '2026-12-04T10:00:00.000Z',
  rowsDone: 0,
  errorCount: 0,
  chunksDone: 0,
});

async function text(body: AsyncIterable<Uint8Array> | undefined): Promise<string> {
  const pieces: Buffer[] = [];
  for await (const piece of body ?? []) pieces.push(Buffer.from(piece));
  return Buffer.concat(pieces).toString('utf8');
}

beforeAll(async () => {
  emulators = await startTestEmulators();
  jobs = new DynamoDbBatchJobRepository(
    emulators.documentClient,
    emulators.tableNames.batchPredictionJobs,
    new CursorSigner('integration-test-cursor-signing-key'),
  );
  files = new S3BatchFiles(emulators.s3, emulators.bucketNames.datasets, { minPartBytes: 8 });
}, 30_000);

afterAll(async () => {
  await emulators?.close();
});

describe('DynamoDbBatchJobRepository', () => {
  it('counts a chunk once however often it is recorded, and stops counting once the job finished', async () => {
    // Prepare
    await jobs.create(job('j1'));

    // Act
    await jobs.recordChunk('j1', 0, { rows: 10, errors: 1 }, '2026-12-04T10:00:01.000Z');
    await jobs.recordChunk('j1', 0, { rows: 10, errors: 1 }, '2026-12-04T10:00:02.000Z');
    await jobs.recordChunk('j1', 1, { rows: 5, errors: 0 }, '2026-12-04T10:00:03.000Z');
    await jobs.updateIfActive('j1', { status: 'CANCELLED' });
    await jobs.recordChunk('j1', 2, { rows: 7, errors: 0 }, '2026-12-04T10:00:04.000Z');
    const stored = await jobs.get('j1');

    // Assess
    expect(stored).toMatchObject({ rowsDone: 15, errorCount: 1, chunksDone: 2, status: 'CANCELLED' });
    expect(stored).not.toHaveProperty('countedChunks');
    expect(await jobs.updateIfActive('j1', { status: 'SUCCEEDED' })).toBeUndefined();
  });

  it("lists an owner's jobs newest first", async () => {
    // Prepare
    await jobs.create({ ...job('j2'), ownerId: 'u2', createdAt: '2026-12-04T11:00:00.000Z' });
    await jobs.create({ ...job('j3'), ownerId: 'u2', createdAt: '2026-12-04T12:00:00.000Z' });

    // Act
    const first = await jobs.listByOwner('u2', { limit: 1 });
    const second = await jobs.listByOwner('u2', { limit: 1, cursor: first.nextCursor as string });

    // Assess
    expect([...first.items, ...second.items].map((j) => j.jobId)).toEqual(['j3', 'j2']);
    await expect(jobs.listByOwner('u1', { limit: 1, cursor: first.nextCursor as string })).rejects.toThrow();
  });
});

describe('S3BatchFiles', () => {
  it('reads a byte range of an object', async () => {
    // Prepare
    await files.put('in/range.csv', 'id,x\n1,2\n3,4\n', 'text/csv');

    // Act / Assess
    expect(await text(await files.open('in/range.csv', { start: 5, end: 9 }))).toBe('1,2\n');
    expect(await text(await files.open('in/range.csv'))).toBe('id,x\n1,2\n3,4\n');
    expect(await files.open('in/missing.csv')).toBeUndefined();
  });

  it('assembles one object from parts in order, byte for byte, with its metadata, in a multipart upload', async () => {
    // Prepare: parts of mixed sizes around the (lowered) minimum part size, one empty.
    const parts = ['header,a\n', 'row-1-long-enough\n', '', 'r2\n', 'r3\n', 'row-4-long-enough\n', 'é\n'];
    const keys = parts.map((_, i) => `parts/p${i}`);
    await Promise.all(parts.map((body, i) => files.put(keys[i] as string, body, 'text/csv')));

    // Act
    const size = await files.concatenate('out/all.csv', keys, {
      contentType: 'text/csv',
      metadata: { 'model-version': '3' },
    });

    // Assess
    const expected = parts.join('');
    expect(size).toBe(Buffer.byteLength(expected));
    expect(await text(await files.open('out/all.csv'))).toBe(expected);
    const head = await emulators.s3.send(
      new HeadObjectCommand({ Bucket: emulators.bucketNames.datasets, Key: 'out/all.csv' }),
    );
    expect(head.Metadata?.['model-version']).toBe('3');
  });

  it('deletes many keys at once', async () => {
    // Prepare
    await files.put('gone/a', 'a', 'text/plain');
    await files.put('gone/b', 'b', 'text/plain');

    // Act
    await files.delete(['gone/a', 'gone/b']);

    // Assess
    expect(await files.get('gone/a')).toBeUndefined();
    expect(await files.get('gone/b')).toBeUndefined();
  });
});
