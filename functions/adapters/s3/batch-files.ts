/**
 * The batch workflow's files in S3: ranged streaming reads of the input (one chunk's bytes), small
 * JSON and part objects, and the assembly of one output object from the parts in one multipart
 * upload, which S3 shows to readers only once it completes.
 *
 * Assembly copies each part server-side (UploadPartCopy) when it can stand as a part of its own: S3
 * wants every part but the last to be at least 5 MiB. Smaller parts are read and gathered into one
 * uploaded part until it reaches that size. s3rver (the local emulator) answers UploadPartCopy with
 * NotImplemented; then that part is read and uploaded instead, so the same code assembles the same
 * bytes in both places, by server-side copy on AWS.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { BatchInputFiles, BatchTransfers } from '#core/batch/batch-jobs.ts';
import type { BatchFiles } from '#core/batch/pipeline.ts';

/** S3's smallest part but the last. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
const DELETE_BATCH = 1000;

interface CompletedPart {
  readonly PartNumber: number;
  readonly ETag: string;
}

export class S3BatchFiles implements BatchFiles, BatchTransfers, BatchInputFiles {
  readonly #client: S3Client;
  readonly bucket: string;
  readonly #minPartBytes: number;

  /** `minPartBytes` is S3's limit; tests lower it to assemble small parts by copy. */
  constructor(client: S3Client, bucket: string, options: { minPartBytes?: number } = {}) {
    this.#client = client;
    this.bucket = bucket;
    this.#minPartBytes = options.minPartBytes ?? MIN_PART_BYTES;
  }

  async open(
    key: string,
    range?: { start: number; end: number },
  ): Promise<AsyncIterable<Uint8Array> | undefined> {
    if (range !== undefined && range.end <= range.start) return (async function* () {})();
    try {
      const result = await this.#client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          ...(range === undefined ? {} : { Range: `bytes=${range.start}-${range.end - 1}` }),
        }),
      );
      if (result.Body === undefined) return (async function* () {})();
      // In Node the SDK's Body is an IncomingMessage: an async iterable of Buffers, read with backpressure.
      return result.Body as unknown as AsyncIterable<Uint8Array>;
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
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

  async put(key: string, body: string | Uint8Array, contentType: string): Promise<void> {
    await this.#client.send(
      // Bytes, not a string: the SDK then knows the length (an empty string reads as a stream of unknown length).
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: typeof body === 'string' ? Buffer.from(body) : body,
        ContentType: contentType,
      }),
    );
  }

  /** Undefined when there is no such object. */
  async size(key: string): Promise<number | undefined> {
    try {
      const head = await this.#client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (error instanceof NotFound || error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  async #size(key: string): Promise<number> {
    try {
      const head = await this.#client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (error instanceof NotFound || error instanceof NoSuchKey) {
        throw new Error(`The part ${key} is missing.`, { cause: error });
      }
      throw error;
    }
  }

  async concatenate(
    target: string,
    parts: readonly string[],
    options: { contentType: string; metadata: Record<string, string> },
  ): Promise<number> {
    const sizes = await Promise.all(parts.map((key) => this.#size(key)));
    const total = sizes.reduce((sum, size) => sum + size, 0);
    if (total < this.#minPartBytes) {
      // One small object: a multipart upload would be a single part anyway.
      const body = Buffer.concat(
        await Promise.all(parts.map(async (key) => (await this.get(key)) ?? new Uint8Array())),
      );
      await this.#client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: target,
          Body: body,
          ContentType: options.contentType,
          Metadata: options.metadata,
        }),
      );
      return body.byteLength;
    }
    const upload = await this.#client.send(
      new CreateMultipartUploadCommand({
        Bucket: this.bucket,
        Key: target,
        ContentType: options.contentType,
        Metadata: options.metadata,
      }),
    );
    const uploadId = upload.UploadId as string;
    try {
      const completed = await this.#uploadParts(target, uploadId, parts, sizes);
      await this.#client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: target,
          UploadId: uploadId,
          MultipartUpload: { Parts: completed },
        }),
      );
      return total;
    } catch (error) {
      await this.#client
        .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: target, UploadId: uploadId }))
        .catch(() => {
          // The bucket's lifecycle rule aborts incomplete uploads after two days anyway.
        });
      throw error;
    }
  }

  async #uploadParts(
    target: string,
    uploadId: string,
    parts: readonly string[],
    sizes: readonly number[],
  ): Promise<CompletedPart[]> {
    const completed: CompletedPart[] = [];
    let gathered: Uint8Array[] = [];
    let gatheredBytes = 0;
    const upload = async (body: Uint8Array) => {
      const PartNumber = completed.length + 1;
      const result = await this.#client.send(
        new UploadPartCommand({
          Bucket: this.bucket,
          Key: target,
          UploadId: uploadId,
          PartNumber,
          Body: body,
        }),
      );
      completed.push({ PartNumber, ETag: result.ETag as string });
    };
    const flush = async () => {
      if (gatheredBytes === 0) return;
      const body = Buffer.concat(gathered);
      gathered = [];
      gatheredBytes = 0;
      await upload(body);
    };
    const gather = async (key: string) => {
      const bytes = (await this.get(key)) ?? new Uint8Array();
      gathered.push(bytes);
      gatheredBytes += bytes.byteLength;
    };
    for (let i = 0; i < parts.length; i += 1) {
      const key = parts[i] as string;
      const size = sizes[i] as number;
      if (size === 0) continue;
      if (gatheredBytes === 0 && size >= this.#minPartBytes) {
        const PartNumber = completed.length + 1;
        const etag = await this.#copyPart(target, uploadId, PartNumber, key);
        if (etag !== undefined) {
          completed.push({ PartNumber, ETag: etag });
          continue;
        }
      }
      await gather(key);
      if (gatheredBytes >= this.#minPartBytes) await flush();
    }
    await flush();
    return completed;
  }

  /** The copied part's ETag, or undefined when the service cannot copy parts (s3rver). */
  async #copyPart(
    target: string,
    uploadId: string,
    partNumber: number,
    source: string,
  ): Promise<string | undefined> {
    try {
      const result = await this.#client.send(
        new UploadPartCopyCommand({
          Bucket: this.bucket,
          Key: target,
          UploadId: uploadId,
          PartNumber: partNumber,
          CopySource: `${this.bucket}/${encodeURI(source)}`,
        }),
      );
      return result.CopyPartResult?.ETag as string;
    } catch (error) {
      if (error instanceof S3ServiceException && error.name === 'NotImplemented') return undefined;
      throw error;
    }
  }

  /** Signed for exactly `sizeBytes` bytes: S3 refuses a body of any other length. */
  presignedUploadUrl(key: string, expiresInSeconds: number, sizeBytes: number): Promise<string> {
    return getSignedUrl(
      this.#client,
      new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentLength: sizeBytes }),
      { expiresIn: expiresInSeconds, signableHeaders: new Set(['content-length']) },
    );
  }

  presignedDownloadUrl(key: string, expiresInSeconds: number, fileName: string): Promise<string> {
    return getSignedUrl(
      this.#client,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition: `attachment; filename="${fileName}"`,
      }),
      { expiresIn: expiresInSeconds },
    );
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      await this.#client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: keys.slice(i, i + DELETE_BATCH).map((Key) => ({ Key })), Quiet: true },
        }),
      );
    }
  }
}
