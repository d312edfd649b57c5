/**
 * A small seeded PRNG for everything in training that must be random yet reproducible (splits,
 * folds, subsampling): xoshiro128** (Blackman & Vigna), its 128-bit state filled from the seed by
 * splitmix32. Same seed, same sequence, on every platform: only 32-bit integer arithmetic.
 */

const TWO_POW_32 = 0x1_0000_0000;
const TWO_POW_53 = 2 ** 53;

function rotl(value: number, shift: number): number {
  return (value << shift) | (value >>> (32 - shift));
}

/** splitmix32 step: returns the next state and its mixed output (both uint32). */
function splitmix32(state: number): [next: number, output: number] {
  const next = (state + 0x9e3779b9) >>> 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [next, z >>> 0];
}

/**
 * Seeded pseudo-random numbers (not for cryptography).
 *
 * @example
 * const random = new Random(42);
 * random.next(); // a float in [0, 1)
 * random.int(10); // an integer in [0, 10)
 * random.shuffle(Int32Array.of(0, 1, 2, 3)); // the same permutation for seed 42, every time
 */
export class Random {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  /** @param seed any safe integer (negative too); both 32-bit halves feed the state. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`The seed must be a safe integer, got ${seed}.`);
    const low = seed >>> 0;
    const high = Math.floor(seed / TWO_POW_32) >>> 0;
    let state = (low ^ Math.imul(high, 0x9e3779b1)) >>> 0;
    let output = 0;
    [state, output] = splitmix32(state);
    this.#s0 = output;
    [state, output] = splitmix32(state);
    this.#s1 = output;
    [state, output] = splitmix32(state ^ high);
    this.#s2 = output;
    [state, output] = splitmix32(state);
    this.#s3 = output;
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1;
  }

  /** The next uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s0 = this.#s0;
    const s1 = this.#s1;
    const s2 = this.#s2 ^ s0;
    const s3 = this.#s3 ^ s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.#s1 = s1 ^ s2;
    this.#s0 = s0 ^ s3;
    this.#s2 = s2 ^ t;
    this.#s3 = rotl(s3, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  next(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67_108_864 + low) / TWO_POW_53;
  }

  /** A uniform integer in [0, n), without modulo bias; `n` an integer in [1, 2^32]. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`int(n) needs an integer n in [1, 2^32], got ${n}.`);
    }
    // Reject the last partial block of 2^32 so every residue is equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let value = this.nextUint32();
    while (value >= limit) value = this.nextUint32();
    return value % n;
  }

  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle(values: Int32Array): Int32Array {
    for (let i = values.length - 1; i > 0; i -= 1) {
      const j = this.int(i + 1);
      const swap = values[i] as number;
      values[i] = values[j] as number;
      values[j] = swap;
    }
    return values;
  }
}
