/**
 * Dataset files in S3: presigned uploads, streamed reads (the SDK's Body stream, never the whole
 * object in memory) and server-side copies to the immutable per-version key.
 */
import {
  CopyObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { DatasetObjectStore, OpenedObject } from '#core/datasets/ports.ts';
import { ConflictError } from '#core/errors.ts';
import { S3BlobStore } from './blob-store.ts';

export class S3DatasetObjectStore implements DatasetObjectStore {
  readonly #client: S3Client;
  readonly #blobs: S3BlobStore;

  constructor(client: S3Client, bucket: string) {
    this.#client = client;
    this.#blobs = new S3BlobStore(client, bucket);
  }

  get bucket(): string {
    return this.#blobs.bucket;
  }

  presignedUploadUrl(key: string, expiresInSeconds: number, sizeBytes: number): Promise<string> {
    return this.#blobs.presignedUploadUrl(key, expiresInSeconds, sizeBytes);
  }

  size(key: string): Promise<number | undefined> {
    return this.#blobs.size(key);
  }

  delete(key: string): Promise<void> {
    return this.#blobs.delete(key);
  }

  async open(key: string): Promise<OpenedObject | undefined> {
    try {
      const result = await this.#client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (result.Body === undefined)
        return { body: emptyBody(), ...(result.ETag ? { etag: result.ETag } : {}) };
      // In Node the SDK's Body is an IncomingMessage: an async iterable of Buffers, read with backpressure.
      const body = result.Body as unknown as AsyncIterable<Uint8Array>;
      return { body, ...(result.ETag ? { etag: result.ETag } : {}) };
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  async copy(fromKey: string, toKey: string, ifMatch?: string): Promise<void> {
    try {
      await this.#client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: toKey,
          CopySource: `${this.bucket}/${encodeURI(fromKey)}`,
          ...(ifMatch === undefined ? {} : { CopySourceIfMatch: ifMatch }),
        }),
      );
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 412) {
        throw new ConflictError(
          'The file changed while it was being checked; commit again.',
          {},
          { cause: error },
        );
      }
      throw error;
    }
  }
}

async function* emptyBody(): AsyncIterable<Uint8Array> {}
