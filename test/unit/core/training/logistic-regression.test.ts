import { describe, expect, it } from 'vitest';
import { UnprocessableError, ValidationError } from '../../../../functions/core/errors.ts';
import { accuracy } from '../../../../functions/core/training/metrics.ts';
import type { LinearModel, TrainingMatrix } from '../../../../functions/core/training/model-contracts.ts';
import { Random } from '../../../../functions/core/training/random.ts';
import { holdOutSplit, takeRows } from '../../../../functions/core/training/split.ts';
import {
  fitLogisticRegression,
  type LogisticProblem,
  logisticObjective,
  logisticRegressionTrainer,
} from '../../../../functions/core/training/trainers/logistic-regression.ts';
import {
  type ClassificationPrediction,
  predictRaw,
} from '../../../../functions/core/training/trainers/trainer.ts';

/** Gaussian blobs: class k centred at `separation` × a random unit-variance vector. */
function blobs(
  rows: number,
  cols: number,
  classes: number,
  separation: number,
  seed: number,
): TrainingMatrix {
  const random = new Random(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  const centres = Array.from({ length: classes }, () =>
    Array.from({ length: cols }, () => gauss() * separation),
  );
  const x = new Float64Array(rows * cols);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r += 1) {
    const k = r % classes;
    y[r] = k;
    for (let j = 0; j < cols; j += 1) x[r * cols + j] = (centres[k]?.[j] as number) + gauss();
  }
  return { rows, cols, x, y, classes: Array.from({ length: classes }, (_, k) => `class-${k}`) };
}

const tiny = {
  x: [
    [0.5, 1.2],
    [-1, 0.3],
    [1.5, -0.7],
    [0.2, 0.9],
    [-0.8, -1.1],
    [1.1, 0.4],
    [-0.3, -0.2],
    [0.9, 1.6],
    [-1.4, 0.8],
  ],
  binary: [1, 0, 1, 0, 0, 1, 1, 1],
  multiclass: [2, 0, 1, 2, 0, 1, 0, 2, 2],
};

function tinyMatrix(labels: readonly number[], classes: number): TrainingMatrix {
  return {
    rows: labels.length,
    cols: 2,
    x: Float64Array.from(tiny.x.slice(0, labels.length).flat()),
    y: Float64Array.from(labels),
    classes: Array.from({ length: classes }, (_, k) => k),
  };
}

/**
 * The objective written independently and naively: Σᵢ −log P(yᵢ | xᵢ) + 1/(2C)·||W||², divided by
 * the rows; binary when `multinomial` is false. θ = [W (outputs × cols), b (outputs)].
 */
function naiveObjective(problem: LogisticProblem, theta: ArrayLike<number>): number {
  const { rows, cols, classes, C, multinomial } = problem;
  const outputs = multinomial ? classes : 1;
  let total = 0;
  for (let r = 0; r < rows; r += 1) {
    const row = Array.from({ length: cols }, (_, j) => problem.x[r * cols + j] as number);
    const z = Array.from(
      { length: outputs },
      (_, k) =>
        (theta[outputs * cols + k] as number) +
        row.reduce((s, v, j) => s + v * (theta[k * cols + j] as number), 0),
    );
    const label = problem.y[r] as number;
    if (multinomial) {
      const logSum = Math.log(z.reduce((s, v) => s + Math.exp(v), 0));
      total += logSum - (z[label] as number);
    } else {
      const p = 1 / (1 + Math.exp(-(z[0] as number)));
      total -= Math.log(label === 1 ? p : 1 - p);
    }
  }
  let squared = 0;
  for (let i = 0; i < outputs * cols; i += 1) squared += (theta[i] as number) ** 2;
  return (total + squared / (2 * C)) / rows;
}

/** Central differences of the naive objective. */
function numericGradient(problem: LogisticProblem, theta: Float64Array, h = 1e-5): Float64Array {
  return Float64Array.from(theta, (_, i) => {
    const plus = Float64Array.from(theta);
    const minus = Float64Array.from(theta);
    plus[i] = (plus[i] as number) + h;
    minus[i] = (minus[i] as number) - h;
    return (naiveObjective(problem, plus) - naiveObjective(problem, minus)) / (2 * h);
  });
}

