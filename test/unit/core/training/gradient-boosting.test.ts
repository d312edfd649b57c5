import { describe, expect, it } from 'vitest';
import { UnprocessableError, ValidationError } from '../../../../functions/core/errors.ts';
import { accuracy, r2 } from '../../../../functions/core/training/metrics.ts';
import type {
  TrainingMatrix,
  TreeEnsembleModel,
} from '../../../../functions/core/training/model-contracts.ts';
import { Random } from '../../../../functions/core/training/random.ts';
import {
  fitGradientBoosting,
  gradientBoostingTrainer,
} from '../../../../functions/core/training/trainers/gradient-boosting/gradient-boosting.ts';
import { trainerFor } from '../../../../functions/core/training/trainers/index.ts';
import { logisticRegressionTrainer } from '../../../../functions/core/training/trainers/logistic-regression.ts';
import {
  type ClassificationPrediction,
  predictRaw,
  type RegressionPrediction,
} from '../../../../functions/core/training/trainers/trainer.ts';

/** `rows` rows of `cols` uniform values in [−1, 1), targets from `label(row)`. */
function generate(
  rows: number,
  cols: number,
  seed: number,
  label: (row: Float64Array, random: Random) => number,
  classes?: readonly (string | number)[],
): TrainingMatrix {
  const random = new Random(seed);
  const x = new Float64Array(rows * cols);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r += 1) {
    const row = x.subarray(r * cols, (r + 1) * cols);
    for (let j = 0; j < cols; j += 1) row[j] = random.next() * 2 - 1;
    y[r] = label(row, random);
  }
  return classes === undefined ? { rows, cols, x, y } : { rows, cols, x, y, classes };
}

/** XOR of the signs of the first two columns (5 % label noise); the other columns are noise. */
const xor = (rows: number, seed: number) =>
  generate(
    rows,
    4,
    seed,
    (row, random) => {
      const label = (row[0] as number) > 0 !== (row[1] as number) > 0 ? 1 : 0;
      return random.next() < 0.05 ? 1 - label : label;
    },
    ['same', 'different'],
  );

function classify(
  model: TreeEnsembleModel | Awaited<ReturnType<typeof logisticRegressionTrainer.train>>,
  data: TrainingMatrix,
) {
  const prediction = predictRaw(model, data.x, data.rows);
  if (prediction.task !== 'classification') throw new Error('expected classification');
  return prediction as ClassificationPrediction;
}

function values(model: TreeEnsembleModel, data: TrainingMatrix) {
  const prediction = predictRaw(model, data.x, data.rows);
  if (prediction.task !== 'regression') throw new Error('expected regression');
  return (prediction as RegressionPrediction).values;
}

async function fitTrees(data: TrainingMatrix, hyperParameters: Record<string, number> = {}, seed = 1) {
  const model = await gradientBoostingTrainer.train(data, hyperParameters, { seed });
  if (model.kind !== 'trees') throw new Error('expected a tree ensemble');
  return model;
}

