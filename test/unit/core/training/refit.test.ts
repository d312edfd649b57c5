import { describe, expect, it } from 'vitest';
import type { TrainingMatrix } from '../../../../functions/core/training/model-contracts.ts';
import { refit, refitHyperParameters } from '../../../../functions/core/training/refit.ts';
import { gradientBoostingTrainer } from '../../../../functions/core/training/trainers/gradient-boosting/gradient-boosting.ts';
import { logisticRegressionTrainer } from '../../../../functions/core/training/trainers/logistic-regression.ts';

function classified(rows: number): TrainingMatrix {
  const y = Float64Array.from({ length: rows }, (_, r) => r % 2);
  const x = Float64Array.from({ length: rows }, (_, r) => (r % 2) + ((r * 7919) % 17) / 10);
  return { rows, cols: 1, x, y, classes: [0, 1] };
}

describe('refitHyperParameters', () => {
  it('fixes gradient boosting’s rounds to the mean the folds found, early stopping off', () => {
    expect(refitHyperParameters('gradient-boosting', { maxLeaves: 15, rounds: 99 }, [40, 52, 47])).toEqual({
      maxLeaves: 15,
      maxRounds: 46,
      earlyStoppingRounds: 0,
      validationFraction: 0,
    });
    expect(refitHyperParameters('gradient-boosting', { maxLeaves: 15 }, [0])).toMatchObject({ maxRounds: 1 });
  });

  it('keeps other candidates’ hyper-parameters as they are', () => {
    expect(refitHyperParameters('logistic-regression', { C: 0.1 })).toEqual({ C: 0.1 });
  });
});

describe('refit', () => {
  it('fits every row: the refit model differs from a fold’s and boosts the chosen rounds', async () => {
    // Prepare
    const all = classified(200);
    // Act
    const model = await refit(gradientBoostingTrainer, all, { maxLeaves: 4, maxRounds: 300 }, [7, 9], {
      seed: 1,
    });
    // Assess
    expect(model.kind).toBe('trees');
    if (model.kind !== 'trees') return;
    expect(model.trees).toHaveLength(8);
    expect(model.hyperParameters).toMatchObject({ maxRounds: 8, rounds: 8, earlyStoppingRounds: 0 });
  });

  it('gives a linear candidate the same model as training it on all rows', async () => {
    const all = classified(120);
    const refitted = await refit(logisticRegressionTrainer, all, { C: 1 }, [], { seed: 1 });
    const direct = await logisticRegressionTrainer.train(all, { C: 1 }, { seed: 1 });
    expect(refitted).toEqual(direct);
  });
});
