import { describe, expect, it } from 'vitest';
import type {
  RegressionTree,
  TreeEnsembleModel,
} from '../../../../functions/core/training/model-contracts.ts';
import { predictRaw } from '../../../../functions/core/training/trainers/trainer.ts';
import { leafOf, predictTrees } from '../../../../functions/core/training/trainers/tree-predict.ts';

/** One split on `feature` at `threshold`: left leaf `low`, right leaf `high`. */
function stump(
  feature: number,
  threshold: number,
  missingGoesLeft: boolean,
  low: number,
  high: number,
): RegressionTree {
  return {
    feature: Int32Array.of(feature, -1, -1),
    threshold: Float32Array.of(threshold, 0, 0),
    missingGoesLeft: Uint8Array.of(missingGoesLeft ? 1 : 0, 0, 0),
    left: Int32Array.of(1, -1, -1),
    right: Int32Array.of(2, -1, -1),
    value: Float64Array.of(0, low, high),
  };
}

function ensemble(overrides: Partial<TreeEnsembleModel>): TreeEnsembleModel {
  return {
    kind: 'trees',
    algorithm: 'gradient-boosting',
    task: 'regression',
    comparison: 'leq',
    trees: [stump(0, 0.5, true, -1, 1)],
    outputs: 1,
    baseScores: Float64Array.of(0),
    width: 2,
    hyperParameters: {},
    ...overrides,
  };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('leafOf', () => {
  it('compares Math.fround(x) with the float32 threshold, and sends NaN the learned way', () => {
    // Prepare: threshold float32(0.1) is a little above the double 0.1; 0.1 itself rounds to it.
    const threshold = Math.fround(0.1);
    const left = stump(0, threshold, false, -1, 1);
    const missingLeft = stump(0, threshold, true, -1, 1);
    const x = Float64Array.of(0.1, threshold, threshold + 1e-12, threshold * (1 + 1e-6), Number.NaN);

    // Act
    const leq = Array.from(x, (_, i) => leafOf(left, 'leq', x, i));
    const lt = Array.from(x, (_, i) => leafOf(left, 'lt', x, i));
    const nan = leafOf(missingLeft, 'leq', x, 4);

    // Assess: x = threshold + 1e-12 is still float32(0.1) after rounding, so it goes left under ≤.
    expect(leq).toEqual([1, 1, 1, 2, 2]);
    expect(lt).toEqual([2, 2, 2, 2, 2]);
    expect(nan).toBe(1);
  });

  it('sends every present value left under an infinite threshold (the missing-vs-present split)', () => {
    const tree = stump(0, Number.POSITIVE_INFINITY, false, -1, 1);
    const x = Float64Array.of(-1e300, 0, 1e300, 3.5e38, Number.NaN);
    expect(Array.from(x, (_, i) => leafOf(tree, 'leq', x, i))).toEqual([1, 1, 1, 1, 2]);
  });
});

describe('predictTrees', () => {
  it('adds the base score and the leaf of every tree of an output, trees round-major', () => {
    // Prepare: 2 outputs, 2 rounds: trees 0 and 2 for output 0, 1 and 3 for output 1.
    const model = ensemble({
      outputs: 2,
      baseScores: Float64Array.of(0.5, -0.5),
      trees: [
        stump(0, 0, true, 1, 2),
        stump(1, 0, false, 10, 20),
        stump(1, 1, true, 100, 200),
        stump(0, 2, true, 1000, 2000),
      ],
    });
    const x = Float64Array.of(-1, 0.5, 1, Number.NaN);

    // Act
    const raw = predictTrees(model, x, 2);

    // Assess
    expect(Array.from(raw)).toEqual([0.5 + 1 + 100, -0.5 + 20 + 1000, 0.5 + 2 + 100, -0.5 + 20 + 1000]);
  });

  it('rejects inputs of the wrong size and tree counts that are not whole rounds', () => {
    expect(() => predictTrees(ensemble({}), new Float64Array(3), 2)).toThrow(RangeError);
    expect(() =>
      predictTrees(ensemble({ outputs: 2, baseScores: new Float64Array(2) }), new Float64Array(2), 1),
    ).toThrow(RangeError);
  });
});

describe('predictRaw with a tree ensemble', () => {
  it('gives the raw score for regression', () => {
    const prediction = predictRaw(
      ensemble({ baseScores: Float64Array.of(2) }),
      Float64Array.of(0, 0, 1, 0, Number.NaN, 0),
      3,
    );
    expect(prediction).toEqual({ task: 'regression', values: Float64Array.of(1, 3, 1) });
  });

  it('gives [1 − p, p] and label 1 exactly when the raw score is above 0, for binary classification', () => {
    // Prepare: raw scores −1, 1 and 0 (a tie: class 0, as the linear model).
    const model = ensemble({
      task: 'classification',
      classes: ['no', 'yes'],
      trees: [stump(0, 0.5, false, -1, 1), stump(1, 0.5, false, 0, -1)],
    });
    const x = Float64Array.of(0, 0, 1, 0, 1, 1);

    // Act
    const prediction = predictRaw(model, x, 3);

    // Assess
    if (prediction.task !== 'classification') throw new Error('expected classification');
    expect(Array.from(prediction.labels)).toEqual([0, 1, 0]);
    [-1, 1, 0].forEach((z, r) => {
      expect(prediction.probabilities[2 * r + 1]).toBeCloseTo(sigmoid(z), 15);
      expect(prediction.probabilities[2 * r]).toBeCloseTo(1 - sigmoid(z), 15);
    });
  });

  it('gives softmax rows and the first most probable class for multiclass', () => {
    // Prepare: 3 outputs; row 0 ties classes 1 and 2, row 1 favours class 0.
    const model = ensemble({
      task: 'classification',
      classes: ['a', 'b', 'c'],
      outputs: 3,
      baseScores: Float64Array.of(0, 1, 1),
      trees: [stump(0, 0.5, true, 0, 5), stump(0, 0.5, true, 0, 0), stump(0, 0.5, true, 0, 0)],
    });

    // Act
    const prediction = predictRaw(model, Float64Array.of(0, 0, 1, 0), 2);

    // Assess
    if (prediction.task !== 'classification') throw new Error('expected classification');
    expect(Array.from(prediction.labels)).toEqual([1, 0]);
    const e = Math.E;
    expect(prediction.probabilities[0]).toBeCloseTo(1 / (1 + 2 * e), 15);
    expect(prediction.probabilities[1]).toBeCloseTo(e / (1 + 2 * e), 15);
    expect(prediction.probabilities[3]).toBeCloseTo(Math.exp(5) / (Math.exp(5) + 2 * e), 15);
  });
});
