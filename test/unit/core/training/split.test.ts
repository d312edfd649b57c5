import { describe, expect, it } from 'vitest';
import { UnprocessableError } from '../../../../functions/core/errors.ts';
import type { TrainingMatrix } from '../../../../functions/core/training/model-contracts.ts';
import { holdOutSplit, kFoldSplit, takeRows } from '../../../../functions/core/training/split.ts';

/** A classification matrix with `sizes[k]` rows of class k, interleaved; x = [row, 10·row]. */
function classified(sizes: readonly number[]): TrainingMatrix {
  const labels: number[] = [];
  const remaining = [...sizes];
  while (remaining.some((n) => n > 0)) {
    remaining.forEach((n, k) => {
      if (n > 0) {
        labels.push(k);
        remaining[k] = n - 1;
      }
    });
  }
  const rows = labels.length;
  const x = new Float64Array(rows * 2);
  for (let r = 0; r < rows; r += 1) {
    x[2 * r] = r;
    x[2 * r + 1] = 10 * r;
  }
  return { rows, cols: 2, x, y: Float64Array.from(labels), classes: sizes.map((_, k) => `c${k}`) };
}

function regression(rows: number): TrainingMatrix {
  return {
    rows,
    cols: 1,
    x: Float64Array.from({ length: rows }, (_, r) => r),
    y: Float64Array.from({ length: rows }, (_, r) => r * 2),
  };
}

function countClasses(data: TrainingMatrix, indices: Int32Array): number[] {
  const counts = new Array<number>(data.classes?.length ?? 0).fill(0);
  for (const i of indices) counts[data.y[i] as number] = (counts[data.y[i] as number] as number) + 1;
  return counts;
}

function expectPartition(split: { train: Int32Array; validation: Int32Array }, rows: number): void {
  const all = [...split.train, ...split.validation].sort((a, b) => a - b);
  expect(all).toEqual(Array.from({ length: rows }, (_, i) => i));
  for (const part of [split.train, split.validation]) {
    for (let i = 1; i < part.length; i += 1) expect(part[i] as number).toBeGreaterThan(part[i - 1] as number);
  }
}

describe('holdOutSplit', () => {
  it('keeps each class within one row of its share (stratified by default with classes)', () => {
    // Prepare
    const sizes = [50, 30, 13, 7];
    const data = classified(sizes);

    // Act
    const split = holdOutSplit(data, 0.25, { seed: 1 });

    // Assess
    expectPartition(split, data.rows);
    expect(split.validation.length).toBe(25);
    countClasses(data, split.validation).forEach((count, k) => {
      expect(Math.abs(count - (sizes[k] as number) * 0.25)).toBeLessThanOrEqual(1);
    });
  });

  it('keeps a dominant class and small ones within one row of their shares', () => {
    // Prepare
    const sizes = [500, 7, 5, 3];
    const data = classified(sizes);

    // Act
    const split = holdOutSplit(data, 0.3, { seed: 5 });

    // Assess
    expect(split.validation.length).toBe(Math.round(515 * 0.3));
    countClasses(data, split.validation).forEach((count, k) => {
      expect(Math.abs(count - (sizes[k] as number) * 0.3)).toBeLessThan(1);
    });
  });

  it('is deterministic for a seed and differs between seeds', () => {
    // Prepare
    const data = classified([40, 40]);

    // Act
    const a = holdOutSplit(data, 0.2, { seed: 9 });
    const b = holdOutSplit(data, 0.2, { seed: 9 });
    const c = holdOutSplit(data, 0.2, { seed: 10 });

    // Assess
    expect(Array.from(a.validation)).toEqual(Array.from(b.validation));
    expect(Array.from(a.validation)).not.toEqual(Array.from(c.validation));
  });

  it('leaves every class at least one training row', () => {
    // Prepare: classes of 1 and 2 rows would otherwise be held out entirely at 0.9.
    const data = classified([1, 2, 20]);

    // Act
    const split = holdOutSplit(data, 0.9, { seed: 3 });

    // Assess
    expectPartition(split, data.rows);
    for (const count of countClasses(data, split.train)) expect(count).toBeGreaterThanOrEqual(1);
  });

  it('splits a regression matrix (no classes) by plain shuffling', () => {
    // Prepare
    const data = regression(101);

    // Act
    const split = holdOutSplit(data, 0.3, { seed: 4 });

    // Assess
    expectPartition(split, 101);
    expect(split.validation.length).toBe(30);
  });

  it('holds out at least one row and keeps at least one', () => {
    expect(holdOutSplit(regression(10), 0.01, { seed: 1 }).validation.length).toBe(1);
    expect(holdOutSplit(regression(10), 0.99, { seed: 1 }).train.length).toBe(1);
  });

  it('refuses a fraction outside (0, 1), too few rows, and all-singleton classes', () => {
    expect(() => holdOutSplit(regression(10), 0, { seed: 1 })).toThrow(RangeError);
    expect(() => holdOutSplit(regression(10), 1, { seed: 1 })).toThrow(RangeError);
    expect(() => holdOutSplit(regression(1), 0.5, { seed: 1 })).toThrow(UnprocessableError);
    expect(() => holdOutSplit(classified([1, 1, 1]), 0.5, { seed: 1 })).toThrow(UnprocessableError);
  });
});

