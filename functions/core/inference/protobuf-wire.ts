/**
 * Just enough of the protobuf wire format to walk an ONNX file field by field without decoding it
 * whole: reading a model's signature must not turn a tree ensemble's million int64 attributes into
 * objects, and rewriting its outputs must copy every other byte (unknown and newer fields included)
 * as it was. Decoding of the few messages we need is left to onnx-proto.
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

/** One field of a message: its number, wire type, the bytes of the whole field and of its value. */
export interface WireField {
  readonly field: number;
  readonly wireType: number;
  /** Offset of the tag. */
  readonly start: number;
  /** Offset of the value (after the tag, and after the length for length-delimited fields). */
  readonly valueStart: number;
  /** Offset just past the field. */
  readonly end: number;
  /** The value of a varint field (exact up to 2^53), else 0. */
  readonly varint: number;
}

export class WireFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireFormatError';
  }
}

function readVarint(bytes: Uint8Array, offset: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = offset; i < bytes.length && i < offset + 10; i += 1) {
    const byte = bytes[i] as number;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return { value, next: i + 1 };
    scale *= 128;
  }
  throw new WireFormatError(`truncated or overlong varint at byte ${offset}`);
}

/**
 * The fields of one message, in file order. Throws WireFormatError on anything that is not a
 * well-formed protobuf message (bad wire type, field 0, a length past the end).
 */
export function readFields(bytes: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const start = offset;
    const tag = readVarint(bytes, offset);
    const field = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    if (field === 0) throw new WireFormatError(`field number 0 at byte ${start}`);
    offset = tag.next;
    let valueStart = offset;
    let varint = 0;
    switch (wireType) {
      case WIRE_VARINT: {
        const value = readVarint(bytes, offset);
        varint = value.value;
        offset = value.next;
        break;
      }
      case WIRE_FIXED64:
        offset += 8;
        break;
      case WIRE_LENGTH_DELIMITED: {
        const length = readVarint(bytes, offset);
        valueStart = length.next;
        offset = length.next + length.value;
        break;
      }
      case WIRE_FIXED32:
        offset += 4;
        break;
      default:
        throw new WireFormatError(`unsupported wire type ${wireType} at byte ${start}`);
    }
    if (offset > bytes.length) throw new WireFormatError(`field ${field} runs past the end of its message`);
    fields.push({ field, wireType, start, valueStart, end: offset, varint });
  }
  return fields;
}

const utf8 = new TextDecoder('utf-8');

export function fieldBytes(bytes: Uint8Array, field: WireField): Uint8Array {
  return bytes.subarray(field.valueStart, field.end);
}

export function fieldString(bytes: Uint8Array, field: WireField): string {
  return utf8.decode(fieldBytes(bytes, field));
}

function varintLength(value: number): number {
  let length = 1;
  let rest = value;
  while (rest >= 128) {
    rest = Math.floor(rest / 128);
    length += 1;
  }
  return length;
}

function writeVarint(target: Uint8Array, offset: number, value: number): number {
  let rest = value;
  let at = offset;
  while (rest >= 128) {
    target[at] = (rest % 128) | 0x80;
    rest = Math.floor(rest / 128);
    at += 1;
  }
  target[at] = rest;
  return at + 1;
}

/**
 * A length-delimited field whose value is the concatenation of `chunks`, as a list of chunks (the
 * tag and length first): nothing is copied until the final `concatBytes`.
 */
export function lengthDelimited(field: number, chunks: readonly Uint8Array[]): Uint8Array[] {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const tag = field * 8 + WIRE_LENGTH_DELIMITED;
  const header = new Uint8Array(varintLength(tag) + varintLength(length));
  writeVarint(header, writeVarint(header, 0, tag), length);
  return [header, ...chunks];
}

/** Concatenates chunks into one buffer (one allocation, one copy of each chunk). */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
