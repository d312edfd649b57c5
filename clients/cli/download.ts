/** Streams a presigned download to a file, reporting bytes as they arrive. */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { ApiError } from '../sdk/src/index.ts';

/** @returns the bytes written. */
export async function downloadToFile(
  url: string,
  path: string,
  onChunk: (chunk: Buffer, receivedBytes: number) => void = () => undefined,
): Promise<number> {
  const response = await fetch(url);
  if (!response.ok || response.body === null) {
    throw new ApiError(response.status, await response.text(), undefined);
  }
  let received = 0;
  const body = Readable.fromWeb(response.body as ReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => {
    received += chunk.byteLength;
    onChunk(chunk, received);
  });
  await pipeline(body, createWriteStream(path));
  return received;
}