describe('kFoldSplit', () => {
  it('puts each row in exactly one validation fold, stratified', () => {
    // Prepare
    const sizes = [23, 11, 6];
    const data = classified(sizes);

    // Act
    const folds = kFoldSplit(data, 5, { seed: 2 });

    // Assess
    expect(folds).toHaveLength(5);
    const seen = new Array<number>(data.rows).fill(0);
    for (const fold of folds) {
      expectPartition(fold, data.rows);
      for (const i of fold.validation) seen[i] = (seen[i] as number) + 1;
      countClasses(data, fold.validation).forEach((count, k) => {
        const share = (sizes[k] as number) / 5;
        expect(count).toBeGreaterThanOrEqual(Math.floor(share));
        expect(count).toBeLessThanOrEqual(Math.ceil(share));
      });
    }
    expect(seen.every((n) => n === 1)).toBe(true);
    const lengths = folds.map((fold) => fold.validation.length);
    expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThanOrEqual(1);
  });

  it('covers every row once without stratification, deterministically', () => {
    // Prepare
    const data = regression(17);

    // Act
    const folds = kFoldSplit(data, 4, { seed: 8 });
    const again = kFoldSplit(data, 4, { seed: 8 });

    // Assess
    const all = folds.flatMap((fold) => Array.from(fold.validation)).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 17 }, (_, i) => i));
    expect(folds.map((f) => Array.from(f.validation))).toEqual(again.map((f) => Array.from(f.validation)));
  });

  it('refuses fewer than 2 folds and more folds than rows', () => {
    expect(() => kFoldSplit(regression(10), 1, { seed: 1 })).toThrow(RangeError);
    expect(() => kFoldSplit(regression(3), 4, { seed: 1 })).toThrow(UnprocessableError);
  });
});

describe('takeRows', () => {
  it('copies the rows asked for, in order, with the classes', () => {
    // Prepare
    const data = classified([2, 2]);

    // Act
    const taken = takeRows(data, Int32Array.of(3, 0));

    // Assess
    expect(taken.rows).toBe(2);
    expect(taken.cols).toBe(2);
    expect(Array.from(taken.x)).toEqual([3, 30, 0, 0]);
    expect(Array.from(taken.y)).toEqual([data.y[3], data.y[0]]);
    expect(taken.classes).toBe(data.classes);
    expect(taken.x.buffer).not.toBe(data.x.buffer);
  });

  it('leaves classes out for regression and refuses an index out of range', () => {
    // Prepare
    const data = regression(3);

    // Assess
    expect('classes' in takeRows(data, Int32Array.of(1))).toBe(false);
    expect(() => takeRows(data, Int32Array.of(3))).toThrow(RangeError);
  });
});
