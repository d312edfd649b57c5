/**
 * L2-regularised logistic regression, binary (sigmoid, one weight vector) and multinomial (softmax,
 * one weight vector per class), with scikit-learn's objective:
 *   Σᵢ log-loss(xᵢ, yᵢ) + 1/(2C)·||W||²   (intercepts not penalised),
 * minimised here divided by the row count, which moves nothing but makes tolerances size-free.
 *
 * Solver: L-BFGS (see `lbfgs.ts`) from W = 0 and intercepts at the smoothed log class priors. Why
 * not Newton/IRLS: one-hot encoding makes widths of hundreds, and a multinomial Newton step solves
 * a K·(width+1)-square system per iteration (and its Hessian is singular along "add a constant to
 * every intercept"); L-BFGS needs only the gradient, one pass over the rows (O(rows·width·K)) per
 * evaluation and O(10·K·width) memory, handles binary and multinomial alike, and is scikit-learn's
 * default solver for this objective, so optima compare directly. It stops when
 * max |∂f/∂θ| ≤ tol · max(1, its value at the start), tol = 1e-8 by default — far below
 * scikit-learn's 1e-4 — or after `maxIter` iterations (the model so far is returned; scikit-learn
 * warns there). Everything is deterministic: the seed is not used.
 *
 * Multinomial intercepts are defined up to a common constant; they are returned centred (sum 0),
 * which changes no probability.
 */
import type { LinearModel, TrainingMatrix } from '../model-contracts.ts';
import { type LbfgsStop, minimizeLbfgs } from './lbfgs.ts';
import { sigmoid } from './linear-model.ts';
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
  /** Inverse regularisation strength, as scikit-learn's C. */
  C: { default: 1, min: 0, exclusiveMin: true },
  maxIter: { default: 1000, min: 1, max: 100_000, integer: true },
  tol: { default: 1e-8, min: 0, exclusiveMin: true, max: 1 },
};

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** The data an objective reads, and its parameter layout. */
export interface LogisticProblem {
  readonly x: Float64Array;
  /** Class index per row. */
  readonly y: Float64Array;
  readonly rows: number;
  readonly cols: number;
  readonly classes: number;
  readonly C: number;
  /** Softmax over all classes; otherwise (two classes only) a single sigmoid output for class 1. */
  readonly multinomial: boolean;
}

/** Outputs of the problem's model: 1 for binary, one per class for multinomial. */
export function outputsOf(problem: LogisticProblem): number {
  return problem.multinomial ? problem.classes : 1;
}

/**
 * The objective f(θ) = (Σᵢ lossᵢ + 1/(2C)·||W||²) / rows and its gradient, θ laid out as
 * [W row-major (outputs × cols), intercepts (outputs)].
 *
 * @example
 * const f = logisticObjective(problem);
 * const gradient = new Float64Array(theta.length);
 * const value = f(theta, gradient);
 */
export function logisticObjective(
  problem: LogisticProblem,
): (theta: Float64Array, gradient: Float64Array) => number {
  const { x, y, rows, cols: p, C } = problem;
  const outputs = outputsOf(problem);
  const interceptOffset = outputs * p;
  const scores = new Float64Array(outputs);
  const penalty = 1 / C;

  if (!problem.multinomial) {
    return (theta, gradient) => {
      gradient.fill(0);
      const b = theta[p] as number;
      let loss = 0;
      let interceptGradient = 0;
      for (let r = 0; r < rows; r += 1) {
        const offset = r * p;
        let z = b;
        for (let j = 0; j < p; j += 1) z += (theta[j] as number) * (x[offset + j] as number);
        const target = y[r] as number;
        loss += softplus(z) - target * z;
        const residual = sigmoid(z) - target;
        interceptGradient += residual;
        for (let j = 0; j < p; j += 1)
          gradient[j] = (gradient[j] as number) + residual * (x[offset + j] as number);
      }
      let squaredNorm = 0;
      for (let j = 0; j < p; j += 1) {
        const w = theta[j] as number;
        squaredNorm += w * w;
        gradient[j] = ((gradient[j] as number) + penalty * w) / rows;
      }
      gradient[p] = interceptGradient / rows;
      return (loss + 0.5 * penalty * squaredNorm) / rows;
    };
  }

  return (theta, gradient) => {
    gradient.fill(0);
    let loss = 0;
    for (let r = 0; r < rows; r += 1) {
      const offset = r * p;
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < outputs; k += 1) {
        const weightOffset = k * p;
        let z = theta[interceptOffset + k] as number;
        for (let j = 0; j < p; j += 1) z += (theta[weightOffset + j] as number) * (x[offset + j] as number);
        scores[k] = z;
        if (z > max) max = z;
      }
      const target = y[r] as number;
      // −log softmax(z)_target = log Σₖ e^(zₖ − max) − (z_target − max).
      const shiftedTarget = (scores[target] as number) - max;
      let sum = 0;
      for (let k = 0; k < outputs; k += 1) {
        const e = Math.exp((scores[k] as number) - max);
        scores[k] = e;
        sum += e;
      }
      loss += Math.log(sum) - shiftedTarget;
      for (let k = 0; k < outputs; k += 1) {
        const residual = (scores[k] as number) / sum - (k === target ? 1 : 0);
        if (residual === 0) continue;
        const weightOffset = k * p;
        gradient[interceptOffset + k] = (gradient[interceptOffset + k] as number) + residual;
        for (let j = 0; j < p; j += 1) {
          gradient[weightOffset + j] =
            (gradient[weightOffset + j] as number) + residual * (x[offset + j] as number);
        }
      }
    }
    let squaredNorm = 0;
    for (let i = 0; i < interceptOffset; i += 1) {
      const w = theta[i] as number;
      squaredNorm += w * w;
      gradient[i] = ((gradient[i] as number) + penalty * w) / rows;
    }
    for (let k = 0; k < outputs; k += 1) {
      gradient[interceptOffset + k] = (gradient[interceptOffset + k] as number) / rows;
    }
    return (loss + 0.5 * penalty * squaredNorm) / rows;
  };
}

