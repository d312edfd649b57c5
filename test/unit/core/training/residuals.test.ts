import { describe, expect, it } from 'vitest';
import type { FoldResult } from '../../../../functions/core/training/cross-validation.ts';
import {
  outOfFoldResiduals,
  RESIDUAL_SAMPLE_SIZE,
  residualSample,
} from '../../../../functions/core/training/residuals.ts';

const matrix = (y: number[]) => ({ rows: y.length, cols: 0, x: new Float64Array(), y: Float64Array.from(y) });

describe('residualSample', () => {
  it('keeps every pair when there are fewer rows than the sample size', () => {
    // Act
    const sample = residualSample([1, 2, 3], [1.5, 2, 2.5]);

    // Assess
    expect(sample).toEqual({ actual: [1, 2, 3], predicted: [1.5, 2, 2.5] });
  });

  it('keeps at most the sample size, evenly spaced over the rows, the pairs aligned', () => {
    // Prepare
    const actual = Array.from({ length: 1000 }, (_, i) => i);
    const predicted = actual.map((v) => v * 2);

    // Act
    const sample = residualSample(actual, predicted);

    // Assess
    expect(sample.actual).toHaveLength(RESIDUAL_SAMPLE_SIZE);
    expect(sample.actual.slice(0, 3)).toEqual([0, 5, 10]);
    expect(sample.predicted).toEqual(sample.actual.map((v) => v * 2));
  });

  it('drops rows with a missing or infinite value and rounds to six significant digits', () => {
    // Act
    const sample = residualSample([1, Number.NaN, 3, 4], [1 / 3, 2, Number.POSITIVE_INFINITY, 1234.56789]);

    // Assess
    expect(sample).toEqual({ actual: [1, 4], predicted: [0.333333, 1234.57] });
  });

  it('refuses true and predicted values of different lengths', () => {
    expect(() => residualSample([1, 2], [1])).toThrow(RangeError);
  });
});

describe('outOfFoldResiduals', () => {
  const fold = (y: number[], values: number[]): FoldResult => ({
    score: 0,
    validation: matrix(y),
    prediction: { task: 'regression', values: Float64Array.from(values) },
  });

  it("takes the first repeat's folds only: every row once", () => {
    // Prepare: two folds a repeat, two repeats.
    const folds = [fold([1, 2], [1.1, 2.1]), fold([3], [2.9]), fold([2, 1], [9, 9]), fold([3], [9])];

    // Act
    const sample = outOfFoldResiduals(folds, 2);

    // Assess
    expect(sample).toEqual({ actual: [1, 2, 3], predicted: [1.1, 2.1, 2.9] });
  });

  it('gives nothing for classification folds', () => {
    // Prepare
    const classification: FoldResult = {
      score: 1,
      validation: matrix([0, 1]),
      prediction: {
        task: 'classification',
        probabilities: Float64Array.from([1, 0, 0, 1]),
        labels: Int32Array.from([0, 1]),
      },
    };

    // Act
    const sample = outOfFoldResiduals([classification], 1);

    // Assess
    expect(sample).toBeUndefined();
  });
});
