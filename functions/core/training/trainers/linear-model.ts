/**
 * Prediction with a fitted linear model, in float64: regression value w·x + b, binary
 * P(class 1) = sigmoid(w·x + b), multiclass P = softmax(W x + b). The reference for the ONNX export.
 */
import type { LinearModel } from '../model-contracts.ts';
import type { RawPrediction } from './trainer.ts';

/** Numerically stable logistic function. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Raw outputs W x + b, row-major [rows × outputs]. */
export function linearScores(model: LinearModel, x: Float64Array, rows: number): Float64Array {
  const { outputs, width, weights, intercepts } = model;
  const scores = new Float64Array(rows * outputs);
  for (let r = 0; r < rows; r += 1) {
    const rowOffset = r * width;
    for (let k = 0; k < outputs; k += 1) {
      const weightOffset = k * width;
      let z = intercepts[k] as number;
      for (let j = 0; j < width; j += 1)
        z += (weights[weightOffset + j] as number) * (x[rowOffset + j] as number);
      scores[r * outputs + k] = z;
    }
  }
  return scores;
}

/**
 * Softmax of each row of `scores` ([rows × classes]) in place (max subtracted first), and the
 * index of each row's largest score (the first on ties).
 */
export function softmaxRows(scores: Float64Array, rows: number, classes: number): Int32Array {
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r += 1) {
    const offset = r * classes;
    let best = 0;
    let max = scores[offset] as number;
    for (let k = 1; k < classes; k += 1) {
      const z = scores[offset + k] as number;
      if (z > max) {
        max = z;
        best = k;
      }
    }
    let sum = 0;
    for (let k = 0; k < classes; k += 1) {
      const e = Math.exp((scores[offset + k] as number) - max);
      scores[offset + k] = e;
      sum += e;
    }
    for (let k = 0; k < classes; k += 1) scores[offset + k] = (scores[offset + k] as number) / sum;
    labels[r] = best;
  }
  return labels;
}

/** See `predictRaw`, which checks the input's size and dispatches here. */
export function predictLinear(model: LinearModel, x: Float64Array, rows: number): RawPrediction {
  const scores = linearScores(model, x, rows);
  if (model.task === 'regression') return { task: 'regression', values: scores };
  if (model.outputs === 1) {
    const probabilities = new Float64Array(rows * 2);
    const labels = new Int32Array(rows);
    for (let r = 0; r < rows; r += 1) {
      const z = scores[r] as number;
      const p = sigmoid(z);
      probabilities[2 * r] = 1 - p;
      probabilities[2 * r + 1] = p;
      labels[r] = z > 0 ? 1 : 0;
    }
    return { task: 'classification', probabilities, labels };
  }
  const labels = softmaxRows(scores, rows, model.outputs);
  return { task: 'classification', probabilities: scores, labels };
}
