/**
 * The feature pipeline: fitted on the training rows (`fitFeaturePipeline`), then applied to raw rows
 * (column → number or string) to make the numeric matrix trainers learn from. The transform is the
 * reference the exported ONNX graph is checked against (with `predictRaw` for the model), so the
 * graph follows it exactly: numeric columns are imputed, then `(v − mean) / scale` in double
 * precision; categorical columns become one 0/1 column per kept category plus a last "unknown" column.
 *
 * One rule for what a missing value is, used by fitting, the transform and preprocessing
 * ({@link isMissingValue}): null, undefined, NaN or the empty string. Text is not trimmed: the
 * dataset reader has trimmed every cell already (`functions/core/datasets/rows.ts`), and the ONNX
 * graph compares exact strings, so a blank `' '` sent to predict is a category of its own there; the
 * fitting must see it the same way. A numeric column also reads any text that is not a decimal number
 * (`NA`, `?`, `' '`) as missing, in fitting and transform alike ({@link numericValue}).
 */
import type { CategoricalFeature, FeaturePipeline, NumericFeature } from './model-contracts.ts';

/** One raw row: column → value; see {@link isMissingValue} for the missing ones. */
export type RawValue = number | string | null | undefined;
export type RawRow = Readonly<Record<string, RawValue>>;

/** A decimal number as a CSV cell holds it: `12`, `-3.5`, `.5`, `1e-3`, surrounding blanks allowed. */
const DECIMAL_TEXT = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?\s*$/i;

/** The platform's one rule for a missing value: null, undefined, NaN or '' (no trimming). */
export function isMissingValue(value: RawValue): boolean {
  return (
    value === null ||
    value === undefined ||
    value === '' ||
    (typeof value === 'number' && Number.isNaN(value))
  );
}

/**
 * A numeric column's value, NaN when missing: numbers as they are (NaN is missing; ±Infinity
 * passes through, as it does in the graph), numeric strings parsed, and any other string (blank,
 * `NA`, `?`) missing.
 */
export function numericValue(value: RawValue): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && DECIMAL_TEXT.test(value)) return Number(value);
  return Number.NaN;
}

/**
 * A categorical column's value, null when missing ({@link isMissingValue}): strings as they are
 * (no trimming: the graph compares exact strings), numbers through `String()` (`3` → `'3'`).
 */
export function categoricalValue(value: RawValue): string | null {
  if (value === undefined || value === null || isMissingValue(value)) return null;
  return typeof value === 'number' ? String(value) : value;
}

