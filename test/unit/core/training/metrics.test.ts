import { describe, expect, it } from 'vitest';
import {
  accuracy,
  balancedAccuracy,
  binaryRocAuc,
  CLASSIFICATION_METRICS,
  confusionMatrix,
  defaultMetric,
  evaluate,
  higherIsBetter,
  isBetter,
  logLoss,
  macroScores,
  mae,
  metricsFor,
  REGRESSION_METRICS,
  r2,
  rmse,
  rocAuc,
  scoreFor,
} from '../../../../functions/core/training/metrics.ts';
import { Random } from '../../../../functions/core/training/random.ts';
import type {
  ClassificationPrediction,
  RegressionPrediction,
} from '../../../../functions/core/training/trainers/trainer.ts';

/** AUC by its definition: the share of (positive, negative) pairs ordered right, ties counting ½. */
function pairwiseAuc(isPositive: readonly boolean[], scores: readonly number[]): number {
  let sum = 0;
  let pairs = 0;
  isPositive.forEach((positive, i) => {
    if (!positive) return;
    isPositive.forEach((other, j) => {
      if (other) return;
      pairs += 1;
      const a = scores[i] as number;
      const b = scores[j] as number;
      sum += a > b ? 1 : a === b ? 0.5 : 0;
    });
  });
  return sum / pairs;
}

