import { describe, expect, it } from 'vitest';
import { transformRows } from '../../../../functions/core/training/feature-transform.ts';
import {
  imputeMissing,
  keepingMissing,
  pipelineFor,
} from '../../../../functions/core/training/missing-values.ts';
import type { FeaturePipeline } from '../../../../functions/core/training/model-contracts.ts';

const pipeline: FeaturePipeline = {
  features: [
    { kind: 'numeric', column: 'age', fill: 40, mean: 38, scale: 4 },
    { kind: 'categorical', column: 'plan', fill: 'basic', categories: ['basic', 'pro'] },
    { kind: 'numeric', column: 'spend', fill: 1.5, mean: 2, scale: 0.5 },
  ],
  width: 5,
};
const rows = [
  { age: 30, plan: 'pro', spend: null },
  { age: null, plan: null, spend: 3 },
  { age: 'NA', plan: 'other', spend: 2.5 },
];

describe('keepingMissing', () => {
  it('leaves numeric missing values NaN and imputes categorical ones as before', () => {
    const x = transformRows(keepingMissing(pipeline), rows);
    expect(Number.isNaN(x[4])).toBe(true);
    expect(Number.isNaN(x[5])).toBe(true);
    expect(Number.isNaN(x[10])).toBe(true);
    expect([...x.subarray(6, 9)]).toEqual([1, 0, 0]);
  });
});

describe('imputeMissing', () => {
  it('gives bit for bit the matrix of the imputing pipeline', () => {
    const kept = transformRows(keepingMissing(pipeline), rows);
    const imputed = imputeMissing({ rows: 3, cols: 5, x: kept, y: new Float64Array(3) }, pipeline);
    expect([...imputed.x]).toEqual([...transformRows(pipeline, rows)]);
    expect(Number.isNaN(kept[4])).toBe(true);
  });

  it('refuses a matrix of another width', () => {
    expect(() =>
      imputeMissing({ rows: 1, cols: 2, x: new Float64Array(2), y: new Float64Array(1) }, pipeline),
    ).toThrow(RangeError);
  });
});

describe('pipelineFor', () => {
  it('exports trees with missing values left to them, linear models imputed', () => {
    expect(pipelineFor({ kind: 'linear' }, pipeline)).toBe(pipeline);
    const trees = pipelineFor({ kind: 'trees' }, pipeline);
    expect(trees.features.map((f) => (f.kind === 'numeric' ? Number.isNaN(f.fill) : f.fill))).toEqual([
      true,
      'basic',
      true,
    ]);
  });
});
