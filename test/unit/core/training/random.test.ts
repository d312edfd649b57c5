import { describe, expect, it } from 'vitest';
import { Random } from '../../../../functions/core/training/random.ts';

describe('Random', () => {
  it('gives the same sequence for the same seed, pinned across versions', () => {
    // Prepare
    const a = new Random(42);
    const b = new Random(42);

    // Act
    const first = [a.nextUint32(), a.nextUint32(), a.nextUint32()];
    const second = [b.nextUint32(), b.nextUint32(), b.nextUint32()];

    // Assess
    expect(first).toEqual(second);
    expect(first).toEqual([2837322924, 544945897, 479756282]);
    expect(new Random(42).next()).toBe(0.6606157208001621);
  });

  it('gives different sequences for different seeds, negative and beyond 32 bits included', () => {
    // Act
    const starts = [0, 1, -1, 2 ** 32, 2 ** 40, 2 ** 40 + 1].map((seed) => new Random(seed).nextUint32());

    // Assess
    expect(new Set(starts).size).toBe(starts.length);
  });

  it('refuses a seed that is not a safe integer', () => {
    expect(() => new Random(1.5)).toThrow(RangeError);
    expect(() => new Random(Number.NaN)).toThrow(RangeError);
    expect(() => new Random(2 ** 60)).toThrow(RangeError);
  });

  describe('next', () => {
    it('stays in [0, 1) with a mean near 1/2', () => {
      // Prepare
      const random = new Random(7);
      let sum = 0;
      let min = 1;
      let max = 0;

      // Act
      for (let i = 0; i < 100_000; i += 1) {
        const value = random.next();
        sum += value;
        min = Math.min(min, value);
        max = Math.max(max, value);
      }

      // Assess
      expect(min).toBeGreaterThanOrEqual(0);
      expect(max).toBeLessThan(1);
      expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.005);
    });
  });

  describe('int', () => {
    it('draws each value of [0, n) about equally often', () => {
      // Prepare
      const random = new Random(3);
      const counts = new Array<number>(7).fill(0);

      // Act
      for (let i = 0; i < 70_000; i += 1) {
        const value = random.int(7);
        counts[value] = (counts[value] as number) + 1;
      }

      // Assess
      for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(400);
    });

    it('handles n = 1 and n = 2^32, and refuses other n', () => {
      // Prepare
      const random = new Random(5);

      // Assess
      expect(random.int(1)).toBe(0);
      expect(random.int(2 ** 32)).toBeLessThan(2 ** 32);
      expect(() => random.int(0)).toThrow(RangeError);
      expect(() => random.int(2.5)).toThrow(RangeError);
      expect(() => random.int(2 ** 32 + 1)).toThrow(RangeError);
    });
  });

  describe('shuffle', () => {
    it('permutes in place, the same way for the same seed', () => {
      // Prepare
      const values = Int32Array.from({ length: 10 }, (_, i) => i);

      // Act
      const shuffled = new Random(42).shuffle(values);

      // Assess
      expect(shuffled).toBe(values);
      expect(Array.from(shuffled)).toEqual([3, 6, 8, 7, 5, 0, 9, 2, 1, 4]);
      expect(Array.from(shuffled).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it('puts every element at every position about equally often', () => {
      // Prepare
      const random = new Random(11);
      const atFirst = new Array<number>(4).fill(0);

      // Act
      for (let i = 0; i < 40_000; i += 1) {
        const first = random.shuffle(Int32Array.of(0, 1, 2, 3))[0] as number;
        atFirst[first] = (atFirst[first] as number) + 1;
      }

      // Assess
      for (const count of atFirst) expect(Math.abs(count - 10_000)).toBeLessThan(400);
    });
  });
});
