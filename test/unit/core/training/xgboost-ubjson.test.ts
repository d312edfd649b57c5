/**
 * The UBJSON decoder behind XGBoost's `.ubj` model files, on hand-made bytes: every marker, the
 * optimized (typed, counted) containers XGBoost writes, and malformed input.
 */
import { describe, expect, it } from 'vitest';
import { UnprocessableError } from '../../../../functions/core/errors.ts';
import { decodeUbjson } from '../../../../functions/core/training/xgboost/ubjson.ts';

/** Concatenates ASCII text and byte lists into one buffer. */
function bytes(...parts: (string | ArrayLike<number>)[]): Uint8Array {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === 'string') for (const char of part) out.push(char.charCodeAt(0));
    else out.push(...Array.from(part));
  }
  return Uint8Array.from(out);
}

/** A UBJSON key or string body: int8 length, then the text. */
const text = (value: string) => bytes('i', [value.length], value);

const float32 = (value: number) => {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value);
  return Array.from(new Uint8Array(view.buffer));
};

describe('decodeUbjson', () => {
  it('decodes scalars in big-endian order', () => {
    // Act
    const values = [
      decodeUbjson(bytes('i', [0xfe])),
      decodeUbjson(bytes('U', [0xfe])),
      decodeUbjson(bytes('I', [0x01, 0x02])),
      decodeUbjson(bytes('l', [0xff, 0xff, 0xff, 0xfe])),
      decodeUbjson(bytes('L', [0, 0, 0, 0, 0, 0, 0x01, 0x00])),
      decodeUbjson(bytes('d', float32(1.5))),
      decodeUbjson(bytes('D', [0x3f, 0xf0, 0, 0, 0, 0, 0, 0])),
      decodeUbjson(bytes('T')),
      decodeUbjson(bytes('F')),
      decodeUbjson(bytes('Z')),
      decodeUbjson(bytes('S', 'i', [6], 'h', [0xc3, 0xa9], 'llo')),
      decodeUbjson(bytes('H', text('1.25e3'))),
      decodeUbjson(bytes('C', 'x')),
    ];

    // Assess
    expect(values).toEqual([-2, 254, 258, -2, 256, 1.5, 1, true, false, null, 'héllo', 1250, 'x']);
  });

  it('decodes objects (keys without a marker) and arrays, skipping no-op markers', () => {
    // Prepare
    const input = bytes(
      '{',
      text('a'),
      'i',
      [5],
      'N',
      text('list'),
      '[',
      'i',
      [1],
      'N',
      'S',
      text('x'),
      ']',
      '}',
    );

    // Act
    const value = decodeUbjson(input);

    // Assess
    expect(value).toEqual({ a: 5, list: [1, 'x'] });
  });

  it('returns typed arrays for the optimized containers XGBoost writes', () => {
    // Prepare
    const input = bytes(
      '{',
      text('f'),
      '[$d#i',
      [2],
      float32(1.5),
      float32(-2),
      text('n'),
      '[$l#i',
      [2],
      [0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff],
      text('u'),
      '[$U#i',
      [3],
      [1, 0, 1],
      text('mixed'),
      '[#i',
      [2],
      'i',
      [7],
      'S',
      text('z'),
      text('counted'),
      '{#i',
      [1],
      text('k'),
      'T',
      '}',
    );

    // Act
    const value = decodeUbjson(input) as Record<string, unknown>;

    // Assess
    expect(value.f).toEqual(Float32Array.from([1.5, -2]));
    expect(value.n).toEqual(Int32Array.from([3, -1]));
    expect(value.u).toEqual(Uint8Array.from([1, 0, 1]));
    expect(value.mixed).toEqual([7, 'z']);
    expect(value.counted).toEqual({ k: true });
  });

  it('keeps a "__proto__" key as an own property, never as the prototype', () => {
    // Act
    const value = decodeUbjson(bytes('{', text('__proto__'), '{', text('polluted'), 'T', '}', '}')) as object;

    // Assess
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['a truncated value', bytes('l', [0, 0]), /4 bytes needed, 2 left at byte 1/],
    ['an unknown marker', bytes('[', 'q', ']'), /unknown marker "q"/],
    ['a count larger than the bytes left', bytes('[$d#l', [0x7f, 0, 0, 0]), /bytes needed/],
    ['a negative length', bytes('S', 'i', [0xff]), /negative length -1/],
    ['a length with a float marker', bytes('S', 'd', float32(1)), /"d" cannot start a length/],
    ['bytes after the value', bytes('T', 'T'), /1 bytes after the value/],
    ['an int64 beyond 2^53', bytes('L', [0x7f, 0, 0, 0, 0, 0, 0, 0]), /does not fit a JavaScript number/],
    ['a typed container without a count', bytes('[$d', 'i', [1]), /typed container without a count/],
    ['invalid UTF-8', bytes('S', 'i', [1], [0xff]), /not UTF-8/],
    ['nesting deeper than 64 levels', bytes('['.repeat(70), ']'.repeat(70)), /nesting deeper than 64/],
    ['nothing at all', new Uint8Array(), /1 bytes needed, 0 left/],
  ])('refuses %s with an UnprocessableError naming the offset', (_case, input, message) => {
    // Act
    const decoding = () => decodeUbjson(input);

    // Assess
    expect(decoding).toThrow(UnprocessableError);
    expect(decoding).toThrow(message);
  });
});
