import { describe, expect, it } from 'vitest';
import { Random } from '../../../../functions/core/training/random.ts';
import {
  binaryLogLoss,
  type Loss,
  lossFor,
  multinomialLogLoss,
  squaredError,
} from '../../../../functions/core/training/trainers/gradient-boosting/losses.ts';

const STEP = 1e-4;

/**
 * Central finite differences of one row's loss in output k: the first and second derivatives of
 * f_k ↦ ℓ(y, f) at `raw` (one row, `outputs` values).
 */
function finiteDifferences(loss: Loss, label: number, raw: number[], k: number) {
  const at = (delta: number) => {
    const shifted = Float64Array.from(raw);
    shifted[k] = (shifted[k] as number) + delta;
    return loss.loss(Float64Array.of(label), shifted);
  };
  const plus = at(STEP);
  const minus = at(-STEP);
  const centre = at(0);
  return { gradient: (plus - minus) / (2 * STEP), hessian: (plus - 2 * centre + minus) / STEP ** 2 };
}

describe.each([
  ['squared error', squaredError, [3.5, -2, 0.25], (random: Random) => (random.next() - 0.5) * 10],
  ['binary log loss', binaryLogLoss, [0, 1, 1], (random: Random) => (random.next() - 0.5) * 8],
  [
    'multinomial log loss (4 classes)',
    multinomialLogLoss(4),
    [0, 3, 2],
    (random: Random) => (random.next() - 0.5) * 6,
  ],
] as const)('%s', (_, loss, labels, draw) => {
  it('has gradients and Hessians equal to finite differences of the loss', () => {
    // Prepare: one row per label, random raw scores.
    const random = new Random(17);
    const rows = labels.length;
    const outputs = loss.outputs;
    const raw = Float64Array.from({ length: outputs * rows }, () => draw(random));
    const y = Float64Array.from(labels);
    const gradients = new Float64Array(outputs * rows);
    const hessians = new Float64Array(outputs * rows);

    // Act
    loss.gradients(y, raw, gradients, hessians);

    // Assess: output-major layout, raw[k · rows + i].
    for (let i = 0; i < rows; i += 1) {
      const rowRaw = Array.from({ length: outputs }, (_, k) => raw[k * rows + i] as number);
      for (let k = 0; k < outputs; k += 1) {
        const numeric = finiteDifferences(loss, labels[i] as number, rowRaw, k);
        expect(gradients[k * rows + i]).toBeCloseTo(numeric.gradient, 7);
        expect(hessians[k * rows + i]).toBeCloseTo(numeric.hessian, 4);
      }
    }
  });

  it('starts from the best constant: the gradients at the base scores sum to zero', () => {
    // Prepare
    const y = Float64Array.from([...labels, ...labels, labels[0] as number]);
    const rows = y.length;

    // Act
    const base = loss.baseScores(y);
    const raw = new Float64Array(loss.outputs * rows);
    for (let k = 0; k < loss.outputs; k += 1) raw.fill(base[k] as number, k * rows, (k + 1) * rows);
    const gradients = new Float64Array(raw.length);
    loss.gradients(y, raw, gradients, new Float64Array(raw.length));

    // Assess
    for (let k = 0; k < loss.outputs; k += 1) {
      const sum = gradients.subarray(k * rows, (k + 1) * rows).reduce((s, g) => s + g, 0);
      expect(sum).toBeCloseTo(0, 10);
    }
  });
});

describe('loss base scores', () => {
  it('are the mean, the log-odds of the prior and the log priors', () => {
    expect(Array.from(squaredError.baseScores(Float64Array.of(1, 2, 6)))).toEqual([3]);
    expect(binaryLogLoss.baseScores(Float64Array.of(1, 0, 0, 0))[0]).toBeCloseTo(Math.log(1 / 3), 15);
    const priors = multinomialLogLoss(3).baseScores(Float64Array.of(0, 1, 1, 2, 2, 2));
    expect(Array.from(priors)).toEqual([Math.log(1 / 6), Math.log(2 / 6), Math.log(3 / 6)]);
  });

  it('stay finite when a class has no rows', () => {
    expect(Number.isFinite(binaryLogLoss.baseScores(Float64Array.of(1, 1))[0])).toBe(true);
    expect(multinomialLogLoss(3).baseScores(Float64Array.of(0, 1)).every(Number.isFinite)).toBe(true);
  });
});

describe('lossFor', () => {
  it('picks the loss of the task and class count', () => {
    expect(lossFor('regression', 0).name).toBe('squared-error');
    expect(lossFor('classification', 2).name).toBe('binary-log-loss');
    expect(lossFor('classification', 5)).toMatchObject({ name: 'multinomial-log-loss', outputs: 5 });
  });
});
