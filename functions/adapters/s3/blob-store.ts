/**
 * Objects in S3: datasets and model artifacts. Reads return bytes; large uploads go to S3 directly
 * through presigned URLs so they never pass through a Lambda's 6 MB payload.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export interface StoredObject {
  readonly key: string;
  readonly size: number;
  readonly etag?: string;
  readonly contentType?: string;
}

export class S3BlobStore {
  readonly #client: S3Client;
  readonly bucket: string;

  constructor(client: S3Client, bucket: string) {
    this.#client = client;
    this.bucket = bucket;
  }

  async put(
    key: string,
    body: Uint8Array | string,
    contentType = 'application/octet-stream',
  ): Promise<StoredObject> {
    const result = await this.#client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
    );
    const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    return { key, size, etag: result.ETag, contentType };
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const result = await this.#client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return result.Body === undefined ? new Uint8Array() : await result.Body.transformToByteArray();
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  async head(key: string): Promise<StoredObject | undefined> {
    try {
      const result = await this.#client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size: result.ContentLength ?? 0, etag: result.ETag, contentType: result.ContentType };
    } catch (error) {
      if (error instanceof NotFound || error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async size(key: string): Promise<number | undefined> {
    return (await this.head(key))?.size;
  }

  /** A URL to PUT one object to; with a content type, the upload must send the same `content-type`. */
  async presignedUploadUrl(key: string, expiresInSeconds: number, contentType?: string): Promise<string> {
    return getSignedUrl(
      this.#client,
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ...(contentType ? { ContentType: contentType } : {}),
      }),
      { expiresIn: expiresInSeconds },
    );
  }

  async presignedDownloadUrl(key: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.#client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: expiresInSeconds,
    });
  }

  /** Cheap reachability check for health: the bucket exists and we may access it. */
  async ping(): Promise<void> {
    await this.#client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }
}
