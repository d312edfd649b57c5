/**
 * A decoder for UBJSON (Universal Binary JSON, draft 12), the format of XGBoost's `.ubj` model files:
 * big-endian numbers, objects whose keys are length-prefixed strings without a type marker, and
 * "optimized" containers (`[$d#L<count>` followed by raw float32 values). XGBoost writes its node
 * arrays that way; they come back as typed arrays (`Float32Array`, `Int32Array`, ...) rather than one
 * JavaScript number per element.
 *
 * Malformed input (a truncated file, an unknown marker, a count larger than the bytes left, nesting
 * deeper than {@link MAX_DEPTH}) throws an `UnprocessableError` naming the byte offset.
 */
import { UnprocessableError } from '../../errors.ts';

export type UbjsonTypedArray = Int8Array | Uint8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export type UbjsonValue =
  | null
  | boolean
  | number
  | string
  | UbjsonTypedArray
  | UbjsonValue[]
  | { [key: string]: UbjsonValue };

/** Deeper nesting than any XGBoost model has; bounds the recursion on hostile input. */
const MAX_DEPTH = 64;

/** Marker → element size in bytes, for the numeric markers an optimized container may carry. */
const NUMERIC_SIZES: Readonly<Record<string, number>> = { i: 1, U: 1, I: 2, l: 4, L: 8, d: 4, D: 8 };