/** The trainer's model, narrowed to the linear model it always is. */
async function trainLinear(
  data: TrainingMatrix,
  hyperParameters: Record<string, number>,
  seed = 0,
): Promise<LinearModel> {
  const model = await logisticRegressionTrainer.train(data, hyperParameters, { seed });
  if (model.kind !== 'linear') throw new Error('expected a linear model');
  return model;
}

function thetaOf(model: LinearModel): Float64Array {
  const theta = new Float64Array(model.weights.length + model.intercepts.length);
  theta.set(model.weights);
  theta.set(model.intercepts, model.weights.length);
  return theta;
}

function problemOf(data: TrainingMatrix, C: number, multinomial: boolean): LogisticProblem {
  return {
    x: data.x,
    y: data.y,
    rows: data.rows,
    cols: data.cols,
    classes: data.classes?.length ?? 0,
    C,
    multinomial,
  };
}

function classify(model: LinearModel, data: TrainingMatrix): ClassificationPrediction {
  const prediction = predictRaw(model, data.x, data.rows);
  if (prediction.task !== 'classification') throw new Error('expected a classification prediction');
  return prediction;
}

const maxAbs = (values: ArrayLike<number>) =>
  Array.from(values).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('logisticObjective', () => {
  it.each([
    ['binary', false, 2],
    ['multinomial', true, 3],
  ])('returns the %s value and gradient of the independent formula', (_, multinomial, classes) => {
    // Prepare
    const data = blobs(40, 3, classes, 1, 5);
    const problem = problemOf(data, 0.7, multinomial);
    const random = new Random(1);
    const theta = Float64Array.from({ length: (multinomial ? classes : 1) * 4 }, () => random.next() - 0.5);
    const gradient = new Float64Array(theta.length);

    // Act
    const value = logisticObjective(problem)(theta, gradient);

    // Assess
    expect(value).toBeCloseTo(naiveObjective(problem, theta), 12);
    const numeric = numericGradient(problem, theta);
    gradient.forEach((g, i) => {
      expect(g).toBeCloseTo(numeric[i] as number, 8);
    });
  });
});

