/**
 * Objects in S3: datasets and model artifacts. Reads return bytes; large uploads go to S3 directly
 * through presigned URLs so they never pass through a Lambda's 6 MB payload.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
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
  /** Set by a versioned bucket (S3); the emulator returns none. */
  readonly versionId?: string;
}

export interface ListedObject {
  readonly key: string;
  readonly lastModified: Date;
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
    return {
      key,
      size,
      etag: result.ETag,
      contentType,
      ...(result.VersionId === undefined ? {} : { versionId: result.VersionId }),
    };
  }

  /** The object's bytes; with `versionId`, that version's, whatever was written at the key since. */
  async get(key: string, versionId?: string): Promise<Uint8Array | undefined> {
    try {
      const result = await this.#client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          ...(versionId === undefined ? {} : { VersionId: versionId }),
        }),
      );
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

  /**
   * A URL to PUT one object to. With `sizeBytes`, `content-length` is a signed header: S3 refuses
   * a body of any other length, which caps what a client can store through the URL.
   */
  async presignedUploadUrl(key: string, expiresInSeconds: number, sizeBytes?: number): Promise<string> {
    return getSignedUrl(
      this.#client,
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ...(sizeBytes === undefined ? {} : { ContentLength: sizeBytes }),
      }),
      { expiresIn: expiresInSeconds, signableHeaders: new Set(['content-length']) },
    );
  }

  /** Every object under `prefix`, page by page. */
  async *list(prefix: string): AsyncIterable<ListedObject> {
    let token: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) {
          yield { key: object.Key, lastModified: object.LastModified ?? new Date(0) };
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  /** A URL to GET one object; with `versionId`, that version's bytes whatever was written since. */
  async presignedDownloadUrl(key: string, expiresInSeconds: number, versionId?: string): Promise<string> {
    return getSignedUrl(
      this.#client,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ...(versionId === undefined ? {} : { VersionId: versionId }),
      }),
      { expiresIn: expiresInSeconds },
    );
  }

  /** Cheap reachability check for health: the bucket exists and we may access it. */
  async ping(): Promise<void> {
    await this.#client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }
}
