import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../../../functions/core/training/model-codec.ts';
import type { LinearModel, TreeEnsembleModel } from '../../../../functions/core/training/model-contracts.ts';

describe('model codec', () => {
  it('restores a linear model with its typed arrays', () => {
    const model: LinearModel = {
      kind: 'linear',
      algorithm: 'logistic-regression',
      task: 'classification',
      weights: Float64Array.from([0.1, -2.5, 1 / 3]),
      intercepts: Float64Array.from([0.25]),
      outputs: 1,
      width: 3,
      classes: ['no', 'yes'],
      hyperParameters: { C: 1 },
    };
    const decoded = decodeModel(encodeModel(model)) as LinearModel;
    expect(decoded.weights).toBeInstanceOf(Float64Array);
    expect(decoded).toEqual(model);
  });

  it('restores tree nodes bit for bit, float32 thresholds included', () => {
    const tree = {
      feature: Int32Array.from([0, -1, -1]),
      threshold: Float32Array.from([Math.fround(0.1), Number.POSITIVE_INFINITY, Number.NaN]),
      missingGoesLeft: Uint8Array.from([1, 0, 0]),
      left: Int32Array.from([1, -1, -1]),
      right: Int32Array.from([2, -1, -1]),
      value: Float64Array.from([0, -0.3, 0.7]),
    };
    const model: TreeEnsembleModel = {
      kind: 'trees',
      algorithm: 'gradient-boosting',
      task: 'regression',
      comparison: 'leq',
      trees: [tree],
      outputs: 1,
      baseScores: Float64Array.from([1.5]),
      width: 1,
      hyperParameters: { rounds: 1 },
    };
    const decoded = decodeModel(encodeModel(model)) as TreeEnsembleModel;
    expect(decoded.trees[0]?.threshold).toBeInstanceOf(Float32Array);
    expect(Array.from(decoded.trees[0]?.threshold ?? [])).toEqual([
      Math.fround(0.1),
      Number.POSITIVE_INFINITY,
      Number.NaN,
    ]);
    expect(decoded.trees[0]?.missingGoesLeft).toBeInstanceOf(Uint8Array);
    expect(decoded).toEqual(model);
  });
});
