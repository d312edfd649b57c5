/** The small dataset files of test/fixtures/datasets, as byte streams. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const directory = fileURLToPath(new URL('../../../fixtures/datasets/', import.meta.url));

export function datasetFixture(name: string): Buffer {
  return readFileSync(`${directory}${name}`);
}

/** Yields the bytes in chunks of `size`, as an S3 body would (in larger ones). */
export async function* chunked(bytes: Uint8Array, size = 5): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
