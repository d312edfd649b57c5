/**
 * The model.tar.gz reader (SageMaker's artifact holding `xgboost-model`), on archives written by
 * Python's tarfile (the fixture) and on hand-made tar headers: ustar prefixes, pax paths, GNU long
 * names, checksums and truncation.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UnprocessableError } from '../../../../functions/core/errors.ts';
import {
  fileFromModelArchive,
  readTarGz,
} from '../../../../functions/core/training/xgboost/model-archive.ts';

const fixture = fileURLToPath(new URL('../../../fixtures/xgboost/', import.meta.url));
const encode = (value: string) => new TextEncoder().encode(value);

interface TarEntry {
  readonly name: string;
  readonly data: Uint8Array;
  readonly type?: string;
  readonly prefix?: string;
}

/** A 512-byte tar header with a correct checksum (ustar magic when `prefix` is used). */
function header(entry: TarEntry, size: number): Uint8Array {
  const block = new Uint8Array(512);
  const put = (text: string, at: number) => block.set(encode(text), at);
  put(entry.name, 0);
  put('0000644\0', 100);
  put(`${size.toString(8).padStart(11, '0')}\0`, 124);
  put(entry.type ?? '0', 156);
  put('ustar\0', 257);
  put('00', 263);
  if (entry.prefix) put(entry.prefix, 345);
  put('        ', 148);
  const sum = block.reduce((total, byte) => total + byte, 0);
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

function tar(entries: readonly TarEntry[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const entry of entries) {
    blocks.push(header(entry, entry.data.byteLength));
    const padded = new Uint8Array(Math.ceil(entry.data.byteLength / 512) * 512);
    padded.set(entry.data);
    blocks.push(padded);
  }
  blocks.push(new Uint8Array(1024));
  return Buffer.concat(blocks);
}

/** A pax extended header record: "<length> <key>=<value>\n", the length counting itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length + 1;
  while (`${length}${body}`.length !== length) length += 1;
  return `${length}${body}`;
}

describe('readTarGz', () => {
  it("reads the archive Python's tarfile wrote, as SageMaker packs model.tar.gz", () => {
    // Act
    const entries = readTarGz(new Uint8Array(readFileSync(`${fixture}sagemaker-model.tar.gz`)));

    // Assess
    expect(entries.map((entry) => entry.name)).toEqual(['xgboost-model']);
    expect(Buffer.from(entries[0]?.bytes ?? [])).toEqual(readFileSync(`${fixture}binary-logistic.bin`));
  });

  it('names files by ustar prefix, pax path and GNU long name, and skips directories', () => {
    // Prepare
    const long = `${'deep/'.repeat(30)}xgboost-model`;
    const archive = gzipSync(
      tar([
        { name: 'model/', data: new Uint8Array(), type: '5' },
        { name: 'a.txt', prefix: 'opt/ml', data: encode('A') },
        { name: 'PaxHeader', type: 'x', data: encode(paxRecord('path', long)) },
        { name: 'truncated-name', data: encode('B') },
        { name: '././@LongLink', type: 'L', data: encode('gnu/long/name.bin\0') },
        { name: 'short', data: encode('C') },
      ]),
    );

    // Act
    const entries = readTarGz(archive);

    // Assess
    expect(entries.map((entry) => [entry.name, new TextDecoder().decode(entry.bytes)])).toEqual([
      ['opt/ml/a.txt', 'A'],
      [long, 'B'],
      ['gnu/long/name.bin', 'C'],
    ]);
  });

  it('reads a plain (not gzipped) tar too', () => {
    // Act
    const entries = readTarGz(tar([{ name: 'xgboost-model', data: encode('model') }]));

    // Assess
    expect(entries).toHaveLength(1);
  });

  it.each([
    [
      'a header whose checksum does not match',
      () => {
        const bytes = tar([{ name: 'xgboost-model', data: encode('model') }]);
        bytes[0] = 'y'.charCodeAt(0);
        return bytes;
      },
      /not a valid tar file \(bad header at byte 0\)/,
    ],
    ['data cut short', () => tar([{ name: 'x', data: new Uint8Array(2000) }]).slice(0, 1024), /ends early/],
    [
      'gzip that does not inflate',
      () => Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3]),
      /cannot be decompressed/,
    ],
  ])('refuses %s', (_case, archive, message) => {
    // Act
    const reading = () => readTarGz(archive());

    // Assess
    expect(reading).toThrow(UnprocessableError);
    expect(reading).toThrow(message);
  });
});

describe('fileFromModelArchive', () => {
  it('finds the file at the top level, with or without "./"', () => {
    // Prepare
    const archive = gzipSync(tar([{ name: './xgboost-model', data: encode('model') }]));

    // Act
    const bytes = fileFromModelArchive(archive, 'xgboost-model');

    // Assess
    expect(new TextDecoder().decode(bytes)).toBe('model');
  });

  it('says what the archive holds when the file is not there', () => {
    // Prepare
    const archive = gzipSync(tar([{ name: 'model.pkl', data: encode('pickle') }]));

    // Act
    const reading = () => fileFromModelArchive(archive, 'xgboost-model');

    // Assess
    expect(reading).toThrow('The model archive has no xgboost-model (it holds model.pkl).');
  });
});
