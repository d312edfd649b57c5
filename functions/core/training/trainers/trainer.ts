/**
 * The contract every in-Lambda trainer meets (linear models, gradient-boosted trees), the
 * reference prediction of a fitted model (the ONNX export must agree with it), and what trainers
 * share: hyper-parameter checking, input checks, progress, cancellation.
 */
import { UnprocessableError, ValidationError } from '../../errors.ts';
import type { FittedModel, TrainingMatrix } from '../model-contracts.ts';
import { predictLinear } from './linear-model.ts';
import { predictTreeEnsemble } from './tree-predict.ts';

export type Task = 'regression' | 'classification';

export type HyperParameters = Readonly<Record<string, number>>;

export interface TrainOptions {
  /** Seeds every random choice of the trainer; the same seed on the same data gives the same model. */
  readonly seed: number;
  /**
   * Called with a non-decreasing fraction in [0, 1]; 1 once the model is fitted. Awaited: a rejection
   * (e.g. the job was cancelled while its progress was written) ends the fit with that error.
   */
  readonly onProgress?: (fraction: number) => void | Promise<void>;
  /** Aborting makes `train` reject with a {@link TrainingAbortedError} at its next checkpoint. */
  readonly signal?: AbortSignal;
}

export interface Trainer {
  readonly algorithm: string;
  readonly tasks: readonly Task[];
  /** The hyper-parameters `train` accepts: a request's grid is checked against them when it is made. */
  readonly hyperParameterSpecs: Readonly<Record<string, HyperParameterSpec>>;
  /** The candidates tried when the request names none: each a full or partial hyper-parameter set. */
  defaultGrid(task: Task): readonly HyperParameters[];
  /**
   * Fits one model. Unknown or out-of-range hyper-parameters reject with a `ValidationError`
   * (`field: 'hyperParameters.<name>'`); data the algorithm cannot learn from with an
   * `UnprocessableError`.
   */
  train(data: TrainingMatrix, hyperParameters: HyperParameters, options: TrainOptions): Promise<FittedModel>;
}

export interface RegressionPrediction {
  readonly task: 'regression';
  /** One value per row. */
  readonly values: Float64Array;
}

export interface ClassificationPrediction {
  readonly task: 'classification';
  /** Row-major [rows × classes]; binary models give two columns, [1 − p, p]. */
  readonly probabilities: Float64Array;
  /** The predicted class index of each row (the most probable; the lower index on ties). */
  readonly labels: Int32Array;
}

export type RawPrediction = RegressionPrediction | ClassificationPrediction;

/**
 * Predicts `rows` rows of the pipeline's output (row-major, `model.width` columns), in float64:
 * the reference the exported ONNX graph must match within 1e-5.
 *
 * @example
 * const prediction = predictRaw(model, validation.x, validation.rows);
 * if (prediction.task === 'classification') console.log(prediction.labels);
 */
export function predictRaw(model: FittedModel, x: Float64Array, rows: number): RawPrediction {
  if (!Number.isInteger(rows) || rows < 0 || x.length !== rows * model.width) {
    throw new RangeError(`Expected ${rows} rows of ${model.width} values, got ${x.length} values.`);
  }
  switch (model.kind) {
    case 'linear':
      return predictLinear(model, x, rows);
    case 'trees':
      return predictTreeEnsemble(model, x, rows);
  }
}

/**
 * Thrown when `options.signal` aborts training. Named `AbortError` like the DOM's, so callers that
 * test `error.name === 'AbortError'` see it; the signal's reason is the `cause`.
 */
export class TrainingAbortedError extends Error {
  constructor(reason?: unknown) {
    super('Training was aborted.', { cause: reason });
    this.name = 'AbortError';
  }
}

/** Throws a {@link TrainingAbortedError} if the signal has aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new TrainingAbortedError(signal.reason);
}

/** How long a trainer may compute before it lets the event loop run (timers, abort signals). */
const YIELD_EVERY_MS = 20;

/**
 * A trainer's checkpoint: reports progress (non-decreasing, only when it moved by 1 % or reached 1),
 * gives the event loop a turn every {@link YIELD_EVERY_MS} ms so an abort (a timeout, a cancel) can
 * land during a long synchronous fit, and throws once the signal has aborted.
 */
