import { describe, expect, it } from 'vitest';
import { UnprocessableError, ValidationError } from '../../../../functions/core/errors.ts';
import type { LinearModel, TrainingMatrix } from '../../../../functions/core/training/model-contracts.ts';
import { TRAINERS, trainerFor, trainersFor } from '../../../../functions/core/training/trainers/index.ts';
import {
  checkTrainingMatrix,
  createCheckpoint,
  predictRaw,
  resolveHyperParameters,
  TrainingAbortedError,
} from '../../../../functions/core/training/trainers/trainer.ts';

function linear(overrides: Partial<LinearModel>): LinearModel {
  return {
    kind: 'linear',
    algorithm: 'linear-regression',
    task: 'regression',
    weights: Float64Array.of(2, -1),
    intercepts: Float64Array.of(0.5),
    outputs: 1,
    width: 2,
    hyperParameters: {},
    ...overrides,
  };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('predictRaw', () => {
  it('gives w·x + b for regression', () => {
    // Act
    const prediction = predictRaw(linear({}), Float64Array.of(1, 1, 3, 2), 2);

    // Assess
    expect(prediction).toEqual({ task: 'regression', values: Float64Array.of(1.5, 4.5) });
  });

  it('gives [1 − p, p] columns and label 1 exactly when w·x + b > 0 for binary classification', () => {
    // Prepare: scores 1.5, −0.5 and 0.
    const model = linear({
      algorithm: 'logistic-regression',
      task: 'classification',
      classes: ['no', 'yes'],
    });

    // Act
    const prediction = predictRaw(model, Float64Array.of(1, 1, 0, 1, 0, 0.5), 3);

    // Assess
    if (prediction.task !== 'classification') throw new Error('expected classification');
    expect(Array.from(prediction.labels)).toEqual([1, 0, 0]);
    [1.5, -0.5, 0].forEach((z, r) => {
      expect(prediction.probabilities[2 * r + 1]).toBeCloseTo(sigmoid(z), 15);
      expect(prediction.probabilities[2 * r]).toBeCloseTo(1 - sigmoid(z), 15);
    });
  });

  it('gives softmax rows and the first most probable class for multiclass', () => {
    // Prepare: W = I (3 × 2 padded), b = [0, 0, 1]; row [1, 1] → scores [1, 1, 1] (a tie), row [3, 0] → [3, 0, 1].
    const model = linear({
      algorithm: 'logistic-regression',
      task: 'classification',
      weights: Float64Array.of(1, 0, 0, 1, 0, 0),
      intercepts: Float64Array.of(0, 0, 1),
      outputs: 3,
      classes: ['a', 'b', 'c'],
    });

    // Act
    const prediction = predictRaw(model, Float64Array.of(1, 1, 3, 0), 2);

    // Assess
    if (prediction.task !== 'classification') throw new Error('expected classification');
    expect(Array.from(prediction.labels)).toEqual([0, 0]);
    const e = [Math.exp(3), 1, Math.exp(1)];
    const sum = e.reduce((s, v) => s + v, 0);
    for (let k = 0; k < 3; k += 1) {
      expect(prediction.probabilities[k]).toBeCloseTo(1 / 3, 15);
      expect(prediction.probabilities[3 + k]).toBeCloseTo((e[k] as number) / sum, 15);
    }
  });

  it('stays finite for extreme scores', () => {
    // Prepare
    const binary = linear({ task: 'classification', weights: Float64Array.of(1000, 0) });

    // Act
    const prediction = predictRaw(binary, Float64Array.of(1, 0, -1, 0), 2);

    // Assess
    if (prediction.task !== 'classification') throw new Error('expected classification');
    expect(Array.from(prediction.probabilities)).toEqual([0, 1, 1, 0]);
  });

  it('refuses an input of the wrong size', () => {
    expect(() => predictRaw(linear({}), Float64Array.of(1, 2, 3), 2)).toThrow(RangeError);
  });
});

describe('resolveHyperParameters', () => {
  const specs = {
    C: { default: 1, min: 0, exclusiveMin: true },
    maxIter: { default: 100, min: 1, max: 1000, integer: true },
  };

  it('fills defaults and keeps given values', () => {
    expect(resolveHyperParameters(specs, { C: 3 })).toEqual({ C: 3, maxIter: 100 });
  });

  it('lists every problem as a ValidationError issue', () => {
    // Act
    let error: unknown;
    try {
      resolveHyperParameters(specs, { C: 0, maxIter: 2.5, gamma: 1 });
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { field: 'hyperParameters.gamma', message: 'Unknown hyper-parameter (known: C, maxIter).' },
      { field: 'hyperParameters.C', message: 'Must be greater than 0.' },
      { field: 'hyperParameters.maxIter', message: 'Must be an integer.' },
    ]);
    expect(() => resolveHyperParameters(specs, { maxIter: 1001 })).toThrow('hyperParameters.maxIter');
    expect(() => resolveHyperParameters(specs, { C: Number.POSITIVE_INFINITY })).toThrow(ValidationError);
  });
});