describe('logisticRegressionTrainer.train', () => {
  it('matches a Newton-method reference for binary data (numpy, converged to 1e-16)', async () => {
    // Prepare
    const data = tinyMatrix(tiny.binary, 2);

    // Act
    const model = await trainLinear(data, { C: 1, tol: 1e-12 });
    const regularised = await trainLinear(data, { C: 0.1, tol: 1e-12 });

    // Assess
    expect(model.outputs).toBe(1);
    expect(model.weights[0]).toBeCloseTo(1.0381470211640322, 9);
    expect(model.weights[1]).toBeCloseTo(0.16026432842351768, 9);
    expect(model.intercepts[0]).toBeCloseTo(0.2804391494645665, 9);
    expect(naiveObjective(problemOf(data, 1, false), thetaOf(model)) * 8).toBeCloseTo(4.019848130533544, 12);
    expect(regularised.weights[0]).toBeCloseTo(0.2082346860886109, 9);
    expect(regularised.weights[1]).toBeCloseTo(0.06290988645659154, 9);
    expect(regularised.intercepts[0]).toBeCloseTo(0.44199084027783164, 9);
  });

  it('matches a Newton-method reference for multinomial data, intercepts centred', async () => {
    // Prepare
    const data = tinyMatrix(tiny.multiclass, 3);

    // Act
    const model = await trainLinear(data, { C: 1, tol: 1e-12 });

    // Assess
    const expectedWeights = [
      -0.6989748554560513, -0.6910287631154276, 0.9149690631949841, -0.4059175820807784, -0.21599420773893213,
      1.096946345196206,
    ];
    const expectedIntercepts = [0.3548751353924799, -0.37294219253282945, 0.018067057140349577];
    expect(model.outputs).toBe(3);
    expectedWeights.forEach((w, i) => {
      expect(model.weights[i]).toBeCloseTo(w, 8);
    });
    expectedIntercepts.forEach((b, k) => {
      expect(model.intercepts[k]).toBeCloseTo(b, 8);
    });
    expect(Array.from(model.intercepts).reduce((s, b) => s + b, 0)).toBeCloseTo(0, 14);
  });

  it.each([
    ['binary', 2, 10],
    ['multinomial', 4, 1],
  ])('reaches a %s optimum: zero gradient, and every nearby point is worse', async (_, classes, C) => {
    // Prepare
    const data = blobs(300, 6, classes, 0.8, 21);
    const problem = problemOf(data, C, classes > 2);

    // Act
    const fit = await fitLogisticRegression(data, { C }, { seed: 0 });

    // Assess
    expect(fit.converged).toBe(true);
    expect(fit.gradientNorm).toBeLessThan(1e-6);
    const theta = thetaOf(fit.model);
    const gradient = new Float64Array(theta.length);
    logisticObjective(problem)(theta, gradient);
    expect(maxAbs(gradient)).toBeLessThan(1e-6);
    expect(maxAbs(numericGradient(problem, theta))).toBeLessThan(1e-6);
    const best = naiveObjective(problem, theta);
    const random = new Random(99);
    for (let trial = 0; trial < 20; trial += 1) {
      const nearby = Float64Array.from(theta, (v) => v + (random.next() - 0.5) * 2e-3);
      expect(naiveObjective(problem, nearby)).toBeGreaterThan(best);
    }
  });

  it('gives, for two classes, the multinomial optimum at C as the binary one at 2C', async () => {
    // Prepare: softmax logits z1 − z0 = (W1 − W0)·x + b1 − b0, and at the optimum W1 = −W0, so the
    // penalty 1/(2C)(||W0||² + ||W1||²) = 1/(4C)||W1 − W0||².
    const data = blobs(200, 4, 2, 0.7, 8);

    // Act
    const multinomial = (
      await fitLogisticRegression(data, { C: 0.5, tol: 1e-12 }, { seed: 0, multinomial: true })
    ).model;
    const binary = (await fitLogisticRegression(data, { C: 1, tol: 1e-12 }, { seed: 0 })).model;

    // Assess
    expect(multinomial.outputs).toBe(2);
    expect(binary.outputs).toBe(1);
    for (let j = 0; j < 4; j += 1) {
      expect((multinomial.weights[4 + j] as number) - (multinomial.weights[j] as number)).toBeCloseTo(
        binary.weights[j] as number,
        8,
      );
    }
    expect((multinomial.intercepts[1] as number) - (multinomial.intercepts[0] as number)).toBeCloseTo(
      binary.intercepts[0] as number,
      8,
    );
    const a = classify(multinomial, data).probabilities;
    const b = classify(binary, data).probabilities;
    expect(maxAbs(a.map((p, i) => p - (b[i] as number)))).toBeLessThan(1e-8);
  });

  it('is deterministic: the same model whatever the seed', async () => {
    // Prepare
    const data = blobs(150, 5, 3, 1, 4);

    // Act
    const first = await trainLinear(data, { C: 1 }, 1);
    const second = await trainLinear(data, { C: 1 }, 2);

    // Assess
    expect(Array.from(second.weights)).toEqual(Array.from(first.weights));
    expect(Array.from(second.intercepts)).toEqual(Array.from(first.intercepts));
  });

  it.each([
    ['binary', 2],
    ['multiclass', 4],
  ])(
    'classifies clearly separable %s data (2,000 × 20) with hold-out accuracy above 0.95',
    async (_, classes) => {
      // Prepare
      const data = blobs(2000, 20, classes, 1, 2024);
      const split = holdOutSplit(data, 0.25, { seed: 3 });
      const train = takeRows(data, split.train);
      const validation = takeRows(data, split.validation);

      // Act
      const model = await trainLinear(train, { C: 1 });

      // Assess
      expect(model.classes).toEqual(data.classes);
      expect(accuracy(validation.y, classify(model, validation).labels)).toBeGreaterThan(0.95);
    },
  );

  it('keeps a class absent from the training rows, at a negligible probability', async () => {
    // Prepare: three classes declared, class 1 never seen.
    const data = { ...blobs(90, 3, 2, 2, 6), classes: ['a', 'b', 'c'] };
    const y = Float64Array.from(data.y, (label) => (label === 1 ? 2 : 0));

    // Act
    const fit = await fitLogisticRegression({ ...data, y }, {}, { seed: 0 });

    // Assess
    expect(fit.converged).toBe(true);
    expect(fit.model.outputs).toBe(3);
    const probabilities = classify(fit.model, { ...data, y }).probabilities;
    for (let r = 0; r < data.rows; r += 1) expect(probabilities[r * 3 + 1]).toBeLessThan(1e-6);
  });

  it('reports non-decreasing progress ending at 1, and stops when aborted mid-way', async () => {
    // Prepare
    const data = blobs(400, 8, 3, 0.5, 12);
    const reported: number[] = [];
    const controller = new AbortController();

    // Act
    await logisticRegressionTrainer.train(
      data,
      { C: 10 },
      {
        seed: 0,
        onProgress: (f) => {
          reported.push(f);
        },
      },
    );
    const aborted = logisticRegressionTrainer.train(
      data,
      { C: 10 },
      {
        seed: 0,
        signal: controller.signal,
        onProgress: (fraction) => {
          if (fraction > 0) controller.abort();
        },
      },
    );

    // Assess
    expect(reported[0]).toBe(0);
    expect(reported.at(-1)).toBe(1);
    for (let i = 1; i < reported.length; i += 1) {
      expect(reported[i] as number).toBeGreaterThan(reported[i - 1] as number);
    }
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError', message: 'Training was aborted.' });
  });

  it('returns the model so far when the iteration cap stops it, and records the hyper-parameters', async () => {
    // Prepare
    const data = blobs(100, 4, 3, 1, 3);

    // Act
    const fit = await fitLogisticRegression(data, { C: 2, maxIter: 2 }, { seed: 0 });

    // Assess
    expect(fit.converged).toBe(false);
    expect(fit.stop).toBe('max-iterations');
    expect(fit.iterations).toBe(2);
    expect(fit.model.hyperParameters).toEqual({ C: 2, maxIter: 2, tol: 1e-8 });
  });

  it('refuses bad hyper-parameters, one-class data and regression data', async () => {
    // Prepare
    const data = blobs(20, 2, 2, 1, 1);
    const oneClass = { ...data, y: new Float64Array(20) };

    // Assess
    await expect(logisticRegressionTrainer.train(data, { C: 0 }, { seed: 0 })).rejects.toMatchObject({
      issues: [{ field: 'hyperParameters.C', message: 'Must be greater than 0.' }],
    });
    await expect(logisticRegressionTrainer.train(data, { maxIter: 1.5 }, { seed: 0 })).rejects.toThrow(
      ValidationError,
    );
    await expect(logisticRegressionTrainer.train(data, { alpha: 1 }, { seed: 0 })).rejects.toThrow(
      ValidationError,
    );
    await expect(logisticRegressionTrainer.train(oneClass, {}, { seed: 0 })).rejects.toThrow(
      UnprocessableError,
    );
    await expect(
      logisticRegressionTrainer.train({ ...data, classes: ['only'] }, {}, { seed: 0 }),
    ).rejects.toThrow(UnprocessableError);
    await expect(
      logisticRegressionTrainer.train({ ...data, classes: undefined }, {}, { seed: 0 }),
    ).rejects.toThrow(UnprocessableError);
  });
});

describe('logisticRegressionTrainer.defaultGrid', () => {
  it('offers C ∈ {0.1, 1, 10} for classification only', () => {
    expect(logisticRegressionTrainer.defaultGrid('classification')).toEqual([
      { C: 0.1 },
      { C: 1 },
      { C: 10 },
    ]);
    expect(logisticRegressionTrainer.defaultGrid('regression')).toEqual([]);
    expect(logisticRegressionTrainer.tasks).toEqual(['classification']);
  });
});