class Reader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #text = new TextDecoder('utf-8', { fatal: true });
  offset = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.#bytes.byteLength - this.offset;
  }

  fail(problem: string): never {
    throw new UnprocessableError(`Not a valid UBJSON model file: ${problem} at byte ${this.offset}.`);
  }

  need(count: number): void {
    if (count > this.remaining) this.fail(`${count} bytes needed, ${this.remaining} left`);
  }

  marker(): string {
    this.need(1);
    const marker = String.fromCharCode(this.#bytes[this.offset] as number);
    this.offset += 1;
    return marker;
  }

  peek(): string {
    this.need(1);
    return String.fromCharCode(this.#bytes[this.offset] as number);
  }

  /** A number whose type marker has been read. */
  number(marker: string): number {
    const size = NUMERIC_SIZES[marker];
    if (size === undefined) this.fail(`"${marker}" is not a number marker`);
    this.need(size);
    const at = this.offset;
    this.offset += size;
    switch (marker) {
      case 'i':
        return this.#view.getInt8(at);
      case 'U':
        return this.#view.getUint8(at);
      case 'I':
        return this.#view.getInt16(at);
      case 'l':
        return this.#view.getInt32(at);
      case 'L': {
        const value = this.#view.getBigInt64(at);
        if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
          this.offset = at;
          this.fail(`the int64 ${value} does not fit a JavaScript number`);
        }
        return Number(value);
      }
      case 'd':
        return this.#view.getFloat32(at);
      default:
        return this.#view.getFloat64(at);
    }
  }

  /** A length or count: an integer marker and its value, not negative. */
  length(): number {
    const marker = this.marker();
    if (!'iUIlL'.includes(marker)) this.fail(`"${marker}" cannot start a length`);
    const value = this.number(marker);
    if (value < 0) this.fail(`negative length ${value}`);
    return value;
  }

  string(length: number): string {
    this.need(length);
    const at = this.offset;
    this.offset += length;
    try {
      return this.#text.decode(this.#bytes.subarray(at, at + length));
    } catch {
      this.offset = at;
      return this.fail('a string that is not UTF-8');
    }
  }

  /** `count` raw big-endian numbers of one type, as a typed array. */
  typedArray(marker: string, count: number): UbjsonTypedArray {
    const size = NUMERIC_SIZES[marker] as number;
    this.need(count * size);
    const at = this.offset;
    this.offset += count * size;
    const view = this.#view;
    switch (marker) {
      case 'i':
        return Int8Array.from(this.#bytes.subarray(at, at + count), (b) => (b << 24) >> 24);
      case 'U':
        return this.#bytes.slice(at, at + count);
      case 'I':
        return Int16Array.from({ length: count }, (_, k) => view.getInt16(at + 2 * k));
      case 'l':
        return Int32Array.from({ length: count }, (_, k) => view.getInt32(at + 4 * k));
      case 'd':
        return Float32Array.from({ length: count }, (_, k) => view.getFloat32(at + 4 * k));
      case 'D':
        return Float64Array.from({ length: count }, (_, k) => view.getFloat64(at + 8 * k));
      default: {
        // int64 elements ('L'): exact as doubles while they stay within 2^53 (counts, indices).
        const values = new Float64Array(count);
        for (let k = 0; k < count; k += 1) values[k] = Number(view.getBigInt64(at + 8 * k));
        return values;
      }
    }
  }
}

function readValue(reader: Reader, marker: string, depth: number): UbjsonValue {
  switch (marker) {
    case 'Z':
      return null;
    case 'T':
      return true;
    case 'F':
      return false;
    case 'S':
      return reader.string(reader.length());
    case 'H': {
      // High-precision number: its decimal text.
      const text = reader.string(reader.length());
      const value = Number(text);
      if (Number.isNaN(value)) reader.fail(`"${text}" is not a number`);
      return value;
    }
    case 'C':
      return reader.string(1);
    case '[':
      return arrayOf(reader, depth + 1);
    case '{':
      return objectOf(reader, depth + 1);
    default:
      if (NUMERIC_SIZES[marker] !== undefined) return reader.number(marker);
      return reader.fail(`unknown marker "${marker}"`);
  }
}

/** The optional `$<type>` and `#<count>` of a container whose `[` or `{` has been read. */
function containerHeader(reader: Reader): { type?: string; count?: number } {
  let type: string | undefined;
  if (reader.peek() === '$') {
    reader.marker();
    type = reader.marker();
    if (reader.peek() !== '#') reader.fail('a typed container without a count');
  }
  if (reader.peek() === '#') {
    reader.marker();
    return { ...(type === undefined ? {} : { type }), count: reader.length() };
  }
  return {};
}

function arrayOf(reader: Reader, depth: number): UbjsonValue {
  if (depth > MAX_DEPTH) reader.fail(`nesting deeper than ${MAX_DEPTH}`);
  const { type, count } = containerHeader(reader);
  if (count !== undefined) {
    if (type !== undefined && NUMERIC_SIZES[type] !== undefined) return reader.typedArray(type, count);
    // Each element takes at least one byte unless the type carries no payload (T, F, Z).
    if (type === undefined || !'TFZ'.includes(type)) reader.need(count);
    const items: UbjsonValue[] = [];
    for (let k = 0; k < count; k += 1) items.push(readValue(reader, type ?? reader.marker(), depth));
    return items;
  }
  const items: UbjsonValue[] = [];
  for (;;) {
    const marker = reader.marker();
    if (marker === ']') return items;
    if (marker === 'N') continue;
    items.push(readValue(reader, marker, depth));
  }
}

function objectOf(reader: Reader, depth: number): UbjsonValue {
  if (depth > MAX_DEPTH) reader.fail(`nesting deeper than ${MAX_DEPTH}`);
  const { type, count } = containerHeader(reader);
  const entries: Record<string, UbjsonValue> = {};
  const entry = () => {
    const key = reader.string(reader.length());
    const value = readValue(reader, type ?? reader.marker(), depth);
    // Own data property even for "__proto__": no prototype is ever replaced by a model file.
    Object.defineProperty(entries, key, { value, enumerable: true, writable: true, configurable: true });
  };
  if (count !== undefined) {
    reader.need(count);
    for (let k = 0; k < count; k += 1) entry();
    return entries;
  }
  for (;;) {
    const next = reader.peek();
    if (next === '}') {
      reader.marker();
      return entries;
    }
    if (next === 'N') {
      reader.marker();
      continue;
    }
    entry();
  }
}

/**
 * Decodes one UBJSON value that spans the whole of `bytes`.
 *
 * @example
 * const model = decodeUbjson(await readFile('model.ubj')) as { learner: unknown };
 */
export function decodeUbjson(bytes: Uint8Array): UbjsonValue {
  const reader = new Reader(bytes);
  let marker = reader.marker();
  while (marker === 'N') marker = reader.marker();
  const value = readValue(reader, marker, 0);
  if (reader.remaining > 0) reader.fail(`${reader.remaining} bytes after the value`);
  return value;
}