describe('checkTrainingMatrix', () => {
  it('returns the class count, 0 for regression', () => {
    const x = Float64Array.of(1, 2, 3);
    expect(
      checkTrainingMatrix(
        { rows: 3, cols: 1, x, y: Float64Array.of(0, 1, 2), classes: [7, 8, 9] },
        'classification',
      ),
    ).toBe(3);
    expect(checkTrainingMatrix({ rows: 3, cols: 1, x, y: Float64Array.of(0.5, 1, 2) }, 'regression')).toBe(0);
  });

  it('refuses inconsistent sizes, non-finite values, bad labels and no rows', () => {
    const x = Float64Array.of(1, 2);
    expect(() =>
      checkTrainingMatrix({ rows: 3, cols: 1, x, y: Float64Array.of(1, 2) }, 'regression'),
    ).toThrow(RangeError);
    expect(() =>
      checkTrainingMatrix({ rows: 2, cols: 1, x, y: Float64Array.of(1, Number.NaN) }, 'regression'),
    ).toThrow(UnprocessableError);
    expect(() =>
      checkTrainingMatrix(
        { rows: 2, cols: 1, x, y: Float64Array.of(0, 2), classes: ['a', 'b'] },
        'classification',
      ),
    ).toThrow(RangeError);
    expect(() =>
      checkTrainingMatrix({ rows: 0, cols: 1, x: new Float64Array(0), y: new Float64Array(0) }, 'regression'),
    ).toThrow(UnprocessableError);
  });
});

describe('createCheckpoint', () => {
  it('lets a timeout abort a long synchronous computation', async () => {
    // Prepare
    const checkpoint = createCheckpoint({ seed: 0, signal: AbortSignal.timeout(5) });
    const busy = async () => {
      for (let step = 0; step < 10_000; step += 1) {
        const until = performance.now() + 1;
        while (performance.now() < until) {
          // Spin: a fit between two checkpoints.
        }
        await checkpoint(step / 10_000);
      }
    };

    // Act
    const error = await busy().catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(TrainingAbortedError);
    expect((error as Error).name).toBe('AbortError');
    expect((error as Error).cause).toMatchObject({ name: 'TimeoutError' });
  });

  it('reports progress only forward, in steps of at least 1 %, and always the final 1', async () => {
    // Prepare
    const reported: number[] = [];
    const checkpoint = createCheckpoint({
      seed: 0,
      onProgress: (f) => {
        reported.push(f);
      },
    });

    // Act
    for (const fraction of [0, 0.004, 0.02, 0.01, 0.5, 0.995, 0.999, 1, 1, 2]) await checkpoint(fraction);

    // Assess
    expect(reported).toEqual([0, 0.02, 0.5, 0.995, 1]);
  });

  it('waits for an asynchronous progress report and passes its rejection to the fit', async () => {
    // Prepare: the job row refuses the write (the job was cancelled meanwhile).
    const written: number[] = [];
    const checkpoint = createCheckpoint({
      seed: 0,
      onProgress: async (fraction) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (fraction >= 0.5) throw new Error('job no longer active');
        written.push(fraction);
      },
    });

    // Act
    await checkpoint(0.2);
    const error = await checkpoint(0.6).catch((caught: unknown) => caught);

    // Assess
    expect(written).toEqual([0.2]);
    expect(error).toMatchObject({ message: 'job no longer active' });
  });
});

describe('a trainer whose progress report fails', () => {
  it('rejects its fit with that error instead of leaving an unhandled rejection', async () => {
    // Prepare
    const trainer = trainerFor('logistic-regression', 'classification');
    const data: TrainingMatrix = {
      x: Float64Array.from({ length: 40 }, (_, i) => (i % 20) / 10),
      rows: 20,
      cols: 2,
      y: Float64Array.from({ length: 20 }, (_, i) => (i < 10 ? 0 : 1)),
      classes: [0, 1],
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);

    // Act
    const error = await trainer
      .train(
        data,
        {},
        {
          seed: 1,
          onProgress: async () => {
            throw new Error('job no longer active');
          },
        },
      )
      .catch((caught: unknown) => caught);
    await new Promise((resolve) => setTimeout(resolve, 10));
    process.off('unhandledRejection', onUnhandled);

    // Assess
    expect(error).toMatchObject({ message: 'job no longer active' });
    expect(unhandled).toEqual([]);
  });
});

describe('trainerFor and trainersFor', () => {
  it('find the trainer of an algorithm and task', () => {
    expect(trainerFor('logistic-regression', 'classification').algorithm).toBe('logistic-regression');
    expect(trainersFor('regression').map((t) => t.algorithm)).toEqual([
      'linear-regression',
      'gradient-boosting',
    ]);
    expect(TRAINERS.map((t) => t.algorithm)).toEqual([
      'linear-regression',
      'logistic-regression',
      'gradient-boosting',
    ]);
  });

  it('refuse an unknown algorithm or a task it does not do', () => {
    expect(() => trainerFor('svm', 'classification')).toThrow(ValidationError);
    expect(() => trainerFor('linear-regression', 'classification')).toThrow('does not do classification');
  });
});
