import { describe, expect, it } from 'vitest';
import {
  FLOAT16_MAX,
  fromFloat16Bits,
  packFloat16,
  roundBufferToFloat16,
  toFloat16Bits,
  unpackFloat16,
} from '../../../../functions/core/inference/float16.ts';

describe('toFloat16Bits', () => {
  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.1, 0x2e66],
    [1 / 3, 0x3555],
    [FLOAT16_MAX, 0x7bff],
    // Halfway between 65504 and 65536 (which is past the largest exponent): ties to even, Infinity.
    [65520, 0x7c00],
    [65519, 0x7bff],
    [2 ** -14, 0x0400],
    [2 ** -24, 0x0001],
    // Exactly half the smallest subnormal: ties to even, zero.
    [2 ** -25, 0x0000],
    [1 + 2 ** -11, 0x3c00],
    [1 + 3 * 2 ** -11, 0x3c02],
    [Number.POSITIVE_INFINITY, 0x7c00],
    [Number.NaN, 0x7e00],
  ])('%d → %i', (value, bits) => {
    // Act / Assess
    expect(toFloat16Bits(value)).toBe(bits);
  });

  it('round-trips every finite FP16 pattern', () => {
    // Prepare
    const mismatches: number[] = [];

    // Act
    for (let bits = 0; bits < 0x10000; bits += 1) {
      const exponent = (bits >> 10) & 0x1f;
      if (exponent === 0x1f) continue;
      if (toFloat16Bits(fromFloat16Bits(bits)) !== bits) mismatches.push(bits);
    }

    // Assess
    expect(mismatches).toEqual([]);
  });
});

describe('float16 buffers', () => {
  it('rounds in place and reports the first value out of range', () => {
    // Prepare
    const buffer = new Float32Array([0.1, 2, 70000, 1]);

    // Act
    const overflow = roundBufferToFloat16(buffer);

    // Assess
    expect(overflow).toBe(2);
    expect(buffer[0]).toBe(fromFloat16Bits(0x2e66));
    expect(roundBufferToFloat16(new Float32Array([0.5, Number.NaN]))).toBe(-1);
  });

  it('packs values into bits and unpacks them', () => {
    // Act
    const bits = packFloat16(new Float32Array([1, -2, 0.5]));

    // Assess
    expect([...bits]).toEqual([0x3c00, 0xc000, 0x3800]);
    expect([...unpackFloat16(bits)]).toEqual([1, -2, 0.5]);
  });
});
