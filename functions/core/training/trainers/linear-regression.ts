/**
 * Linear regression: ordinary least squares (`alpha` = 0) and ridge (`alpha` > 0, minimising
 * ||y − Xw − b||² + alpha·||w||², intercept not penalised, as scikit-learn's `Ridge`).
 *
 * Solved by the normal equations on centred data, (XcᵀXc + alpha·I) w = Xcᵀyc, b = ȳ − x̄·w, with a
 * Cholesky factorisation: one pass over the rows to build a width × width system, exact for the
 * standardised, modest-width matrices trained in a Lambda. Centring removes the intercept from the
 * system (so it is not penalised) and keeps the Gram matrix well scaled.
 *
 * Collinearity: one-hot blocks (their columns sum to 1) and constant columns make XcᵀXc singular.
 * When a Cholesky pivot falls below 1e-10 of its diagonal entry (the column is, to 10 digits, a
 * combination of the previous ones), the factorisation is retried with a jitter added to the
 * diagonal, starting at 1e-9 × the mean diagonal and growing tenfold until it succeeds. That is a
 * ridge with a vanishing penalty: among the equally good least-squares solutions it picks (nearly)
 * the minimum-norm one, so fitted values are those of OLS and weights stay finite and small.
 */
import type { LinearModel, TrainingMatrix } from '../model-contracts.ts';
import {
  checkTrainingMatrix,
  createCheckpoint,
  type HyperParameterSpec,
  type HyperParameters,
  resolveHyperParameters,
  type Task,
  type Trainer,
  type TrainOptions,
} from './trainer.ts';

const HYPER_PARAMETERS: Readonly<Record<string, HyperParameterSpec>> = {
  /** L2 penalty on the weights; 0 is ordinary least squares. */
  alpha: { default: 0, min: 0 },
};

const ROWS_PER_CHECKPOINT = 2048;
/** A pivot below this fraction of its diagonal entry marks a numerically dependent column. */
const MIN_RELATIVE_PIVOT = 1e-10;
const FIRST_JITTER = 1e-9;
const MAX_JITTER_ATTEMPTS = 12;

/**
 * In-place Cholesky factorisation A = L·Lᵀ of a symmetric [n × n] row-major matrix (lower triangle
 * read and overwritten with L). Fails (returns false) on a pivot ≤ `minRelativePivot` × its
 * diagonal entry, or not finite.
 */
export function choleskyInPlace(a: Float64Array, n: number, minRelativePivot = 0): boolean {
  for (let j = 0; j < n; j += 1) {
    const rowJ = j * n;
    const diagonal = a[rowJ + j] as number;
    let pivot = diagonal;
    for (let k = 0; k < j; k += 1) pivot -= (a[rowJ + k] as number) ** 2;
    if (!(pivot > minRelativePivot * diagonal) || !(pivot > 0) || !Number.isFinite(pivot)) return false;
    const lJJ = Math.sqrt(pivot);
    a[rowJ + j] = lJJ;
    for (let i = j + 1; i < n; i += 1) {
      const rowI = i * n;
      let sum = a[rowI + j] as number;
      for (let k = 0; k < j; k += 1) sum -= (a[rowI + k] as number) * (a[rowJ + k] as number);
      a[rowI + j] = sum / lJJ;
    }
  }
  return true;
}

/** Solves L·Lᵀ·x = b given the factor from {@link choleskyInPlace}; returns x (b is untouched). */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i += 1) {
    let sum = x[i] as number;
    for (let k = 0; k < i; k += 1) sum -= (l[i * n + k] as number) * (x[k] as number);
    x[i] = sum / (l[i * n + i] as number);
  }
  for (let i = n - 1; i >= 0; i -= 1) {
    let sum = x[i] as number;
    for (let k = i + 1; k < n; k += 1) sum -= (l[k * n + i] as number) * (x[k] as number);
    x[i] = sum / (l[i * n + i] as number);
  }
  return x;
}

/**
 * Solves (gram + (alpha + jitter)·I) w = rhs, with jitter 0 unless the system is numerically
 * singular (see the module comment). `gram` is [n × n] symmetric, untouched.
 */
