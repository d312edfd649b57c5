import { describe, expect, it } from 'vitest';
import { categoricalBaseline, numericBaseline } from '../../../../functions/core/training/drift-baseline.ts';

describe('numericBaseline', () => {
  it('bins the present values over the training range and counts the missing', () => {
    const baseline = numericBaseline('x', ['0', '1', '2', '3', '4', '5', '6', '7', '8', '10', null, '']);
    expect(baseline.missingShare).toBeCloseTo(2 / 12);
    expect(baseline.edges[0]).toBe(0);
    expect(baseline.edges.at(-1)).toBe(10);
    expect(baseline.frequencies).toHaveLength(10);
    expect(baseline.frequencies.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    expect(baseline.frequencies[9]).toBeCloseTo(1 / 10);
    expect(baseline.mean).toBeCloseTo(4.6);
  });

  it('puts a constant column in one bin', () => {
    expect(numericBaseline('c', ['3', '3', '3']).frequencies[0]).toBe(1);
  });
});

describe('categoricalBaseline', () => {
  it('gives each kept category its share and the rest to other', () => {
    const baseline = categoricalBaseline('plan', ['a', 'a', 'b', 'z', null], ['a', 'b']);
    expect(baseline.frequencies).toEqual({ a: 0.5, b: 0.25 });
    expect(baseline.other).toBe(0.25);
    expect(baseline.missingShare).toBeCloseTo(0.2);
  });
});
