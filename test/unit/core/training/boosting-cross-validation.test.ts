import { describe, expect, it } from 'vitest';
import {
  bestRounds,
  crossValidateBoosting,
  lossByRound,
  truncated,
} from '../../../../functions/core/training/boosting-cross-validation.ts';
import { repeatedKFold } from '../../../../functions/core/training/cross-validation.ts';
import type { TrainingMatrix } from '../../../../functions/core/training/model-contracts.ts';
import { takeRows } from '../../../../functions/core/training/split.ts';
import { fitGradientBoosting } from '../../../../functions/core/training/trainers/gradient-boosting/gradient-boosting.ts';
import { predictRaw } from '../../../../functions/core/training/trainers/trainer.ts';

/** y = sin(3x) + noise: enough rounds help, too many overfit the noise. */
function wave(rows: number): TrainingMatrix {
  const x = Float64Array.from({ length: rows }, (_, r) => r / rows);
  const y = Float64Array.from(x, (v, r) => Math.sin(3 * v) + (((r * 7919) % 101) / 101 - 0.5));
  return { rows, cols: 1, x, y };
}

describe('lossByRound', () => {
  it('gives after round r the loss of the model truncated to r rounds', async () => {
    // Prepare
    const data = wave(200);
    const { model } = await fitGradientBoosting(
      takeRows(
        data,
        Int32Array.from({ length: 150 }, (_, i) => i),
      ),
      { maxRounds: 12, validationFraction: 0, minSamplesLeaf: 5 },
      { seed: 1 },
    );
    const validation = takeRows(
      data,
      Int32Array.from({ length: 50 }, (_, i) => 150 + i),
    );
    // Act
    const curve = lossByRound(model, validation);
    // Assess
    expect(curve).toHaveLength(12);
    for (const rounds of [1, 5, 12]) {
      const prediction = predictRaw(truncated(model, rounds), validation.x, validation.rows);
      if (prediction.task !== 'regression') throw new Error('regression expected');
      let sum = 0;
      prediction.values.forEach((v, i) => {
        sum += (v - (validation.y[i] as number)) ** 2;
      });
      expect(curve[rounds - 1]).toBeCloseTo(sum / 2 / validation.rows, 12);
    }
  });
});

describe('bestRounds', () => {
  it('takes the round count with the lowest mean loss over the folds, the first on ties', () => {
    expect(bestRounds([Float64Array.of(5, 3, 2, 2.5), Float64Array.of(5, 4, 2, 3)])).toBe(3);
    expect(bestRounds([Float64Array.of(5, 3, 2, 2.5), Float64Array.of(5, 4, 3, 1)])).toBe(4);
    expect(bestRounds([Float64Array.of(1, 1, 1)])).toBe(1);
  });
});

describe('crossValidateBoosting', () => {
  it('scores every fold with one round count, deterministically', async () => {
    const data = wave(240);
    const splits = repeatedKFold(data, 5, 1, { seed: 9 });
    const run = () =>
      crossValidateBoosting(data, { maxRounds: 60, minSamplesLeaf: 5 }, splits, { seed: 9, metric: 'r2' });
    const first = await run();
    const second = await run();
    const rounds = first.folds.map((f) => f.rounds);
    expect(new Set(rounds).size).toBe(1);
    expect(rounds[0]).toBeGreaterThan(1);
    expect(rounds[0]).toBeLessThanOrEqual(60);
    expect(first.hyperParameters).toMatchObject({ rounds: rounds[0], validationFraction: 0 });
    expect(second.folds.map((f) => f.score)).toEqual(first.folds.map((f) => f.score));
  });
});
