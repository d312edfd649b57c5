import { describe, expect, it } from 'vitest';
import {
  candidateBars,
  candidateLabel,
  confusionCells,
  confusionMatrixOf,
  isFinished,
  numericMetrics,
  residualPoints,
} from '../../../console/src/pages/training/job-charts.ts';

const candidate = (
  algorithm: string,
  score: number,
  hyperParameters: Record<string, number>,
  std?: number,
) => ({
  algorithm,
  hyperParameters,
  score,
  trainingMs: Math.round(score * 1000),
  ...(std === undefined ? {} : { crossValidation: { std, standardError: std / 4 } }),
});

describe('candidateBars', () => {
  const candidates = [
    candidate('logistic-regression', 0.9, { C: 1 }, 0.02),
    candidate('gradient-boosting', 0.95, { maxLeaves: 31, learningRate: 0.1 }, 0.01),
    candidate('logistic-regression', 0.8, { C: 0.01 }, 0.05),
  ];

  it('orders the candidates best first, with the fold spread and the chosen one marked', () => {
    // Act: the chosen copy carries the refit's parameters (rounds added), so it is found by score.
    const bars = candidateBars(
      candidates,
      { ...candidates[1], hyperParameters: { rounds: 40 } } as never,
      'accuracy',
    );

    // Assess
    expect(bars.map((bar) => [bar.label, bar.chosen])).toEqual([
      ['gradient-boosting learningRate=0.1 maxLeaves=31', true],
      ['logistic-regression C=1', false],
      ['logistic-regression C=0.01', false],
    ]);
    expect(bars[0]).toMatchObject({ score: 0.95, low: 0.94, high: 0.96 });
  });

  it('puts the lowest first for an error metric, and keeps labels unique', () => {
    // Act
    const bars = candidateBars(
      [candidate('linear-regression', 3, { alpha: 0 }), candidate('linear-regression', 2, { alpha: 0 })],
      undefined,
      'rmse',
    );

    // Assess
    expect(bars.map((bar) => [bar.label, bar.score])).toEqual([
      ['linear-regression alpha=0', 2],
      ['linear-regression alpha=0 (2)', 3],
    ]);
    expect(bars[0]).not.toHaveProperty('low');
  });

  it('labels a candidate by algorithm and sorted parameters', () => {
    expect(candidateLabel({ algorithm: 'a', hyperParameters: { z: 1, b: 2 } })).toBe('a b=2 z=1');
  });
});

describe('confusionCells', () => {
  it('gives one cell per actual × predicted class, with the share of the actual class', () => {
    // Act
    const cells = confusionCells(
      [
        [3, 1],
        [0, 0],
      ],
      ['no', 'yes'],
    );

    // Assess
    expect(cells).toEqual([
      { actual: 'no', predicted: 'no', count: 3, share: 0.75 },
      { actual: 'no', predicted: 'yes', count: 1, share: 0.25 },
      { actual: 'yes', predicted: 'no', count: 0, share: 0 },
      { actual: 'yes', predicted: 'yes', count: 0, share: 0 },
    ]);
  });

  it('names classes by index without labels, and finds the matrix in metrics only when there is one', () => {
    expect(confusionCells([[1]]).map((cell) => cell.actual)).toEqual(['0']);
    expect(
      confusionMatrixOf({
        accuracy: 1,
        confusion_matrix: [
          [1, 0],
          [0, 1],
        ],
      }),
    ).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(confusionMatrixOf({ r2: 0.5 })).toBeUndefined();
  });
});

describe('residualPoints and numericMetrics', () => {
  it('pairs actual and predicted values with their residual', () => {
    expect(residualPoints({ actual: [3, 1], predicted: [2.5, 2] })).toEqual([
      { actual: 3, predicted: 2.5, residual: 0.5 },
      { actual: 1, predicted: 2, residual: -1 },
    ]);
    expect(residualPoints(undefined)).toEqual([]);
  });

  it('keeps the numeric metrics only', () => {
    expect(numericMetrics({ accuracy: 0.9, confusion_matrix: [[1]], note: 'x' })).toEqual([
      ['accuracy', 0.9],
    ]);
  });

  it('knows the finished statuses', () => {
    expect(['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'].map(isFinished)).toEqual([
      false,
      false,
      true,
      true,
      true,
    ]);
  });
});
