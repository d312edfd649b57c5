import { describe, expect, it } from 'vitest';
import { accuracy, liveMetric, rSquared } from '#core/monitoring/live-metric.ts';

describe('accuracy', () => {
  it('is the share of pairs whose labels print the same, null without pairs', () => {
    expect(
      accuracy([
        { predicted: 'setosa', actual: 'setosa' },
        { predicted: 2, actual: '2' },
        { predicted: 1, actual: 0 },
        { predicted: true, actual: 'false' },
      ]),
    ).toBe(0.5);
    expect(accuracy([])).toBeNull();
  });
});

describe('rSquared', () => {
  it('is 1 − SSres/SStot (checked by hand: actual 1,2,3,4; predicted 1,2,3,5 → 1 − 1/5)', () => {
    const pairs = [1, 2, 3, 4].map((actual, i) => ({ predicted: [1, 2, 3, 5][i], actual }));
    expect(rSquared(pairs)).toBeCloseTo(0.8, 12);
  });

  it('is negative for predictions worse than the mean, null when actuals do not vary or are too few', () => {
    expect(
      rSquared([
        { predicted: 10, actual: 1 },
        { predicted: -10, actual: 2 },
      ]),
    ).toBeLessThan(0);
    expect(
      rSquared([
        { predicted: 1, actual: 3 },
        { predicted: 2, actual: 3 },
      ]),
    ).toBeNull();
    expect(rSquared([{ predicted: 1, actual: 1 }])).toBeNull();
  });

  it('leaves out pairs that are not numbers', () => {
    const pairs = [
      { predicted: 1, actual: 1 },
      { predicted: 'x', actual: 5 },
      { predicted: 3, actual: 3 },
    ];
    expect(rSquared(pairs)).toBe(1);
    expect(liveMetric('r2', pairs)).toBe(1);
    expect(liveMetric('accuracy', pairs)).toBeCloseTo(2 / 3, 12);
  });
});