export function solveRegularised(
  gram: Float64Array,
  rhs: Float64Array,
  n: number,
  alpha: number,
): { readonly solution: Float64Array; readonly jitter: number } {
  let trace = 0;
  for (let j = 0; j < n; j += 1) trace += gram[j * n + j] as number;
  const meanDiagonal = n > 0 && trace > 0 ? trace / n : 1;
  let jitter = 0;
  const factor = new Float64Array(n * n);
  for (let attempt = 0; attempt < MAX_JITTER_ATTEMPTS; attempt += 1) {
    factor.set(gram);
    for (let j = 0; j < n; j += 1) factor[j * n + j] = (factor[j * n + j] as number) + alpha + jitter;
    if (choleskyInPlace(factor, n, MIN_RELATIVE_PIVOT)) {
      return { solution: choleskySolve(factor, n, rhs), jitter };
    }
    jitter = jitter === 0 ? FIRST_JITTER * meanDiagonal : jitter * 10;
  }
  throw new Error('The normal equations could not be factorised, even with a diagonal jitter.');
}

/**
 * Fits `alpha`-ridge (OLS at 0) to a regression matrix; see the module comment.
 *
 * @example
 * const model = await fitLinearRegression(matrix, { alpha: 1 }, { seed: 0 });
 * model.algorithm; // 'ridge'
 */
export async function fitLinearRegression(
  data: TrainingMatrix,
  hyperParameters: HyperParameters,
  options: TrainOptions,
): Promise<LinearModel> {
  const resolved = resolveHyperParameters(HYPER_PARAMETERS, hyperParameters);
  const alpha = resolved.alpha as number;
  checkTrainingMatrix(data, 'regression');
  const checkpoint = createCheckpoint(options);
  await checkpoint(0);
  const { rows, cols: p, x, y } = data;

  const means = new Float64Array(p);
  let yMean = 0;
  for (let r = 0; r < rows; r += 1) {
    const offset = r * p;
    for (let j = 0; j < p; j += 1) means[j] = (means[j] as number) + (x[offset + j] as number);
    yMean += y[r] as number;
  }
  for (let j = 0; j < p; j += 1) means[j] = (means[j] as number) / rows;
  yMean /= rows;

  // Lower triangle of XcᵀXc and Xcᵀyc, one centred row at a time.
  const gram = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  const centred = new Float64Array(p);
  for (let r = 0; r < rows; r += 1) {
    if (r % ROWS_PER_CHECKPOINT === 0 && r > 0) await checkpoint((0.9 * r) / rows);
    const offset = r * p;
    const yc = (y[r] as number) - yMean;
    for (let j = 0; j < p; j += 1) centred[j] = (x[offset + j] as number) - (means[j] as number);
    for (let j = 0; j < p; j += 1) {
      const cj = centred[j] as number;
      const rowJ = j * p;
      for (let k = 0; k <= j; k += 1)
        gram[rowJ + k] = (gram[rowJ + k] as number) + cj * (centred[k] as number);
      rhs[j] = (rhs[j] as number) + cj * yc;
    }
  }
  for (let j = 0; j < p; j += 1) {
    for (let k = 0; k < j; k += 1) gram[k * p + j] = gram[j * p + k] as number;
  }
  await checkpoint(0.9);

  const { solution: weights } = solveRegularised(gram, rhs, p, alpha);
  let intercept = yMean;
  for (let j = 0; j < p; j += 1) intercept -= (means[j] as number) * (weights[j] as number);
  await checkpoint(1);

  return {
    kind: 'linear',
    algorithm: alpha > 0 ? 'ridge' : 'linear-regression',
    task: 'regression',
    weights,
    intercepts: Float64Array.of(intercept),
    outputs: 1,
    width: p,
    hyperParameters: resolved,
  };
}

/**
 * Least squares / ridge. Default grid: OLS and ridge with alpha ∈ {0.1, 1, 10}.
 *
 * @example
 * const model = await linearRegressionTrainer.train(matrix, { alpha: 0 }, { seed: 1 });
 */
export const linearRegressionTrainer: Trainer = {
  algorithm: 'linear-regression',
  tasks: ['regression'],
  hyperParameterSpecs: HYPER_PARAMETERS,
  defaultGrid(task: Task) {
    return task === 'regression' ? [{ alpha: 0 }, { alpha: 0.1 }, { alpha: 1 }, { alpha: 10 }] : [];
  },
  train: fitLinearRegression,
};
