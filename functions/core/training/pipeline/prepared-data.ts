/**
 * What the preprocess step hands to the later steps: the resolved task and metric, the usable
 * columns (raw text, rows with a target only), the target encoded, the columns dropped and why, and
 * the deterministic train/validation split (row indices into the kept rows).
 */
import type { ValidationPlan } from '../cross-validation.ts';
import { numericValue } from '../feature-transform.ts';
import type { Metric } from '../metrics.ts';
import type { Task } from '../trainers/trainer.ts';

export interface PreparedColumn {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
  readonly values: readonly (string | null)[];
}

export interface DroppedColumn {
  readonly column: string;
  readonly reason: string;
}

export interface PreparedData {
  readonly task: Task;
  readonly metric: Metric;
  readonly target: string;
  readonly columns: readonly PreparedColumn[];
  readonly dropped: readonly DroppedColumn[];
  /** Regression: the value; classification: the class index. */
  readonly y: readonly number[];
  readonly classes?: readonly (string | number)[];
  /** Cross-validation: every row (validation empty); hold-out: the split's two parts. */
  readonly train: readonly number[];
  readonly validation: readonly number[];
  /** How the candidates are compared (`cross-validation.ts`); absent in data prepared before it. */
  readonly selection?: ValidationPlan;
}

/**
 * The given rows as a prediction request carries them: numeric columns as numbers (null when
 * missing, by the transform's own rule), categorical columns as their text.
 */
export type RequestRow = Record<string, string | number | null>;

export function requestRows(prepared: PreparedData, rows: readonly number[]): RequestRow[] {
  return rows.map((row) => {
    const raw: RequestRow = {};
    for (const column of prepared.columns) {
      const value = column.values[row] ?? null;
      if (column.kind === 'categorical') raw[column.name] = value;
      else {
        const n = numericValue(value);
        raw[column.name] = Number.isFinite(n) ? n : null;
      }
    }
    return raw;
  });
}
