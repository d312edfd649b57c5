/**
 * A small binary container for numeric matrices: a JSON header (names, shapes) followed by the
 * Float64 data, 8-byte aligned. Feature sets are stored this way rather than as JSON, which would
 * be several times larger and slow to parse.
 */

export interface NamedArrays {
  readonly [name: string]: Float64Array;
}

export function encodeArrays(arrays: NamedArrays, meta: Record<string, unknown> = {}): Uint8Array {
  const names = Object.keys(arrays);
  const header = new TextEncoder().encode(
    JSON.stringify({ meta, arrays: names.map((name) => ({ name, length: arrays[name]?.length ?? 0 })) }),
  );
  const headerPadded = Math.ceil((4 + header.byteLength) / 8) * 8;
  const total = headerPadded + names.reduce((sum, name) => sum + (arrays[name]?.byteLength ?? 0), 0);
  const out = new Uint8Array(total);
  new DataView(out.buffer).setUint32(0, header.byteLength, true);
  out.set(header, 4);
  let offset = headerPadded;
  for (const name of names) {
    const data = arrays[name] ?? new Float64Array();
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    offset += data.byteLength;
  }
  return out;
}

export function decodeArrays(bytes: Uint8Array): {
  arrays: Record<string, Float64Array>;
  meta: Record<string, unknown>;
} {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as {
    meta: Record<string, unknown>;
    arrays: { name: string; length: number }[];
  };
  let offset = Math.ceil((4 + headerLength) / 8) * 8;
  const arrays: Record<string, Float64Array> = {};
  for (const { name, length } of header.arrays) {
    // Copy: the source buffer's offset may not be 8-byte aligned.
    arrays[name] = new Float64Array(bytes.slice(offset, offset + length * 8).buffer);
    offset += length * 8;
  }
  return { arrays, meta: header.meta };
}