/** A column to fit: its name, how it is encoded, and its raw values by row. */
export interface ColumnToFit {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
  readonly values: readonly RawValue[];
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  // A typed array sorts numerically without a comparator, several times faster on large columns.
  const sorted = Float64Array.from(values).sort();
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function fitNumeric(name: string, values: readonly RawValue[]): NumericFeature {
  const parsed = values.map(numericValue);
  const fill = median(parsed.filter(Number.isFinite));
  const filled = parsed.map((n) => (Number.isFinite(n) ? n : fill));
  const mean = filled.reduce((sum, v) => sum + v, 0) / Math.max(1, filled.length);
  const variance = filled.reduce((sum, v) => sum + (v - mean) ** 2, 0) / Math.max(1, filled.length);
  const std = Math.sqrt(variance);
  return { kind: 'numeric', column: name, fill, mean, scale: std > 0 ? std : 1 };
}

function fitCategorical(
  name: string,
  values: readonly RawValue[],
  maxCategories: number,
): CategoricalFeature {
  const counts = new Map<string, number>();
  for (const raw of values) {
    const value = categoricalValue(raw);
    if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([v]) => v);
  return {
    kind: 'categorical',
    column: name,
    fill: ranked[0] ?? '',
    categories: ranked.slice(0, maxCategories),
  };
}

/**
 * Fits imputation (median; most frequent category), scaling (mean, population standard deviation)
 * and one-hot encoding (the `maxCategories` most frequent categories) on the given rows only.
 *
 * @example
 * fitFeaturePipeline([{ name: 'age', kind: 'numeric', values: ['30', null, '50'] }], [0, 1, 2], 50);
 * // { features: [{ kind: 'numeric', column: 'age', fill: 40, mean: 40, scale: 8.16… }], width: 1 }
 */
export function fitFeaturePipeline(
  columns: readonly ColumnToFit[],
  rows: readonly number[],
  maxCategories: number,
): FeaturePipeline {
  const features = columns.map((column): NumericFeature | CategoricalFeature => {
    const values = rows.map((row) => column.values[row] ?? null);
    return column.kind === 'numeric'
      ? fitNumeric(column.name, values)
      : fitCategorical(column.name, values, maxCategories);
  });
  const width = features.reduce((sum, f) => sum + (f.kind === 'numeric' ? 1 : f.categories.length + 1), 0);
  return { features, width };
}

interface CompiledCategorical {
  readonly column: string;
  readonly fill: string;
  /** Category → its column offset inside the feature's block; absent: the last, "unknown" column. */
  readonly index: ReadonlyMap<string, number>;
  readonly unknown: number;
}

type CompiledFeature = NumericFeature | ({ readonly kind: 'categorical' } & CompiledCategorical);

interface CompiledPipeline {
  readonly width: number;
  readonly features: readonly CompiledFeature[];
}

const compiled = new WeakMap<FeaturePipeline, CompiledPipeline>();

/** Category → index; on a duplicate the first occurrence wins (the ONNX exporter refuses duplicates). */
export function categoryIndex(feature: CategoricalFeature): Map<string, number> {
  const index = new Map<string, number>();
  feature.categories.forEach((category, i) => {
    if (!index.has(category)) index.set(category, i);
  });
  return index;
}

function compile(pipeline: FeaturePipeline): CompiledPipeline {
  const cached = compiled.get(pipeline);
  if (cached !== undefined) return cached;
  let width = 0;
  const features = pipeline.features.map((feature): CompiledFeature => {
    if (feature.kind === 'numeric') {
      width += 1;
      return feature;
    }
    width += feature.categories.length + 1;
    return {
      kind: 'categorical',
      column: feature.column,
      fill: feature.fill,
      index: categoryIndex(feature),
      unknown: feature.categories.length,
    };
  });
  if (width !== pipeline.width) {
    throw new RangeError(
      `The feature pipeline declares width ${pipeline.width} but its features make ${width} columns.`,
    );
  }
  const result = { width, features };
  compiled.set(pipeline, result);
  return result;
}

function writeRow(pipeline: CompiledPipeline, row: RawRow, out: Float64Array, offset: number): void {
  let at = offset;
  for (const feature of pipeline.features) {
    const raw = Object.hasOwn(row, feature.column) ? row[feature.column] : undefined;
    if (feature.kind === 'numeric') {
      const value = numericValue(raw);
      out[at] = ((Number.isNaN(value) ? feature.fill : value) - feature.mean) / feature.scale;
      at += 1;
    } else {
      const value = categoricalValue(raw) ?? feature.fill;
      // The block is zero already (a fresh Float64Array): set the one hot column.
      out[at + (feature.index.get(value) ?? feature.unknown)] = 1;
      at += feature.unknown + 1;
    }
  }
}

/**
 * One raw row → its `pipeline.width` feature values. A column absent from the row is missing.
 *
 * @throws RangeError when the pipeline's `width` does not match its features.
 * @example
 * transformRow(pipeline, { age: null, plan: 'pro' });
 * // Float64Array [ (fill − mean) / scale, 0, 1, 0 ]  (plan categories: basic, pro; then unknown)
 */
export function transformRow(pipeline: FeaturePipeline, row: RawRow): Float64Array {
  const plan = compile(pipeline);
  const out = new Float64Array(plan.width);
  writeRow(plan, row, out, 0);
  return out;
}

/**
 * Raw rows → a row-major [rows × width] matrix.
 *
 * @throws RangeError when the pipeline's `width` does not match its features.
 * @example
 * const x = transformRows(pipeline, rows); // x.length === rows.length * pipeline.width
 */
export function transformRows(pipeline: FeaturePipeline, rows: readonly RawRow[]): Float64Array {
  const plan = compile(pipeline);
  const out = new Float64Array(rows.length * plan.width);
  rows.forEach((row, r) => {
    writeRow(plan, row, out, r * plan.width);
  });
  return out;
}
