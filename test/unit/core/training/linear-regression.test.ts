import { describe, expect, it } from 'vitest';
import { UnprocessableError, ValidationError } from '../../../../functions/core/errors.ts';
import type { LinearModel, TrainingMatrix } from '../../../../functions/core/training/model-contracts.ts';
import {
  choleskyInPlace,
  choleskySolve,
  linearRegressionTrainer,
  solveRegularised,
} from '../../../../functions/core/training/trainers/linear-regression.ts';
import { predictRaw } from '../../../../functions/core/training/trainers/trainer.ts';

function matrix(rows: readonly (readonly number[])[], y: readonly number[]): TrainingMatrix {
  return {
    rows: rows.length,
    cols: rows[0]?.length ?? 0,
    x: Float64Array.from(rows.flat()),
    y: Float64Array.from(y),
  };
}

async function fitLinear(data: TrainingMatrix, alpha: number): Promise<LinearModel> {
  const model = await linearRegressionTrainer.train(data, { alpha }, { seed: 0 });
  if (model.kind !== 'linear') throw new Error('expected a linear model');
  return model;
}

function values(model: LinearModel, data: TrainingMatrix): Float64Array {
  const prediction = predictRaw(model, data.x, data.rows);
  if (prediction.task !== 'regression') throw new Error('expected a regression prediction');
  return prediction.values;
}

describe('linearRegressionTrainer.train', () => {
  it('recovers an exact linear relation (OLS)', async () => {
    // Prepare: y = 2 + 3·x1 − x2, exactly.
    const xs = [
      [1, 2],
      [2, 0.5],
      [3, 4],
      [4, 3],
      [5, 5.5],
      [0.5, 1],
    ];
    const data = matrix(
      xs,
      xs.map(([a, b]) => 2 + 3 * (a as number) - (b as number)),
    );

    // Act
    const model = await fitLinear(data, 0);

    // Assess
    expect(model.algorithm).toBe('linear-regression');
    expect(model.task).toBe('regression');
    expect(model.outputs).toBe(1);
    expect(model.width).toBe(2);
    expect(model.weights[0]).toBeCloseTo(3, 12);
    expect(model.weights[1]).toBeCloseTo(-1, 12);
    expect(model.intercepts[0]).toBeCloseTo(2, 12);
    expect(model.hyperParameters).toEqual({ alpha: 0 });
  });

  it('matches the one-feature closed forms of OLS and ridge', async () => {
    // Prepare: x̄ = 2.5, ȳ = 3.5, Sxx = 5, Sxy = 4 → w = Sxy / (Sxx + alpha), b = ȳ − w·x̄.
    const data = matrix([[1], [2], [3], [4]], [2, 3, 5, 4]);

    // Act
    const ols = await fitLinear(data, 0);
    const ridge = await fitLinear(data, 1);

    // Assess
    expect(ols.weights[0]).toBeCloseTo(0.8, 12);
    expect(ols.intercepts[0]).toBeCloseTo(1.5, 12);
    expect(ridge.algorithm).toBe('ridge');
    expect(ridge.weights[0]).toBeCloseTo(2 / 3, 12);
    expect(ridge.intercepts[0]).toBeCloseTo(11 / 6, 12);
  });

  it('solves the ridge normal equations with the intercept unpenalised', async () => {
    // Prepare
    const data = matrix(
      [
        [1, 2],
        [2, 0.5],
        [3, 4],
        [4, 3],
        [5, 5.5],
        [0.5, 1],
      ],
      [3.1, 2.4, 7.9, 6.2, 11.3, 1],
    );
    const alpha = 1;

    // Act
    const model = await fitLinear(data, alpha);

    // Assess: ∂/∂b Σ r² = −2 Σ r = 0 and ∂/∂w = −2 Xᵀr + 2·alpha·w = 0, r = y − Xw − b.
    const fitted = values(model, data);
    const residuals = Array.from(data.y, (y, i) => y - (fitted[i] as number));
    expect(residuals.reduce((s, r) => s + r, 0)).toBeCloseTo(0, 12);
    for (let j = 0; j < 2; j += 1) {
      const xr = residuals.reduce((s, r, i) => s + r * (data.x[2 * i + j] as number), 0);
      expect(xr - alpha * (model.weights[j] as number)).toBeCloseTo(0, 11);
    }
    // And the values numpy's solve of the same system gives.
    expect(model.weights[0]).toBeCloseTo(0.8103042025672585, 12);
    expect(model.weights[1]).toBeCloseTo(1.3066819061016355, 12);
    expect(model.intercepts[0]).toBeCloseTo(-0.2611042729031121, 12);
  });

  it('fits collinear columns (one-hot block, duplicate, constant) with finite, minimum-norm weights', async () => {
    // Prepare: x = [a, a (duplicate), one-hot of 3 categories, 7 (constant)], y = 1 + 4a + [0, 2, −1][category].
    const categoryEffect = [0, 2, -1];
    const rows: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      const a = Math.sin(i) * 3;
      const category = i % 3;
      rows.push([a, a, category === 0 ? 1 : 0, category === 1 ? 1 : 0, category === 2 ? 1 : 0, 7]);
      y.push(1 + 4 * a + (categoryEffect[category] as number));
    }
    const data = matrix(rows, y);

    // Act
    const model = await fitLinear(data, 0);

    // Assess: the fit is exact, the duplicate shares the slope, the constant column gets 0.
    const fitted = values(model, data);
    fitted.forEach((value, i) => {
      expect(value).toBeCloseTo(y[i] as number, 6);
    });
    expect(model.weights[0]).toBeCloseTo(2, 6);
    expect(model.weights[1]).toBeCloseTo(2, 6);
    expect(model.weights[5]).toBeCloseTo(0, 9);
    const oneHot = [2, 3, 4].map((j) => model.weights[j] as number);
    expect(oneHot.reduce((s, w) => s + w, 0)).toBeCloseTo(0, 6);
    for (const w of model.weights) expect(Number.isFinite(w)).toBe(true);
  });

  it('fits the mean when there are no feature columns', async () => {
    // Act
    const model = await fitLinear(
      { rows: 3, cols: 0, x: new Float64Array(0), y: Float64Array.of(1, 2, 6) },
      0,
    );

    // Assess
    expect(model.width).toBe(0);
    expect(model.intercepts[0]).toBeCloseTo(3, 14);
  });

  it('reports non-decreasing progress ending at 1', async () => {
    // Prepare
    const reported: number[] = [];
    const data = matrix(
      Array.from({ length: 5000 }, (_, i) => [Math.cos(i), Math.sin(i)]),
      Array.from({ length: 5000 }, (_, i) => i % 7),
    );

    // Act
    await linearRegressionTrainer.train(
      data,
      {},
      {
        seed: 0,
        onProgress: (f) => {
          reported.push(f);
        },
      },
    );

    // Assess
    expect(reported.at(-1)).toBe(1);
    for (let i = 1; i < reported.length; i += 1) {
      expect(reported[i] as number).toBeGreaterThan(reported[i - 1] as number);
    }
  });

  it('rejects with an AbortError when the signal has aborted', async () => {
    // Prepare
    const controller = new AbortController();
    controller.abort(new Error('cancelled by the user'));

    // Act
    const training = linearRegressionTrainer.train(
      matrix([[1], [2]], [1, 2]),
      {},
      { seed: 0, signal: controller.signal },
    );

    // Assess
    await expect(training).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses bad hyper-parameters and data it cannot learn from', async () => {
    // Prepare
    const data = matrix([[1], [2]], [1, 2]);

    // Assess
    await expect(linearRegressionTrainer.train(data, { alpha: -1 }, { seed: 0 })).rejects.toMatchObject({
      name: 'ValidationError',
      issues: [{ field: 'hyperParameters.alpha', message: 'Must be at least 0.' }],
    });
    await expect(linearRegressionTrainer.train(data, { C: 1 }, { seed: 0 })).rejects.toThrow(ValidationError);
    await expect(linearRegressionTrainer.train(matrix([[Number.NaN]], [1]), {}, { seed: 0 })).rejects.toThrow(
      UnprocessableError,
    );
    await expect(
      linearRegressionTrainer.train({ ...data, classes: ['a', 'b'] }, {}, { seed: 0 }),
    ).rejects.toThrow(RangeError);
  });
});

