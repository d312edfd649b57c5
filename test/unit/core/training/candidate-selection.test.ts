import { describe, expect, it } from 'vitest';
import { selectCandidate } from '../../../../functions/core/training/candidate-selection.ts';
import { compareComplexity, complexityOf } from '../../../../functions/core/training/trainers/complexity.ts';

describe('complexityOf', () => {
  it('ranks stronger regularisation, fewer leaves and fewer rounds as simpler', () => {
    const simpler = (a: readonly number[], b: readonly number[]) => compareComplexity(a, b) < 0;
    expect(
      simpler(
        complexityOf('logistic-regression', { C: 0.1 }),
        complexityOf('logistic-regression', { C: 10 }),
      ),
    ).toBe(true);
    expect(
      simpler(complexityOf('ridge', { alpha: 10 }), complexityOf('linear-regression', { alpha: 0 })),
    ).toBe(true);
    const gb = (hp: Record<string, number>, rounds?: number) => complexityOf('gradient-boosting', hp, rounds);
    expect(simpler(gb({ maxLeaves: 15 }), gb({ maxLeaves: 31 }))).toBe(true);
    expect(simpler(gb({ maxLeaves: 31, maxDepth: 3 }), gb({ maxLeaves: 15 }))).toBe(true);
    expect(simpler(gb({ maxLeaves: 15, l2: 1 }), gb({ maxLeaves: 15, l2: 0 }))).toBe(true);
    expect(simpler(gb({ maxLeaves: 15 }, 40), gb({ maxLeaves: 15 }, 80))).toBe(true);
    expect(simpler(complexityOf('logistic-regression', { C: 100 }), gb({ maxLeaves: 2 }, 1))).toBe(true);
    expect(compareComplexity(complexityOf('ridge', { alpha: 1 }), complexityOf('ridge', { alpha: 1 }))).toBe(
      0,
    );
  });
});

describe('selectCandidate', () => {
  const logistic = (C: number) => complexityOf('logistic-regression', { C });

  it('takes the simpler candidate within one standard error of the best', () => {
    const chosen = selectCandidate('accuracy', [
      { score: 0.96, standardError: 0.02, complexity: logistic(10) },
      { score: 0.95, standardError: 0.02, complexity: logistic(1) },
      { score: 0.9, standardError: 0.02, complexity: logistic(0.1) },
    ]);
    expect(chosen).toBe(1);
  });

  it('keeps the best candidate when the others are further than its standard error', () => {
    const chosen = selectCandidate('accuracy', [
      { score: 0.96, standardError: 0.005, complexity: logistic(10) },
      { score: 0.95, standardError: 0.005, complexity: logistic(1) },
    ]);
    expect(chosen).toBe(0);
  });

  it('reads "better" in the metric’s direction (lower RMSE)', () => {
    const ridge = (alpha: number) => complexityOf('ridge', { alpha });
    expect(
      selectCandidate('rmse', [
        { score: 10, standardError: 0.5, complexity: ridge(0) },
        { score: 10.4, standardError: 0.5, complexity: ridge(10) },
        { score: 12, standardError: 0.5, complexity: ridge(100) },
      ]),
    ).toBe(1);
  });

  it('ties only on equal scores with a hold-out (no spread), then prefers the simpler', () => {
    expect(
      selectCandidate('accuracy', [
        { score: 0.9, complexity: logistic(10) },
        { score: 0.9, complexity: logistic(1) },
        { score: 0.8999, complexity: logistic(0.1) },
      ]),
    ).toBe(1);
  });

  it('among equally complex near-ties keeps the better mean, then the earlier candidate', () => {
    const same = logistic(1);
    expect(
      selectCandidate('accuracy', [
        { score: 0.9, standardError: 0.05, complexity: same },
        { score: 0.92, standardError: 0.05, complexity: same },
        { score: 0.92, standardError: 0.05, complexity: same },
      ]),
    ).toBe(1);
  });

  it('never picks a NaN score, and gives -1 when nothing scored', () => {
    expect(
      selectCandidate('accuracy', [
        { score: Number.NaN, complexity: logistic(0.1) },
        { score: 0.7, standardError: 0.1, complexity: logistic(10) },
      ]),
    ).toBe(1);
    expect(selectCandidate('accuracy', [{ score: Number.NaN, complexity: [0] }])).toBe(-1);
    expect(selectCandidate('accuracy', [])).toBe(-1);
  });
});
