/**
 * IEEE 754 half precision (FP16) without Float16Array, which Node 22 lacks: a value's 16-bit
 * pattern, rounded to nearest-even straight from a double (no double rounding through float32),
 * and back. In the core a float16 tensor holds its values in a Float32Array, each one exactly
 * representable in FP16; the onnxruntime adapter packs them into the bits onnxruntime takes.
 */

/** The largest finite FP16 magnitude. */
export const FLOAT16_MAX = 65504;

const SUBNORMAL_UNIT = 2 ** -24;
const MIN_NORMAL = 2 ** -14;

function roundHalfToEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

export function toFloat16Bits(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  if (magnitude < MIN_NORMAL) {
    // Subnormal (or zero) in units of 2^-24; 1024 units carry into the smallest normal, 0x0400.
    return sign | roundHalfToEven(magnitude / SUBNORMAL_UNIT);
  }
  if (magnitude === Number.POSITIVE_INFINITY) return sign | 0x7c00;
  let exponent = Math.floor(Math.log2(magnitude));
  // log2 can be off by one next to powers of two.
  if (2 ** exponent > magnitude) exponent -= 1;
  else if (2 ** (exponent + 1) <= magnitude) exponent += 1;
  if (exponent > 15) return sign | 0x7c00;
  // A mantissa that rounds up to 1024 carries into the exponent, which the addition does by itself.
  const bits = ((exponent + 15) << 10) + roundHalfToEven((magnitude / 2 ** exponent - 1) * 1024);
  return sign | Math.min(bits, 0x7c00);
}

export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * SUBNORMAL_UNIT;
  if (exponent === 0x1f) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** `value` rounded to the nearest FP16 value (±Infinity beyond FLOAT16_MAX's rounding range). */
export const roundToFloat16 = (value: number): number => fromFloat16Bits(toFloat16Bits(value));

/**
 * Rounds every element of a float16 tensor's buffer to FP16 in place; returns the index of the
 * first value that overflows (becomes ±Infinity), or -1.
 */
export function roundBufferToFloat16(buffer: Float32Array): number {
  for (let i = 0; i < buffer.length; i += 1) {
    const value = buffer[i] as number;
    if (Number.isNaN(value)) continue;
    const rounded = roundToFloat16(value);
    if (!Number.isFinite(rounded)) return i;
    buffer[i] = rounded;
  }
  return -1;
}

/** The FP16 bit patterns of a float16 tensor's values, as onnxruntime takes them. */
export function packFloat16(values: Float32Array): Uint16Array {
  const bits = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i += 1) bits[i] = toFloat16Bits(values[i] as number);
  return bits;
}

/** A float16 tensor from onnxruntime (bit patterns) as values. */
export function unpackFloat16(bits: Uint16Array): Float32Array {
  const values = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i += 1) values[i] = fromFloat16Bits(bits[i] as number);
  return values;
}
