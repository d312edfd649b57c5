/**
 * Deterministic row splits for model selection: a hold-out (train / validation) split and k folds,
 * both stratified by class for classification, both shuffled by a seed. Index sets are sorted
 * `Int32Array`s, so `takeRows` keeps the original row order inside each part.
 */
import { UnprocessableError } from '../errors.ts';
import type { TrainingMatrix } from './model-contracts.ts';
import { Random } from './random.ts';

/** Row indices of one split; disjoint, together every row. */
export interface Split {
  readonly train: Int32Array;
  readonly validation: Int32Array;
}

export interface SplitOptions {
  readonly seed: number;
  /** Keep class proportions in every part; defaults to true when the matrix has `classes`. */
  readonly stratify?: boolean;
}

/** What splitting reads of a matrix. */
export type SplitSource = Pick<TrainingMatrix, 'rows' | 'y' | 'classes'>;

function range(count: number): Int32Array {
  const indices = new Int32Array(count);
  for (let i = 0; i < count; i += 1) indices[i] = i;
  return indices;
}

/** Row indices of each class, each list shuffled with `random`. */
function shuffledClassRows(data: SplitSource, random: Random): Int32Array[] {
  const classCount = data.classes?.length ?? 0;
  if (classCount === 0) throw new RangeError('A stratified split needs the matrix classes.');
  const counts = new Int32Array(classCount);
  for (let i = 0; i < data.rows; i += 1) {
    const label = data.y[i] as number;
    if (!Number.isInteger(label) || label < 0 || label >= classCount) {
      throw new RangeError(`Row ${i} has class index ${label}; expected an integer in [0, ${classCount}).`);
    }
    counts[label] = (counts[label] as number) + 1;
  }
  const byClass = Array.from(counts, (count) => new Int32Array(count));
  const filled = new Int32Array(classCount);
  for (let i = 0; i < data.rows; i += 1) {
    const label = data.y[i] as number;
    const at = filled[label] as number;
    (byClass[label] as Int32Array)[at] = i;
    filled[label] = at + 1;
  }
  for (const rows of byClass) random.shuffle(rows);
  return byClass;
}

/** The rows of `membership` equal to `part`, and the others, both ascending. */
function partition(membership: Int32Array, part: number): Split {
  let inPart = 0;
  for (let i = 0; i < membership.length; i += 1) if (membership[i] === part) inPart += 1;
  const validation = new Int32Array(inPart);
  const train = new Int32Array(membership.length - inPart);
  let v = 0;
  let t = 0;
  for (let i = 0; i < membership.length; i += 1) {
    if (membership[i] === part) {
      validation[v] = i;
      v += 1;
    } else {
      train[t] = i;
      t += 1;
    }
  }
  return { train, validation };
}

/**
 * How many rows of each class go to validation: `floor` or `ceil` of `size × fraction`, the
 * ceilings going to the largest remainders (larger classes on ties) until `wanted` rows in all,
 * and never the last row of a class, so every class present keeps at least one training row.
 * (Σ floor ≤ rows × fraction ≤ Σ ceil, so `wanted = round(rows × fraction)` is reachable.)
 */
function validationQuota(classSizes: readonly number[], fraction: number, wanted: number): Int32Array {
  const quota = new Int32Array(classSizes.length);
  const remainders: { readonly label: number; readonly remainder: number; readonly size: number }[] = [];
  let assigned = 0;
  classSizes.forEach((size, label) => {
    const exact = size * fraction;
    const base = Math.min(Math.floor(exact), Math.max(size - 1, 0));
    quota[label] = base;
    assigned += base;
    remainders.push({ label, remainder: exact - base, size });
  });
  remainders.sort((a, b) => b.remainder - a.remainder || b.size - a.size || a.label - b.label);
  for (const { label, size } of remainders) {
    if (assigned >= wanted) break;
    if ((quota[label] as number) < size - 1) {
      quota[label] = (quota[label] as number) + 1;
      assigned += 1;
    }
  }
  return quota;
}