describe('gradientBoostingTrainer.train', () => {
  it('learns XOR, where a linear model cannot: hold-out accuracy above 0.9', async () => {
    // Prepare
    const train = xor(3000, 1);
    const test = xor(1000, 2);

    // Act
    const trees = await fitTrees(train);
    const linear = await logisticRegressionTrainer.train(train, {}, { seed: 1 });

    // Assess
    expect(accuracy(test.y, classify(trees, test).labels)).toBeGreaterThan(0.9);
    expect(accuracy(test.y, classify(linear, test).labels)).toBeLessThan(0.6);
  });

  it('fits a step function (regression): hold-out R² above 0.9', async () => {
    // Prepare: y = 3 above 0.2 in column 0, −1 below, plus 2·[column 1 > −0.5], plus noise.
    const step = (seed: number) =>
      generate(2000, 3, seed, (row, random) => {
        const base = ((row[0] as number) > 0.2 ? 3 : -1) + ((row[1] as number) > -0.5 ? 2 : 0);
        return base + (random.next() - 0.5) * 0.4;
      });
    const train = step(3);
    const test = step(4);

    // Act
    const model = await fitTrees(train);

    // Assess
    expect(model.task).toBe('regression');
    expect(model.outputs).toBe(1);
    expect(r2(test.y, values(model, test))).toBeGreaterThan(0.9);
  });

  it('fits 3 classes with one tree per class per round and softmax probabilities', async () => {
    // Prepare: the class is the sector of the angle of (column 0, column 1).
    const sectors = (seed: number) =>
      generate(
        2400,
        3,
        seed,
        (row) => {
          const angle = Math.atan2(row[1] as number, row[0] as number) + Math.PI;
          return Math.min(2, Math.floor((angle / (2 * Math.PI)) * 3));
        },
        ['a', 'b', 'c'],
      );
    const train = sectors(5);
    const test = sectors(6);

    // Act
    const model = await fitTrees(train, { maxRounds: 100 });
    const prediction = classify(model, test);

    // Assess
    expect(model.outputs).toBe(3);
    expect(model.baseScores.length).toBe(3);
    expect(model.trees.length).toBe(3 * (model.hyperParameters.rounds as number));
    expect(accuracy(test.y, prediction.labels)).toBeGreaterThan(0.9);
    for (let r = 0; r < test.rows; r += 1) {
      const row = prediction.probabilities.subarray(3 * r, 3 * r + 3);
      expect(row.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
    }
  });

  it('learns where missing values go: a column whose missingness predicts the label', async () => {
    // Prepare: class 1 rows have column 0 missing 90 % of the time, class 0 rows 10 %; the values
    // themselves and the other columns are noise.
    const missing = (seed: number) => {
      const data = generate(3000, 3, seed, (_, random) => (random.next() < 0.5 ? 1 : 0), [0, 1]);
      const random = new Random(seed + 100);
      for (let r = 0; r < data.rows; r += 1) {
        const missingShare = data.y[r] === 1 ? 0.9 : 0.1;
        if (random.next() < missingShare) data.x[r * 3] = Number.NaN;
      }
      return data;
    };
    const train = missing(7);
    const test = missing(8);

    // Act
    const model = await fitTrees(train);

    // Assess: about 0.9 is the best possible.
    expect(accuracy(test.y, classify(model, test).labels)).toBeGreaterThan(0.85);
    const firstTree = model.trees[0];
    expect(firstTree?.feature[0]).toBe(0);
    // The root sends missing values the way of class 1 (a positive leaf value below it).
    expect(firstTree?.threshold[0]).toBe(Number.POSITIVE_INFINITY);
    expect(firstTree?.missingGoesLeft[0]).toBe(0);
  });

  it('stops early once the validation loss stops improving, and keeps the best round', async () => {
    // Prepare: pure noise labels, so the validation loss is best after a few rounds.
    const data = generate(2000, 5, 9, (_, random) => (random.next() < 0.4 ? 1 : 0), [0, 1]);

    // Act
    const fit = await fitGradientBoosting(
      data,
      { maxRounds: 500, earlyStoppingRounds: 10, learningRate: 0.3 },
      { seed: 3 },
    );

    // Assess
    const losses = Array.from(fit.validationLosses);
    const best = losses.indexOf(Math.min(...losses));
    expect(fit.stoppedEarly).toBe(true);
    expect(fit.roundsTrained).toBeLessThan(500);
    expect(fit.rounds).toBe(best + 1);
    expect(fit.roundsTrained - fit.rounds).toBe(10);
    expect(fit.model.trees.length).toBe(fit.rounds);
    expect(fit.model.hyperParameters.rounds).toBe(fit.rounds);
    expect(fit.validationRows).toBe(200);
    expect(fit.trainingRows).toBe(1800);
  });

  it('fits every row for all maxRounds rounds without early stopping', async () => {
    // Prepare
    const data = xor(500, 10);

    // Act
    const fit = await fitGradientBoosting(data, { maxRounds: 12, earlyStoppingRounds: 0 }, { seed: 3 });

    // Assess
    expect(fit).toMatchObject({
      rounds: 12,
      roundsTrained: 12,
      stoppedEarly: false,
      trainingRows: 500,
      validationRows: 0,
    });
    expect(fit.validationLosses.length).toBe(0);
  });

  it('is deterministic for a seed, with row and column subsampling', async () => {
    // Prepare
    const data = xor(1500, 11);
    const hyperParameters = { subsample: 0.7, colsampleByTree: 0.5, maxRounds: 40 };

    // Act
    const first = await fitTrees(data, hyperParameters, 21);
    const again = await fitTrees(data, hyperParameters, 21);
    const other = await fitTrees(data, hyperParameters, 22);

    // Assess
    expect(again).toEqual(first);
    expect(other.trees).not.toEqual(first.trees);
  });

  it('produces the tree-ensemble contract', async () => {
    // Prepare
    const data = xor(800, 12);

    // Act
    const model = await fitTrees(data, { maxLeaves: 15, l2: 1 });

    // Assess
    expect(model).toMatchObject({
      kind: 'trees',
      algorithm: 'gradient-boosting',
      task: 'classification',
      comparison: 'leq',
      outputs: 1,
      width: 4,
      classes: ['same', 'different'],
    });
    expect(model.hyperParameters).toMatchObject({ learningRate: 0.1, maxLeaves: 15, l2: 1, maxRounds: 300 });
    expect(model.trees.length).toBe(model.hyperParameters.rounds);
    for (const tree of model.trees) {
      const leaves = Array.from(tree.feature).filter((f) => f === -1).length;
      expect(leaves).toBeLessThanOrEqual(15);
      tree.feature.forEach((f, node) => {
        if (f === -1) {
          expect(tree.left[node]).toBe(-1);
          expect(tree.right[node]).toBe(-1);
        } else {
          expect(tree.value[node]).toBe(0);
          expect(Math.fround(tree.threshold[node] as number)).toBe(tree.threshold[node]);
          expect(tree.left[node]).toBeGreaterThan(node);
          expect(tree.right[node]).toBeGreaterThan(node);
        }
      });
    }
  });

  it('reports non-decreasing progress ending at 1, and rejects with AbortError once aborted', async () => {
    // Prepare
    const data = xor(2000, 13);
    const reported: number[] = [];
    const controller = new AbortController();

    // Act
    await gradientBoostingTrainer.train(
      data,
      { maxRounds: 50, earlyStoppingRounds: 0 },
      {
        seed: 1,
        onProgress: (fraction) => {
          reported.push(fraction);
        },
      },
    );
    const aborted = gradientBoostingTrainer.train(
      data,
      { maxRounds: 1000, earlyStoppingRounds: 0 },
      {
        seed: 1,
        signal: controller.signal,
        onProgress: (fraction) => {
          if (fraction > 0.01) controller.abort(new Error('cancelled'));
        },
      },
    );

    // Assess
    expect(reported.length).toBeGreaterThan(10);
    expect(reported.at(-1)).toBe(1);
    for (let i = 1; i < reported.length; i += 1) {
      expect(reported[i]).toBeGreaterThan(reported[i - 1] as number);
    }
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects unknown and out-of-range hyper-parameters, infinite values, and one-class data', async () => {
    // Prepare
    const data = xor(100, 14);
    const infinite = {
      ...data,
      x: Float64Array.from(data.x, (v, i) => (i === 5 ? Number.POSITIVE_INFINITY : v)),
    };

    // Act / Assess
    await expect(fitTrees(data, { depth: 3 })).rejects.toMatchObject({
      issues: [{ field: 'hyperParameters.depth' }],
    });
    await expect(fitTrees(data, { maxLeaves: 1 })).rejects.toThrow(ValidationError);
    await expect(fitTrees(data, { learningRate: 0 })).rejects.toThrow(ValidationError);
    await expect(fitTrees(data, { subsample: 1.5 })).rejects.toThrow(ValidationError);
    await expect(fitTrees(data, { maxBins: 256 })).rejects.toThrow(ValidationError);
    await expect(fitTrees(infinite)).rejects.toThrow(UnprocessableError);
    await expect(fitTrees({ ...data, y: new Float64Array(100) })).rejects.toThrow(UnprocessableError);
  });

  it('trains on tiny data, without a validation split when no class has 2 rows', async () => {
    // Prepare
    const data: TrainingMatrix = {
      rows: 2,
      cols: 1,
      x: Float64Array.of(0, 1),
      y: Float64Array.of(0, 1),
      classes: [0, 1],
    };

    // Act
    const fit = await fitGradientBoosting(data, { maxRounds: 5, minSamplesLeaf: 1 }, { seed: 0 });

    // Assess
    expect(fit.validationRows).toBe(0);
    expect(fit.rounds).toBe(5);
    expect(Array.from(classify(fit.model, data).labels)).toEqual([0, 1]);
  });
});

describe('gradientBoostingTrainer.defaultGrid', () => {
  it('tries maxLeaves 15 and 31 with l2 0 and 1 at learning rate 0.1, for both tasks', () => {
    const grid = [
      { learningRate: 0.1, maxLeaves: 15, l2: 0 },
      { learningRate: 0.1, maxLeaves: 15, l2: 1 },
      { learningRate: 0.1, maxLeaves: 31, l2: 0 },
      { learningRate: 0.1, maxLeaves: 31, l2: 1 },
    ];
    expect(gradientBoostingTrainer.defaultGrid('classification')).toEqual(grid);
    expect(gradientBoostingTrainer.defaultGrid('regression')).toEqual(grid);
    expect(trainerFor('gradient-boosting', 'regression')).toBe(gradientBoostingTrainer);
  });
});
