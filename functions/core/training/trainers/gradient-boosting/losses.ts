/**
 * The losses gradient boosting minimises, as functions of the raw scores f (one per output):
 * - squared error (regression): ℓ = ½(y − f)², g = f − y, h = 1;
 * - binary log loss: p = sigmoid(f), ℓ = log(1 + e^f) − y·f, g = p − y, h = p(1 − p);
 * - multinomial log loss (K outputs): p = softmax(f), ℓ = −log p_y, g_k = p_k − [y = k],
 *   h_k = p_k(1 − p_k) (the Hessian's diagonal, as scikit-learn and LightGBM use).
 * Each gives the starting raw scores (the best constant): the mean, the log-odds of the prior, the
 * log priors. Arrays of scores, gradients and Hessians are output-major: [outputs × rows].
 */

/** Probabilities are kept in [ε, 1 − ε] when turned into base scores, so they stay finite. */
const PRIOR_EPSILON = 1e-15;
/** A floor on log-loss Hessians, so a saturated row never gives a zero denominator. */
const MIN_HESSIAN = 1e-16;

export interface Loss {
  readonly name: 'squared-error' | 'binary-log-loss' | 'multinomial-log-loss';
  readonly outputs: number;
  /** Every Hessian is 1 (squared error): histograms may count rows instead of summing Hessians. */
  readonly unitHessian: boolean;
  /** The best constant raw scores for targets `y` ([outputs]). */
  baseScores(y: Float64Array): Float64Array;
  /** Fills `gradients` and `hessians` ([outputs × rows]) at the raw scores `raw` ([outputs × rows]). */
  gradients(y: Float64Array, raw: Float64Array, gradients: Float64Array, hessians: Float64Array): void;
  /** Mean loss over the rows. */
  loss(y: Float64Array, raw: Float64Array): number;
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

export const squaredError: Loss = {
  name: 'squared-error',
  outputs: 1,
  unitHessian: true,
  baseScores(y) {
    let sum = 0;
    for (let i = 0; i < y.length; i += 1) sum += y[i] as number;
    return Float64Array.of(y.length === 0 ? 0 : sum / y.length);
  },
  gradients(y, raw, gradients, hessians) {
    for (let i = 0; i < y.length; i += 1) {
      gradients[i] = (raw[i] as number) - (y[i] as number);
      hessians[i] = 1;
    }
  },
  loss(y, raw) {
    let sum = 0;
    for (let i = 0; i < y.length; i += 1) sum += ((raw[i] as number) - (y[i] as number)) ** 2;
    return sum / 2 / y.length;
  },
};

export const binaryLogLoss: Loss = {
  name: 'binary-log-loss',
  outputs: 1,
  unitHessian: false,
  baseScores(y) {
    let positives = 0;
    for (let i = 0; i < y.length; i += 1) positives += y[i] as number;
    const p = Math.min(Math.max(positives / y.length, PRIOR_EPSILON), 1 - PRIOR_EPSILON);
    return Float64Array.of(Math.log(p / (1 - p)));
  },
  gradients(y, raw, gradients, hessians) {
    for (let i = 0; i < y.length; i += 1) {
      // 1 / (1 + e^−z) saturates to exactly 0 or 1 without overflow trouble; one exp per row.
      const p = 1 / (1 + Math.exp(-(raw[i] as number)));
      gradients[i] = p - (y[i] as number);
      hessians[i] = Math.max(p * (1 - p), MIN_HESSIAN);
    }
  },
  loss(y, raw) {
    let sum = 0;
    for (let i = 0; i < y.length; i += 1) {
      const z = raw[i] as number;
      sum += softplus(z) - (y[i] as number) * z;
    }
    return sum / y.length;
  },
};

/** Multinomial log loss over `classes` outputs. */
export function multinomialLogLoss(classes: number): Loss {
  return {
    name: 'multinomial-log-loss',
    outputs: classes,
    unitHessian: false,
    baseScores(y) {
      const counts = new Float64Array(classes);
      for (let i = 0; i < y.length; i += 1) {
        const label = y[i] as number;
        counts[label] = (counts[label] as number) + 1;
      }
      return counts.map((count) => Math.log(Math.max(count / y.length, PRIOR_EPSILON)));
    },
    gradients(y, raw, gradients, hessians) {
      const n = y.length;
      for (let i = 0; i < n; i += 1) {
        let max = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < classes; k += 1) max = Math.max(max, raw[k * n + i] as number);
        let sum = 0;
        for (let k = 0; k < classes; k += 1) {
          const e = Math.exp((raw[k * n + i] as number) - max);
          gradients[k * n + i] = e;
          sum += e;
        }
        const label = y[i] as number;
        for (let k = 0; k < classes; k += 1) {
          const p = (gradients[k * n + i] as number) / sum;
          gradients[k * n + i] = k === label ? p - 1 : p;
          hessians[k * n + i] = Math.max(p * (1 - p), MIN_HESSIAN);
        }
      }
    },
    loss(y, raw) {
      const n = y.length;
      let total = 0;
      for (let i = 0; i < n; i += 1) {
        let max = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < classes; k += 1) max = Math.max(max, raw[k * n + i] as number);
        let sum = 0;
        for (let k = 0; k < classes; k += 1) sum += Math.exp((raw[k * n + i] as number) - max);
        total += Math.log(sum) - ((raw[(y[i] as number) * n + i] as number) - max);
      }
      return total / n;
    },
  };
}

/**
 * The loss of a task: squared error for regression, binary log loss for 2 classes, multinomial
 * log loss for more.
 */
export function lossFor(task: 'regression' | 'classification', classes: number): Loss {
  if (task === 'regression') return squaredError;
  return classes <= 2 ? binaryLogLoss : multinomialLogLoss(classes);
}
