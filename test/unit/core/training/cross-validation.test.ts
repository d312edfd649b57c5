import { describe, expect, it } from 'vitest';
import {
  CROSS_VALIDATION_MAX_ROWS,
  crossValidate,
  repeatedKFold,
  scorerFor,
  spreadOf,
  summarizeFolds,
  validationPlanFor,
} from '../../../../functions/core/training/cross-validation.ts';
import type { TrainingMatrix } from '../../../../functions/core/training/model-contracts.ts';
import { takeRows } from '../../../../functions/core/training/split.ts';
import {
  fitGradientBoosting,
  gradientBoostingTrainer,
} from '../../../../functions/core/training/trainers/gradient-boosting/gradient-boosting.ts';
import { logisticRegressionTrainer } from '../../../../functions/core/training/trainers/logistic-regression.ts';

/** `sizes[k]` rows of class k; x = one noisy column that separates the classes. */
function classified(sizes: readonly number[]): TrainingMatrix {
  const labels = sizes.flatMap((n, k) => new Array<number>(n).fill(k));
  const x = Float64Array.from(labels, (label, r) => label * 2 + ((r * 7919) % 13) / 6);
  return { rows: labels.length, cols: 1, x, y: Float64Array.from(labels), classes: sizes.map((_, k) => k) };
}

describe('validationPlanFor', () => {
  it('cross-validates below the threshold, repeating the folds on very small data', () => {
    expect(validationPlanFor(150)).toEqual({ kind: 'cross-validation', folds: 5, repeats: 3 });
    expect(validationPlanFor(999)).toEqual({ kind: 'cross-validation', folds: 5, repeats: 3 });
    expect(validationPlanFor(1_000)).toEqual({ kind: 'cross-validation', folds: 5, repeats: 1 });
    expect(validationPlanFor(CROSS_VALIDATION_MAX_ROWS - 1).kind).toBe('cross-validation');
  });

  it('keeps the hold-out from the threshold on, in rows or in rows × classes', () => {
    expect(validationPlanFor(CROSS_VALIDATION_MAX_ROWS)).toEqual({ kind: 'hold-out' });
    expect(validationPlanFor(19_999, 2).kind).toBe('cross-validation');
    expect(validationPlanFor(3_999, 10).kind).toBe('cross-validation');
    expect(validationPlanFor(4_000, 10)).toEqual({ kind: 'hold-out' });
    expect(validationPlanFor(1_000_000)).toEqual({ kind: 'hold-out' });
  });
});

describe('repeatedKFold', () => {
  it('validates every row exactly once per repeat, and trains on the others', () => {
    // Prepare
    const data = classified([40, 25, 12]);
    // Act
    const splits = repeatedKFold(data, 5, 3, { seed: 42 });
    // Assess
    expect(splits).toHaveLength(15);
    for (let repeat = 0; repeat < 3; repeat += 1) {
      const seen = new Array<number>(data.rows).fill(0);
      for (const split of splits.slice(repeat * 5, repeat * 5 + 5)) {
        for (const row of split.validation) seen[row] = (seen[row] as number) + 1;
        expect(split.train.length + split.validation.length).toBe(data.rows);
        const validation = new Set(split.validation);
        expect([...split.train].some((row) => validation.has(row))).toBe(false);
      }
      expect(seen.every((count) => count === 1)).toBe(true);
    }
  });

  it('stratifies: each fold holds floor or ceil of a class’s share', () => {
    const data = classified([40, 25, 12]);
    for (const split of repeatedKFold(data, 5, 2, { seed: 7 })) {
      const counts = [0, 0, 0];
      for (const row of split.validation) {
        const label = data.y[row] as number;
        counts[label] = (counts[label] as number) + 1;
      }
      expect(counts[0]).toBe(8);
      expect(counts[1]).toBe(5);
      expect([2, 3]).toContain(counts[2]);
    }
  });

  it('is deterministic for a seed, and the repeats shuffle differently', () => {
    const data = classified([40, 25, 12]);
    const a = repeatedKFold(data, 5, 3, { seed: 42 });
    const b = repeatedKFold(data, 5, 3, { seed: 42 });
    expect(a.map((s) => [...s.validation])).toEqual(b.map((s) => [...s.validation]));
    expect([...(a[0]?.validation ?? [])]).not.toEqual([...(a[5]?.validation ?? [])]);
    const other = repeatedKFold(data, 5, 3, { seed: 43 });
    expect(other.map((s) => [...s.validation])).not.toEqual(a.map((s) => [...s.validation]));
  });

  it('refuses a repeat count that is not a positive integer', () => {
    expect(() => repeatedKFold(classified([5, 5]), 5, 0, { seed: 1 })).toThrow(RangeError);
  });
});

describe('spreadOf', () => {
  it('gives the mean, the sample standard deviation and the standard error', () => {
    const spread = spreadOf([0.9, 1, 0.95]);
    expect(spread.mean).toBeCloseTo(0.95, 12);
    expect(spread.std).toBeCloseTo(0.05, 12);
    expect(spread.standardError).toBeCloseTo(0.05 / Math.sqrt(3), 12);
    expect(spreadOf([0.5])).toEqual({ mean: 0.5, std: 0, standardError: 0 });
  });
});

describe('crossValidate and summarizeFolds', () => {
  it('scores each fold on rows its model did not see, and summarises mean, spread and out-of-fold confusion', async () => {
    // Prepare
    const data = classified([30, 30]);
    const splits = repeatedKFold(data, 5, 2, { seed: 3 });
    // Act
    const folds = await crossValidate(logisticRegressionTrainer, data, { C: 1 }, splits, {
      seed: 3,
      score: scorerFor('accuracy'),
    });
    const { summary, metrics } = summarizeFolds(folds, 'accuracy', { folds: 5, repeats: 2 });
    // Assess
    expect(folds).toHaveLength(10);
    expect(folds.map((f) => f.validation.rows)).toEqual(splits.map((s) => s.validation.length));
    expect(summary.scores).toHaveLength(10);
    expect(summary.mean).toBeCloseTo(spreadOf(summary.scores).mean, 12);
    expect(metrics.accuracy).toBe(summary.mean);
    const confusion = metrics.confusion_matrix as number[][];
    // The first repeat's out-of-fold predictions: every row once.
    expect(confusion.flat().reduce((a, b) => a + b, 0)).toBe(60);
    expect(summary.rounds).toBeUndefined();
  });

  it('records the rounds early stopping kept on each fold for gradient boosting', async () => {
    const data = classified([60, 60]);
    const splits = repeatedKFold(data, 5, 1, { seed: 5 });
    const folds = await crossValidate(gradientBoostingTrainer, data, { maxRounds: 30 }, splits, {
      seed: 5,
      score: scorerFor('accuracy'),
    });
    const expected = await fitGradientBoosting(
      takeRows(data, splits[0]?.train ?? new Int32Array()),
      { maxRounds: 30 },
      { seed: 5 },
    );
    const { summary } = summarizeFolds(folds, 'accuracy', { folds: 5, repeats: 1 });
    expect(summary.rounds).toHaveLength(5);
    expect(summary.rounds?.[0]).toBe(expected.rounds);
  });
});