export interface LogisticFit {
  readonly model: LinearModel;
  readonly converged: boolean;
  readonly stop: LbfgsStop;
  readonly iterations: number;
  /** max |∂f/∂θ| at the returned parameters (f divided by the row count). */
  readonly gradientNorm: number;
  /** f at the returned parameters. */
  readonly objective: number;
}

export interface LogisticFitOptions extends TrainOptions {
  /** Fit two classes with a softmax over both (two outputs) instead of one sigmoid; for tests. */
  readonly multinomial?: boolean;
}

/**
 * Fits logistic regression and tells how the solver ended.
 *
 * @example
 * const { model, converged } = await fitLogisticRegression(matrix, { C: 1 }, { seed: 0 });
 */
export async function fitLogisticRegression(
  data: TrainingMatrix,
  hyperParameters: HyperParameters,
  options: LogisticFitOptions,
): Promise<LogisticFit> {
  const resolved = resolveHyperParameters(HYPER_PARAMETERS, hyperParameters);
  const classes = checkTrainingMatrix(data, 'classification');
  const checkpoint = createCheckpoint(options);
  await checkpoint(0);
  const problem: LogisticProblem = {
    x: data.x,
    y: data.y,
    rows: data.rows,
    cols: data.cols,
    classes,
    C: resolved.C as number,
    multinomial: classes > 2 || options.multinomial === true,
  };
  const p = data.cols;
  const outputs = outputsOf(problem);

  // Start: W = 0, intercepts at the log class priors (counts + 0.5, so absent classes stay finite).
  const counts = new Float64Array(classes);
  for (let r = 0; r < data.rows; r += 1) {
    const label = data.y[r] as number;
    counts[label] = (counts[label] as number) + 1;
  }
  const theta0 = new Float64Array(outputs * (p + 1));
  if (problem.multinomial) {
    for (let k = 0; k < classes; k += 1) theta0[outputs * p + k] = Math.log((counts[k] as number) + 0.5);
  } else {
    theta0[p] = Math.log(((counts[1] as number) + 0.5) / ((counts[0] as number) + 0.5));
  }

  const maxIterations = resolved.maxIter as number;
  let progress = 0;
  const result = await minimizeLbfgs(logisticObjective(problem), theta0, {
    maxIterations,
    tolerance: resolved.tol as number,
    onIteration: ({ iteration, gradientNorm, initialGradientNorm, targetGradientNorm }) => {
      // The larger of "share of the iteration budget used" and "orders of magnitude of the
      // gradient reduction done"; the checkpoint keeps the reported value non-decreasing.
      const orders = Math.log(initialGradientNorm / targetGradientNorm);
      const done = orders > 0 ? Math.log(initialGradientNorm / gradientNorm) / orders : 1;
      progress = Math.max(progress, Math.min(0.99, Math.max(iteration / maxIterations, done)));
      return checkpoint(progress);
    },
  });

  const theta = result.x;
  const weights = theta.slice(0, outputs * p);
  const intercepts = theta.slice(outputs * p);
  if (outputs > 1) {
    let mean = 0;
    for (let k = 0; k < outputs; k += 1) mean += intercepts[k] as number;
    mean /= outputs;
    for (let k = 0; k < outputs; k += 1) intercepts[k] = (intercepts[k] as number) - mean;
  }
  await checkpoint(1);
  const model: LinearModel = {
    kind: 'linear',
    algorithm: 'logistic-regression',
    task: 'classification',
    weights,
    intercepts,
    outputs,
    width: p,
    classes: data.classes ?? [],
    hyperParameters: resolved,
  };
  return {
    model,
    converged: result.converged,
    stop: result.stop,
    iterations: result.iterations,
    gradientNorm: result.gradientNorm,
    objective: result.value,
  };
}

/**
 * Logistic regression (binary: sigmoid; 3+ classes: multinomial softmax). Default grid C ∈ {0.1, 1, 10}.
 *
 * @example
 * const model = await logisticRegressionTrainer.train(matrix, { C: 1 }, { seed: 1, onProgress: console.log });
 */
export const logisticRegressionTrainer: Trainer = {
  algorithm: 'logistic-regression',
  tasks: ['classification'],
  hyperParameterSpecs: HYPER_PARAMETERS,
  defaultGrid(task: Task) {
    return task === 'classification' ? [{ C: 0.1 }, { C: 1 }, { C: 10 }] : [];
  },
  async train(data, hyperParameters, options) {
    return (await fitLogisticRegression(data, hyperParameters, options)).model;
  },
};
