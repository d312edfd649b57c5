import { describe, expect, it } from 'vitest';
import {
  categoricalValue,
  numericValue,
  transformRow,
  transformRows,
} from '../../../../functions/core/training/feature-transform.ts';
import type { FeaturePipeline } from '../../../../functions/core/training/model-contracts.ts';

const pipeline: FeaturePipeline = {
  features: [
    { kind: 'numeric', column: 'age', fill: 30, mean: 40, scale: 10 },
    { kind: 'categorical', column: 'plan', fill: 'basic', categories: ['basic', 'pro'] },
  ],
  width: 4,
};

/** [age scaled, plan=basic, plan=pro, plan unknown] */
const row = (age: number, plan: 0 | 1 | 2) => [
  (age - 40) / 10,
  plan === 0 ? 1 : 0,
  plan === 1 ? 1 : 0,
  plan === 2 ? 1 : 0,
];

describe('transformRow', () => {
  it('scales a number and sets the one hot column of a kept category', () => {
    // Prepare
    const raw = { age: 55, plan: 'pro' };

    // Act
    const x = transformRow(pipeline, raw);

    // Assess
    expect(x).toBeInstanceOf(Float64Array);
    expect([...x]).toEqual(row(55, 1));
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['NaN', Number.NaN],
    ['an empty string', ''],
    ['a blank string', '   '],
    ['a non-numeric string', 'NA'],
  ])('fills a numeric column given %s with its fill', (_, value) => {
    // Act
    const x = transformRow(pipeline, { age: value, plan: 'basic' });

    // Assess
    expect(x[0]).toBe((30 - 40) / 10);
  });

  it('fills a numeric column absent from the row, even one named like an Object property', () => {
    // Prepare
    const odd: FeaturePipeline = {
      features: [{ kind: 'numeric', column: 'toString', fill: 3, mean: 1, scale: 2 }],
      width: 1,
    };

    // Act
    const x = transformRow(odd, {});

    // Assess
    expect([...x]).toEqual([1]);
  });

  it.each([
    ['12.5', 12.5],
    [' 7 ', 7],
    ['-3', -3],
    ['1e2', 100],
    ['.5', 0.5],
  ])('parses the numeric string %j', (text, value) => {
    // Act
    const x = transformRow(pipeline, { age: text, plan: 'basic' });

    // Assess
    expect(x[0]).toBe((value - 40) / 10);
  });

  it('keeps 0 and passes infinities through (the graph does the same)', () => {
    // Act
    const zero = transformRow(pipeline, { age: 0, plan: 'basic' });
    const infinite = transformRow(pipeline, { age: Number.POSITIVE_INFINITY, plan: 'basic' });

    // Assess
    expect(zero[0]).toBe(-4);
    expect(infinite[0]).toBe(Number.POSITIVE_INFINITY);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['NaN', Number.NaN],
    ['an empty string', ''],
  ])('fills a categorical column given %s with its fill', (_, value) => {
    // Act
    const x = transformRow(pipeline, { age: 40, plan: value });

    // Assess
    expect([...x]).toEqual(row(40, 0));
  });

  it.each([
    ['an unseen value', 'enterprise'],
    ['another case', 'Pro'],
    ['surrounding blanks (no trimming)', ' pro'],
  ])('sets the unknown column for %s', (_, value) => {
    // Act
    const x = transformRow(pipeline, { age: 40, plan: value });

    // Assess
    expect([...x]).toEqual(row(40, 2));
  });

  it('matches a number given for a categorical column by its String() form', () => {
    // Prepare
    const zips: FeaturePipeline = {
      features: [
        { kind: 'categorical', column: 'zip', fill: '10001', categories: ['10001', '94105', '1.5'] },
      ],
      width: 4,
    };

    // Act
    const x = [94105, 1.5, 10001.0].map((zip) => [...transformRow(zips, { zip })]);

    // Assess
    expect(x).toEqual([
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [1, 0, 0, 0],
    ]);
  });

  it('marks a missing value unknown when the fill is not a kept category', () => {
    // Prepare
    const rare: FeaturePipeline = {
      features: [
        { kind: 'categorical', column: 'a', fill: 'other', categories: ['x'] },
        { kind: 'categorical', column: 'b', fill: 'y', categories: [] },
      ],
      width: 3,
    };

    // Act
    const x = transformRow(rare, { a: null, b: 'y' });

    // Assess
    expect([...x]).toEqual([0, 1, 1]);
  });

  it('refuses a pipeline whose width does not match its features', () => {
    // Prepare
    const wrong: FeaturePipeline = { ...pipeline, width: 3 };

    // Act
    const act = () => transformRow(wrong, { age: 1, plan: 'pro' });

    // Assess
    expect(act).toThrow(RangeError);
    expect(act).toThrow('declares width 3 but its features make 4 columns');
  });
});

describe('transformRows', () => {
  it('lays rows out row-major', () => {
    // Act
    const x = transformRows(pipeline, [
      { age: 50, plan: 'basic' },
      { age: null, plan: 'pro' },
      { age: '60', plan: 'gold' },
    ]);

    // Assess
    expect([...x]).toEqual([...row(50, 0), ...row(30, 1), ...row(60, 2)]);
  });

  it('gives an empty matrix for no rows', () => {
    // Act
    const x = transformRows(pipeline, []);

    // Assess
    expect(x).toHaveLength(0);
  });
});

describe('numericValue and categoricalValue', () => {
  it('read raw cells as the transform does', () => {
    // Act + Assess
    expect(numericValue('0x10')).toBeNaN();
    expect(numericValue('12abc')).toBeNaN();
    expect(numericValue(-0.5)).toBe(-0.5);
    expect(categoricalValue(0)).toBe('0');
    expect(categoricalValue('0')).toBe('0');
    expect(categoricalValue(' ')).toBe(' ');
    expect(categoricalValue(null)).toBeNull();
  });
});