export function createCheckpoint(options: TrainOptions): (fraction: number) => Promise<void> {
  let reported = -1;
  let lastYield = performance.now();
  return async (fraction) => {
    const now = performance.now();
    if (now - lastYield >= YIELD_EVERY_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
    throwIfAborted(options.signal);
    const clamped = Math.min(Math.max(fraction, 0), 1);
    if (options.onProgress && clamped > reported && (clamped - reported >= 0.01 || clamped === 1)) {
      reported = clamped;
      await options.onProgress(clamped);
    }
  };
}

/** One hyper-parameter a trainer accepts. */
export interface HyperParameterSpec {
  readonly default: number;
  readonly min?: number;
  /** Whether `min` itself is excluded (e.g. C > 0). */
  readonly exclusiveMin?: boolean;
  readonly max?: number;
  readonly integer?: boolean;
}

/**
 * The full hyper-parameter set: the given values checked against `specs`, defaults for the rest.
 *
 * @example
 * resolveHyperParameters({ alpha: { default: 0, min: 0 } }, { alpha: 2 }); // { alpha: 2 }
 */
export function resolveHyperParameters(
  specs: Readonly<Record<string, HyperParameterSpec>>,
  given: HyperParameters,
): Record<string, number> {
  const issues = hyperParameterIssues(specs, given);
  if (issues.length > 0) {
    const fields = issues.map((i) => `hyperParameters.${i.name}`);
    throw new ValidationError(
      `Invalid hyper-parameters: ${fields.join(', ')}.`,
      issues.map((i, k) => ({ field: fields[k] as string, message: i.message })),
    );
  }
  const resolved: Record<string, number> = {};
  for (const [name, spec] of Object.entries(specs)) {
    resolved[name] = Object.hasOwn(given, name) ? (given[name] as number) : spec.default;
  }
  return resolved;
}

/**
 * What is wrong with a hyper-parameter set, by name: unknown names, and values that are not finite,
 * not integers where integers are wanted, or out of range. Empty when the set is valid.
 *
 * @example
 * hyperParameterIssues({ alpha: { default: 0, min: 0 } }, { alpha: -1, beta: 2 });
 * // [{ name: 'beta', message: 'Unknown hyper-parameter (known: alpha).' }, { name: 'alpha', message: 'Must be at least 0.' }]
 */
export function hyperParameterIssues(
  specs: Readonly<Record<string, HyperParameterSpec>>,
  given: HyperParameters,
): { name: string; message: string }[] {
  const issues: { name: string; message: string }[] = [];
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(specs, name)) {
      const known = Object.keys(specs).join(', ') || 'none';
      issues.push({ name, message: `Unknown hyper-parameter (known: ${known}).` });
    }
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (!Object.hasOwn(given, name)) continue;
    const value = given[name] as number;
    const message = valueIssue(spec, value);
    if (message !== undefined) issues.push({ name, message });
  }
  return issues;
}

function valueIssue(spec: HyperParameterSpec, value: number): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'Must be a finite number.';
  if (spec.integer && !Number.isInteger(value)) return 'Must be an integer.';
  if (spec.min !== undefined && (spec.exclusiveMin ? value <= spec.min : value < spec.min)) {
    return `Must be ${spec.exclusiveMin ? 'greater than' : 'at least'} ${spec.min}.`;
  }
  if (spec.max !== undefined && value > spec.max) return `Must be at most ${spec.max}.`;
  return undefined;
}

export interface MatrixCheckOptions {
  /** Accept NaN feature values as missing (trees learn where they go); ±Infinity is still refused. */
  readonly allowMissing?: boolean;
}

/**
 * Checks a training matrix before fitting: consistent lengths (else `RangeError`, a caller bug),
 * at least one row, finite values (or NaN, with `allowMissing`), and for classification at least
 * two classes with every label a class index (else `UnprocessableError`). Returns the number of
 * classes (0 for regression).
 */
export function checkTrainingMatrix(
  data: TrainingMatrix,
  task: Task,
  options: MatrixCheckOptions = {},
): number {
  if (data.x.length !== data.rows * data.cols || data.y.length !== data.rows) {
    throw new RangeError(
      `Matrix of ${data.rows} × ${data.cols} has ${data.x.length} values and ${data.y.length} targets.`,
    );
  }
  if (data.rows < 1) throw new UnprocessableError('The training data has no rows.');
  const allowMissing = options.allowMissing === true;
  for (let i = 0; i < data.x.length; i += 1) {
    const value = data.x[i] as number;
    if (!Number.isFinite(value) && !(allowMissing && Number.isNaN(value))) {
      const row = Math.floor(i / Math.max(data.cols, 1));
      throw new UnprocessableError(
        `Feature value at row ${row + 1}, column ${(i % data.cols) + 1} is not finite.`,
        {
          row: row + 1,
        },
      );
    }
  }
  if (task === 'regression') {
    if (data.classes !== undefined) throw new RangeError('A regression matrix must not have classes.');
    for (let i = 0; i < data.rows; i += 1) {
      if (!Number.isFinite(data.y[i] as number)) {
        throw new UnprocessableError(`The target at row ${i + 1} is not a finite number.`, { row: i + 1 });
      }
    }
    return 0;
  }
  const classCount = data.classes?.length ?? 0;
  if (classCount < 2) {
    throw new UnprocessableError(`Classification needs at least 2 classes; the data has ${classCount}.`);
  }
  const seen = new Uint8Array(classCount);
  let distinct = 0;
  for (let i = 0; i < data.rows; i += 1) {
    const label = data.y[i] as number;
    if (!Number.isInteger(label) || label < 0 || label >= classCount) {
      throw new RangeError(
        `Row ${i + 1} has class index ${label}; expected an integer in [0, ${classCount}).`,
      );
    }
    if (seen[label] === 0) {
      seen[label] = 1;
      distinct += 1;
    }
  }
  if (distinct < 2) {
    throw new UnprocessableError('The training rows hold a single class; a classifier needs at least 2.');
  }
  return classCount;
}
