/**
 * The feature pipeline's transform in TypeScript: raw dataset rows (column → number or string) →
 * the numeric matrix trainers learn from. It is the reference the exported ONNX graph is checked
 * against (with `predictRaw` for the model), so the graph follows it exactly: numeric columns
 * are imputed, then `(v − mean) / scale` in double precision; categorical columns become one 0/1
 * column per kept category plus a last "unknown" column.
 */
import type { CategoricalFeature, FeaturePipeline, NumericFeature } from './model-contracts.ts';

/** One raw row: column → value; null, undefined, NaN and '' are missing values. */
export type RawValue = number | string | null | undefined;
export type RawRow = Readonly<Record<string, RawValue>>;

/** A decimal number as a CSV cell holds it: `12`, `-3.5`, `.5`, `1e-3`, surrounding blanks allowed. */
const DECIMAL_TEXT = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?\s*$/i;

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
 * A categorical column's value, null when missing (null, undefined, NaN, ''): strings as they are
 * (no trimming: the graph compares exact strings), numbers through `String()` (`3` → `'3'`).
 */
export function categoricalValue(value: RawValue): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return Number.isNaN(value) ? null : String(value);
  return value;
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
