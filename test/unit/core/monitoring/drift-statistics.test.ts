/** Drift statistics against reference values computed once with scipy (scripts/drift-reference.py). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  binShares,
  chiSquaredTest,
  histogramCdf,
  ksPValue,
  ksStatistic,
  logGamma,
  populationStabilityIndex,
  upperRegularizedGamma,
} from '#core/monitoring/drift-statistics.ts';

const reference = JSON.parse(
  readFileSync(new URL('../../../fixtures/drift/reference.json', import.meta.url), 'utf8'),
) as {
  numeric: {
    name: string;
    edges: number[];
    frequencies: number[];
    served: number[];
    servedShares: number[];
    psi: number;
    ks: number;
    ksPValue: number;
  }[];
  categorical: {
    name: string;
    shares: number[];
    observed: number[];
    psi: number;
    chiSquared: number;
    pValue: number;
  }[];
  upperRegularizedGamma: { a: number; x: number; q: number }[];
  ksPValues: { n: number; d: number; p: number }[];
};

/**
 * Within 2e-5 and 0.02 % of scipy's: equal to rounding where scipy uses the same formulas (n > 140,
 * or small tails); at n ≤ 140 and large p, scipy's exact Durbin matrix vs the Pelz–Good expansion.
 */
function expectKsPValueNear(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(2e-5);
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(2e-4 * expected);
}

describe('numeric drift against scipy', () => {
  it.each(reference.numeric.map((c) => [c.name, c] as const))('%s: bins, PSI and KS', (_name, c) => {
    const shares = binShares(c.edges, c.served);
    for (const [i, share] of shares.entries()) expect(share).toBeCloseTo(c.servedShares[i] as number, 12);
    expect(populationStabilityIndex(c.frequencies, shares)).toBeCloseTo(c.psi, 10);
    expect(ksStatistic(c.served, histogramCdf(c.edges, c.frequencies))).toBeCloseTo(c.ks, 10);
    expectKsPValueNear(ksPValue(c.served.length, c.ks), c.ksPValue);
  });

  it.each(reference.ksPValues.map((c) => [c.n, c.d, c.p] as const))(
    'KS p-value P(D_%d ≥ %d) as scipy.stats.kstwo',
    (n, d, p) => {
      expectKsPValueNear(ksPValue(n, d), p);
    },
  );

  it('KS p-value is 1 at D = 0 and 0 at D = 1', () => {
    expect(ksPValue(100, 0)).toBe(1);
    expect(ksPValue(100, 1)).toBe(0);
  });

  it('puts served values outside the training range in the first and last bins', () => {
    expect(binShares([0, 1, 2], [-5, 0.5, 1.5, 9])).toEqual([0.5, 0.5]);
  });

  it('gives 0 for identical shares and stays finite for empty bins', () => {
    expect(populationStabilityIndex([0.5, 0.5, 0], [0.5, 0.5, 0])).toBe(0);
    expect(Number.isFinite(populationStabilityIndex([1, 0], [0, 1]))).toBe(true);
    expect(() => populationStabilityIndex([1], [0.5, 0.5])).toThrow(RangeError);
  });
});

describe('categorical drift against scipy', () => {
  it.each(reference.categorical.map((c) => [c.name, c] as const))('%s: PSI and chi-squared', (_name, c) => {
    const n = c.observed.reduce((s, o) => s + o, 0);
    expect(
      populationStabilityIndex(
        c.shares,
        c.observed.map((o) => o / n),
      ),
    ).toBeCloseTo(c.psi, 10);
    const test = chiSquaredTest(c.observed, c.shares);
    expect(test.statistic).toBeCloseTo(c.chiSquared, 6);
    expect(test.degreesOfFreedom).toBe(c.observed.length - 1);
    if (c.pValue === 0) expect(test.pValue).toBeLessThan(1e-300);
    else expect(Math.abs(test.pValue - c.pValue) / c.pValue).toBeLessThan(1e-9);
  });
});

describe('upperRegularizedGamma', () => {
  it.each(reference.upperRegularizedGamma.map((c) => [c.a, c.x, c.q] as const))(
    'Q(%d, %d) as scipy',
    (a, x, q) => {
      expect(Math.abs(upperRegularizedGamma(a, x) - q)).toBeLessThan(1e-12 + 1e-10 * q);
    },
  );

  it('uses ln Γ exact at small integers and halves', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });
});