describe('accuracy and confusionMatrix', () => {
  it('count right predictions, rows = true class, columns = predicted', () => {
    // Prepare
    const yTrue = [0, 1, 2, 2, 1];
    const yPred = Int32Array.of(0, 2, 2, 2, 1);

    // Assess
    expect(accuracy(yTrue, yPred)).toBe(0.8);
    expect(confusionMatrix(yTrue, yPred)).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [0, 0, 2],
    ]);
    expect(confusionMatrix([0], [0], 3)).toEqual([
      [1, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('are NaN on no rows and refuse mismatched lengths', () => {
    expect(accuracy([], [])).toBeNaN();
    expect(() => accuracy([0, 1], [0])).toThrow(RangeError);
    expect(() => confusionMatrix([0, -1], [0, 0])).toThrow(RangeError);
  });
});

describe('balancedAccuracy', () => {
  it('averages the recall of the classes present in yTrue', () => {
    // Recalls 1, 1/2, 1.
    expect(balancedAccuracy([0, 1, 2, 2, 1], [0, 2, 2, 2, 1])).toBeCloseTo(2.5 / 3, 15);
    // Class 2 is only predicted: not averaged. Recalls 1/2 and 1.
    expect(balancedAccuracy([0, 0, 1, 1], [0, 2, 1, 1])).toBe(0.75);
    expect(balancedAccuracy([0, 0, 0, 1], [0, 0, 0, 0])).toBe(0.5);
  });
});

describe('macroScores', () => {
  it('averages per-class precision, recall and F1', () => {
    // Act: class 0 P=R=1; class 1 never predicted P=0, R=0; class 2 P=2/3, R=1, F1=0.8.
    const scores = macroScores([0, 1, 2, 2], [0, 2, 2, 2]);

    // Assess
    expect(scores.precision).toBeCloseTo(5 / 9, 15);
    expect(scores.recall).toBeCloseTo(2 / 3, 15);
    expect(scores.f1).toBeCloseTo(0.6, 15);
  });

  it('counts 0 for zero divisions, like scikit-learn zero_division=0', () => {
    // Act: class 1 is predicted once and never true, so its recall (0/0) is 0 and its precision 0/1.
    const scores = macroScores([0, 0, 0], [0, 1, 0]);

    // Assess
    expect(scores.precision).toBeCloseTo(0.5, 15);
    expect(scores.recall).toBeCloseTo(1 / 3, 15);
    expect(scores.f1).toBeCloseTo(0.4, 15);
  });

  it('leaves out a class neither true nor predicted', () => {
    expect(macroScores([0, 2, 2], [0, 2, 2])).toEqual({ precision: 1, recall: 1, f1: 1 });
  });
});

describe('binaryRocAuc', () => {
  it('is the Mann–Whitney statistic, ties counting one half', () => {
    expect(binaryRocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(binaryRocAuc([false, true, false, true], [0.5, 0.5, 0.2, 0.9])).toBe(0.875);
    expect(binaryRocAuc([0, 1, 0, 1], [0.3, 0.3, 0.3, 0.3])).toBe(0.5);
    expect(binaryRocAuc([1, 1, 0], [0.9, 0.8, 0.1])).toBe(1);
    expect(binaryRocAuc([1, 1, 0], [0.1, 0.2, 0.9])).toBe(0);
  });

  it('agrees with the pairwise definition on data full of ties', () => {
    // Prepare
    const random = new Random(17);
    const isPositive = Array.from({ length: 300 }, () => random.next() < 0.3);
    const scores = Array.from({ length: 300 }, () => random.int(12) / 11);

    // Assess
    expect(binaryRocAuc(isPositive, scores)).toBeCloseTo(pairwiseAuc(isPositive, scores), 12);
  });

  it('is NaN when only one class is present', () => {
    expect(binaryRocAuc([1, 1], [0.2, 0.4])).toBeNaN();
    expect(binaryRocAuc([], [])).toBeNaN();
  });
});

describe('rocAuc', () => {
  it('uses the positive column for two classes', () => {
    expect(rocAuc([0, 1, 1, 0], Float64Array.of(0.9, 0.1, 0.2, 0.8, 0.65, 0.35, 0.6, 0.4))).toBe(0.75);
  });

  it('macro-averages one-vs-rest AUCs for more classes', () => {
    // Prepare: per class (by hand) 6.5/8, 7.5/8 and 8/8.
    const probabilities = Float64Array.of(
      ...[0.6, 0.3, 0.1],
      ...[0.2, 0.5, 0.3],
      ...[0.1, 0.3, 0.6],
      ...[0.3, 0.4, 0.3],
      ...[0.4, 0.4, 0.2],
      ...[0.3, 0.3, 0.4],
    );

    // Assess
    expect(rocAuc([0, 1, 2, 0, 1, 2], probabilities)).toBeCloseTo((0.8125 + 0.9375 + 1) / 3, 15);
  });

  it('skips a class with no rows, and refuses probabilities of the wrong shape', () => {
    // Class 2 has no rows: average of classes 0 and 1 (each 1 here).
    const probabilities = Float64Array.of(0.8, 0.1, 0.1, 0.1, 0.8, 0.1);
    expect(rocAuc([0, 1], probabilities)).toBe(1);
    expect(() => rocAuc([0, 1], Float64Array.of(0.5, 0.5, 0.5))).toThrow(RangeError);
    expect(() => rocAuc([0, 2], Float64Array.of(0.5, 0.5, 0.5, 0.5))).toThrow(RangeError);
  });
});

describe('logLoss', () => {
  it('is the mean negative log-probability of the true class', () => {
    expect(logLoss([1, 0], Float64Array.of(0.2, 0.8, 0.6, 0.4))).toBeCloseTo(
      -(Math.log(0.8) + Math.log(0.6)) / 2,
      15,
    );
  });

  it('clips probabilities to [1e-15, 1 − 1e-15] and renormalises rows, like scikit-learn', () => {
    expect(logLoss([0], Float64Array.of(0, 1))).toBeCloseTo(-Math.log(1e-15), 10);
    expect(logLoss([1], Float64Array.of(0, 1))).toBeCloseTo(-Math.log(1 - 1e-15), 20);
    expect(logLoss([0], Float64Array.of(0.2, 0.6))).toBeCloseTo(Math.log(4), 15);
  });
});

describe('rmse, mae and r2', () => {
  it('match hand-computed values', () => {
    expect(rmse([1, 2, 3], [1, 2, 4])).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(mae([1, 2, 3], [1, 2, 4])).toBeCloseTo(1 / 3, 15);
    expect(r2([1, 2, 3], [1, 2, 4])).toBeCloseTo(0.5, 15);
    expect(r2([1, 2, 3], [2, 2, 2])).toBe(0);
  });

  it('give R² 1 or 0 for a constant target, and NaN on no rows', () => {
    expect(r2([2, 2], [2, 2])).toBe(1);
    expect(r2([2, 2], [2, 3])).toBe(0);
    expect(rmse([], [])).toBeNaN();
    expect(mae([], [])).toBeNaN();
    expect(r2([], [])).toBeNaN();
  });
});

describe('higherIsBetter and isBetter', () => {
  it('rank losses and errors down, scores up, NaN last', () => {
    expect(CLASSIFICATION_METRICS.filter((m) => !higherIsBetter(m))).toEqual(['log_loss']);
    expect(REGRESSION_METRICS.filter((m) => !higherIsBetter(m))).toEqual(['rmse', 'mae']);
    expect(isBetter('rmse', 1.2, 1.5)).toBe(true);
    expect(isBetter('accuracy', 0.8, 0.9)).toBe(false);
    expect(isBetter('accuracy', 0.9, 0.9)).toBe(false);
    expect(isBetter('r2', Number.NaN, -5)).toBe(false);
    expect(isBetter('r2', -5, Number.NaN)).toBe(true);
  });
});

describe('scoreFor and evaluate', () => {
  const classification: ClassificationPrediction = {
    task: 'classification',
    probabilities: Float64Array.of(0.9, 0.1, 0.2, 0.8, 0.65, 0.35, 0.6, 0.4),
    labels: Int32Array.of(0, 1, 0, 0),
  };
  const regression: RegressionPrediction = { task: 'regression', values: Float64Array.of(1, 2, 4) };

  it('computes the named metric from a prediction', () => {
    const yTrue = [0, 1, 1, 0];
    expect(scoreFor('accuracy', yTrue, classification)).toBe(0.75);
    expect(scoreFor('roc_auc', yTrue, classification)).toBe(0.75);
    expect(scoreFor('recall_macro', yTrue, classification)).toBe(0.75);
    expect(scoreFor('log_loss', yTrue, classification)).toBeCloseTo(
      -(Math.log(0.9) + Math.log(0.8) + Math.log(0.35) + Math.log(0.6)) / 4,
      15,
    );
    expect(scoreFor('r2', [1, 2, 3], regression)).toBeCloseTo(0.5, 15);
  });

  it('refuses a metric of the other task', () => {
    expect(() => scoreFor('rmse', [0, 1, 1, 0], classification)).toThrow(RangeError);
    expect(() => scoreFor('accuracy', [1, 2, 3], regression)).toThrow(RangeError);
  });

  it('evaluates every metric of the task', () => {
    expect(Object.keys(evaluate([0, 1, 1, 0], classification))).toEqual([...metricsFor('classification')]);
    expect(evaluate([1, 2, 3], regression)).toEqual({
      rmse: expect.closeTo(Math.sqrt(1 / 3), 15),
      mae: expect.closeTo(1 / 3, 15),
      r2: expect.closeTo(0.5, 15),
    });
    expect(defaultMetric('classification')).toBe('accuracy');
    expect(defaultMetric('regression')).toBe('r2');
  });
});
