/** The S3 blob store against the S3 emulator: bytes must come back exactly as stored. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore } from '../../../functions/adapters/s3/blob-store.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';

let emulators: TestEmulators;
beforeAll(async () => {
  emulators = await startTestEmulators();
});
afterAll(async () => emulators?.close());

describe('S3BlobStore', () => {
  it('reads back a stored object byte for byte (no aws-chunked framing stored)', async () => {
    const store = new S3BlobStore(emulators.s3, emulators.bucketNames.models);
    const bytes = new Uint8Array(randomBytes(300_000));
    await store.put('models/m/1/model.onnx', bytes);
    const read = await store.get('models/m/1/model.onnx');
    expect(read?.byteLength).toBe(300_000);
    expect(Buffer.from(read ?? new Uint8Array()).equals(Buffer.from(bytes))).toBe(true);
    expect((await store.head('models/m/1/model.onnx'))?.size).toBe(300_000);
  });

  it('answers undefined for a missing object and forgets a deleted one', async () => {
    const store = new S3BlobStore(emulators.s3, emulators.bucketNames.datasets);
    expect(await store.get('nothing/here')).toBeUndefined();
    expect(await store.head('nothing/here')).toBeUndefined();
    await store.put('tmp/a.csv', 'x,y\n1,2\n', 'text/csv');
    await store.delete('tmp/a.csv');
    expect(await store.get('tmp/a.csv')).toBeUndefined();
  });

  it('accepts an upload through a presigned URL and serves it through another', async () => {
    const store = new S3BlobStore(emulators.s3, emulators.bucketNames.datasets);
    const body = 'sepal_length,species\n5.1,setosa\n';
    const uploadUrl = await store.presignedUploadUrl('uploads/iris.csv', 300, Buffer.byteLength(body));
    // What S3 will hold the client to: the length is a signed header.
    expect(new URL(uploadUrl).searchParams.get('X-Amz-SignedHeaders')?.split(';')).toContain(
      'content-length',
    );
    const put = await fetch(uploadUrl, { method: 'PUT', body, headers: { 'content-type': 'text/csv' } });
    expect(put.status).toBe(200);
    const download = await fetch(await store.presignedDownloadUrl('uploads/iris.csv', 300));
    expect(await download.text()).toBe(body);
  });

  it('reports a reachable bucket and fails for a missing one', async () => {
    await expect(new S3BlobStore(emulators.s3, emulators.bucketNames.models).ping()).resolves.toBeUndefined();
    await expect(new S3BlobStore(emulators.s3, 'no-such-bucket-here').ping()).rejects.toThrow();
  });
});