describe('linearRegressionTrainer.defaultGrid', () => {
  it('offers OLS and three ridge penalties for regression, nothing for classification', () => {
    expect(linearRegressionTrainer.defaultGrid('regression')).toEqual([
      { alpha: 0 },
      { alpha: 0.1 },
      { alpha: 1 },
      { alpha: 10 },
    ]);
    expect(linearRegressionTrainer.defaultGrid('classification')).toEqual([]);
    expect(linearRegressionTrainer.tasks).toEqual(['regression']);
  });
});

describe('choleskyInPlace and choleskySolve', () => {
  it('solve a symmetric positive definite system', () => {
    // Prepare: A = [[4, 2, 0.4], [2, 5, 1], [0.4, 1, 3]], x = [1, −2, 3].
    const a = Float64Array.of(4, 2, 0.4, 2, 5, 1, 0.4, 1, 3);
    const b = Float64Array.of(4 - 4 + 1.2, 2 - 10 + 3, 0.4 - 2 + 9);

    // Act
    const ok = choleskyInPlace(a, 3);
    const x = choleskySolve(a, 3, b);

    // Assess
    expect(ok).toBe(true);
    expect(Array.from(x).map((v) => Number(v.toFixed(12)))).toEqual([1, -2, 3]);
  });

  it('fails on a singular matrix, which solveRegularised then jitters', () => {
    // Prepare: rank 1.
    const gram = Float64Array.of(1, 1, 1, 1);

    // Act
    const ok = choleskyInPlace(Float64Array.from(gram), 2, 1e-10);
    const { solution, jitter } = solveRegularised(gram, Float64Array.of(2, 2), 2, 0);

    // Assess: the minimum-norm solution of [1 1; 1 1] x = [2, 2] is [1, 1].
    expect(ok).toBe(false);
    expect(jitter).toBeGreaterThan(0);
    expect(solution[0]).toBeCloseTo(1, 6);
    expect(solution[1]).toBeCloseTo(1, 6);
  });
});
