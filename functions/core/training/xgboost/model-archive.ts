/**
 * Reads one file out of a SageMaker model artifact (`model.tar.gz`): gunzip with node:zlib, then walk
 * the tar headers (ustar, with the pax `path`/`size` records and GNU long names some tar tools
 * write). Only regular files are considered; each header's checksum is verified. The output of gunzip
 * is bounded, so a hostile archive cannot exhaust the function's memory.
 */
import { gunzipSync } from 'node:zlib';
import { UnprocessableError } from '../../errors.ts';

const BLOCK = 512;
/** Larger than any XGBoost model this platform trains; a bigger archive is refused. */
export const MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024;

export interface ArchiveEntry {
  readonly name: string;
  readonly bytes: Uint8Array;
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder();

function field(header: Uint8Array, start: number, length: number): string {
  const bytes = header.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return utf8.decode(end === -1 ? bytes : bytes.subarray(0, end));
}

/** An octal number field, or GNU's base-256 form (high bit of the first byte set) for large sizes. */
function numberField(header: Uint8Array, start: number, length: number): number {
  const bytes = header.subarray(start, start + length);
  if (((bytes[0] as number) & 0x80) !== 0) {
    let value = (bytes[0] as number) & 0x7f;
    for (let k = 1; k < bytes.length; k += 1) value = value * 256 + (bytes[k] as number);
    return value;
  }
  const text = latin1.decode(bytes).replace(/\0.*$/s, '').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new UnprocessableError(`The model archive has a malformed header.`);
  return Number.parseInt(text, 8);
}

function checksumMatches(header: Uint8Array): boolean {
  const stored = numberField(header, 148, 8);
  let sum = 0;
  for (let k = 0; k < BLOCK; k += 1) sum += k >= 148 && k < 156 ? 0x20 : (header[k] as number);
  return sum === stored;
}

/** The `path` and `size` records of a pax extended header. */
function paxRecords(data: Uint8Array): Record<string, string> {
  const records: Record<string, string> = {};
  const text = utf8.decode(data);
  let at = 0;
  while (at < text.length) {
    const space = text.indexOf(' ', at);
    const length = Number.parseInt(text.slice(at, space), 10);
    if (space === -1 || !Number.isInteger(length) || length <= 0) break;
    const record = text.slice(space + 1, at + length - 1);
    const equals = record.indexOf('=');
    if (equals > 0) records[record.slice(0, equals)] = record.slice(equals + 1);
    at += length;
  }
  return records;
}

function gunzip(archive: Uint8Array): Uint8Array {
  const isGzip = archive[0] === 0x1f && archive[1] === 0x8b;
  if (!isGzip) return archive;
  try {
    return gunzipSync(archive, { maxOutputLength: MAX_ARCHIVE_BYTES });
  } catch (error) {
    throw new UnprocessableError(
      `The model archive cannot be decompressed: ${(error as Error).message}.`,
      {},
      {
        cause: error,
      },
    );
  }
}

/**
 * Every regular file of a `.tar.gz` (or plain `.tar`), in archive order.
 *
 * @example
 * for (const entry of readTarGz(bytes)) console.log(entry.name, entry.bytes.byteLength);
 */
export function readTarGz(archive: Uint8Array): ArchiveEntry[] {
  const tar = gunzip(archive);
  const entries: ArchiveEntry[] = [];
  let offset = 0;
  let pending: { path?: string; size?: number } = {};
  while (offset + BLOCK <= tar.byteLength) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    if (!checksumMatches(header)) {
      throw new UnprocessableError(
        `The model archive is not a valid tar file (bad header at byte ${offset}).`,
      );
    }
    const type = String.fromCharCode(header[156] as number);
    const size = pending.size ?? numberField(header, 124, 12);
    const start = offset + BLOCK;
    if (start + size > tar.byteLength) throw new UnprocessableError('The model archive ends early.');
    const data = tar.subarray(start, start + size);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      const records = paxRecords(data);
      pending = {
        ...(records.path ? { path: records.path } : {}),
        ...(records.size ? { size: Number(records.size) } : {}),
      };
      continue;
    }
    if (type === 'L') {
      pending = { ...pending, path: field(data, 0, data.byteLength) };
      continue;
    }
    const isUstar = field(header, 257, 5) === 'ustar';
    const prefix = isUstar ? field(header, 345, 155) : '';
    const name = pending.path ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    pending = {};
    if (type === '0' || type === '\0' || type === '7') entries.push({ name, bytes: data });
  }
  return entries;
}

/**
 * The file named `name` (ignoring a leading `./`) in a model archive; an `UnprocessableError` listing
 * what the archive holds when it is not there.
 *
 * @example
 * const model = fileFromModelArchive(await store.get(key), 'xgboost-model');
 */
export function fileFromModelArchive(archive: Uint8Array, name: string): Uint8Array {
  const entries = readTarGz(archive);
  const found = entries.find((entry) => entry.name.replace(/^(\.\/)+/, '') === name);
  if (found === undefined) {
    const names = entries.map((entry) => entry.name).join(', ') || 'no files';
    throw new UnprocessableError(`The model archive has no ${name} (it holds ${names}).`);
  }
  return found.bytes;
}
