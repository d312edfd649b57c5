/**
 * PUT a file or bytes to a presigned URL with a known Content-Length (S3 refuses chunked uploads),
 * reporting bytes as they are handed to the socket (backpressure keeps that close to what was sent).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

export type UploadSource = { readonly path: string } | { readonly bytes: Uint8Array };

export interface TransferProgress {
  readonly sentBytes: number;
  readonly totalBytes: number;
}

export type ProgressCallback = (progress: TransferProgress) => void;

export async function sourceSize(source: UploadSource): Promise<number> {
  return 'bytes' in source ? source.bytes.byteLength : (await stat(source.path)).size;
}

export async function readSource(source: UploadSource): Promise<Uint8Array> {
  if ('bytes' in source) return source.bytes;
  const { readFile } = await import('node:fs/promises');
  return new Uint8Array(await readFile(source.path));
}

/**
 * @throws Error naming the status when the URL does not answer 2xx.
 * @example
 * await putToPresignedUrl(upload.uploadUrl, { path: 'rows.csv' }, ({ sentBytes }) => bar.update(sentBytes));
 */
export async function putToPresignedUrl(
  url: string,
  source: UploadSource,
  onProgress?: ProgressCallback,
): Promise<void> {
  const totalBytes = await sourceSize(source);
  const body = 'bytes' in source ? Readable.from([Buffer.from(source.bytes)]) : createReadStream(source.path);
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  await new Promise<void>((resolve, reject) => {
    const req = send(
      target,
      { method: 'PUT', headers: { 'content-length': String(totalBytes) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else {
            const text = Buffer.concat(chunks).toString('utf8').slice(0, 300);
            reject(new Error(`The upload URL answered ${status}${text ? `: ${text}` : ''}.`));
          }
        });
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    body.on('error', (error: Error) => req.destroy(error));
    let sentBytes = 0;
    onProgress?.({ sentBytes, totalBytes });
    body.on('data', (chunk: Buffer | string) => {
      sentBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      onProgress?.({ sentBytes, totalBytes });
    });
    body.pipe(req);
  });
}