/**
 * A hold-out split: `round(rows × fraction)` rows (at least 1, at most rows − 1) for validation,
 * chosen by shuffling with the seed. Stratified, each class gives `floor` or `ceil` of
 * `classRows × fraction` rows (so within one row of its share) and keeps at least one training row.
 *
 * @example
 * const { train, validation } = holdOutSplit(matrix, 0.2, { seed: 7 });
 * const trainMatrix = takeRows(matrix, train);
 */
export function holdOutSplit(data: SplitSource, fraction: number, options: SplitOptions): Split {
  if (!(fraction > 0 && fraction < 1)) {
    throw new RangeError(`The validation fraction must be in (0, 1), got ${fraction}.`);
  }
  if (data.rows < 2) {
    throw new UnprocessableError(
      `A validation split needs at least 2 rows; the training data has ${data.rows}.`,
    );
  }
  const random = new Random(options.seed);
  const wanted = Math.min(Math.max(Math.round(data.rows * fraction), 1), data.rows - 1);
  const membership = new Int32Array(data.rows);
  const stratify = options.stratify ?? data.classes !== undefined;
  if (!stratify) {
    const order = random.shuffle(range(data.rows));
    for (let i = 0; i < wanted; i += 1) membership[order[i] as number] = 1;
    return partition(membership, 1);
  }
  const byClass = shuffledClassRows(data, random);
  const quota = validationQuota(
    byClass.map((rows) => rows.length),
    fraction,
    wanted,
  );
  let total = 0;
  byClass.forEach((rows, label) => {
    const take = quota[label] as number;
    for (let i = 0; i < take; i += 1) membership[rows[i] as number] = 1;
    total += take;
  });
  if (total === 0) {
    throw new UnprocessableError(
      'Every class has a single row: there is nothing to hold out for validation.',
    );
  }
  return partition(membership, 1);
}

/**
 * K folds: each row is in exactly one fold's `validation`, and in the `train` of the others. Fold
 * sizes differ by at most one row; stratified, each class's rows are dealt round the folds in turn
 * (after a seeded shuffle), so each fold holds `floor` or `ceil` of `classRows / folds` of a class.
 *
 * @example
 * for (const { train, validation } of kFoldSplit(matrix, 5, { seed: 7 })) {
 *   // fit on takeRows(matrix, train), score on takeRows(matrix, validation)
 * }
 */
export function kFoldSplit(data: SplitSource, folds: number, options: SplitOptions): Split[] {
  if (!Number.isInteger(folds) || folds < 2) {
    throw new RangeError(`The number of folds must be an integer of at least 2, got ${folds}.`);
  }
  if (data.rows < folds) {
    throw new UnprocessableError(
      `${folds}-fold cross-validation needs at least ${folds} rows; the training data has ${data.rows}.`,
    );
  }
  const random = new Random(options.seed);
  const stratify = options.stratify ?? data.classes !== undefined;
  const order = stratify
    ? concat(shuffledClassRows(data, random), data.rows)
    : random.shuffle(range(data.rows));
  const membership = new Int32Array(data.rows);
  for (let position = 0; position < order.length; position += 1) {
    membership[order[position] as number] = position % folds;
  }
  return Array.from({ length: folds }, (_, fold) => partition(membership, fold));
}

function concat(parts: readonly Int32Array[], length: number): Int32Array {
  const result = new Int32Array(length);
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}

/**
 * The matrix of the given rows, in the given order (copies; the source is untouched).
 *
 * @example
 * const validationMatrix = takeRows(matrix, split.validation);
 */
export function takeRows(matrix: TrainingMatrix, indices: Int32Array): TrainingMatrix {
  const { cols } = matrix;
  const x = new Float64Array(indices.length * cols);
  const y = new Float64Array(indices.length);
  for (let r = 0; r < indices.length; r += 1) {
    const source = indices[r] as number;
    if (source < 0 || source >= matrix.rows) {
      throw new RangeError(`Row index ${source} is outside [0, ${matrix.rows}).`);
    }
    x.set(matrix.x.subarray(source * cols, source * cols + cols), r * cols);
    y[r] = matrix.y[source] as number;
  }
  const taken = { rows: indices.length, cols, x, y };
  return matrix.classes === undefined ? taken : { ...taken, classes: matrix.classes };
}
