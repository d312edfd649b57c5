/**
 * How a batch job's output and errors files read: CSV (a header from the first chunk only, so the
 * parts concatenate into one file) or JSON Lines. Each output row holds the passed-through input
 * columns, the prediction, the class probabilities when asked for, and the model version that made it.
 */
import type { ClassLabel } from '../inference/onnx-graph.ts';
import type { OutputValue } from '../inference/outputs.ts';

export const OUTPUT_FORMATS = ['csv', 'jsonl'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface OutputSpec {
  readonly format: OutputFormat;
  /** Input columns copied to each output row, in this order. */
  readonly passthrough: readonly string[];
  readonly probabilities: boolean;
}

/** A row that could not be predicted: it goes to the errors file, not to the output. */
export interface RowError {
  /** 1-based data row of the input file (the CSV header is not a row). */
  readonly row: number;
  /** 1-based physical line of the input file where the row starts. */
  readonly line: number;
  /** The input (or column) at fault, `record` for the row as a whole. */
  readonly field: string;
  readonly reason: string;
}

export const ERRORS_HEADER = 'row,line,field,reason\n';

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function csvValue(value: OutputValue | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return csvField(JSON.stringify(value));
  return csvField(String(value));
}

export function errorLine(error: RowError): string {
  return `${error.row},${error.line},${csvField(error.field)},${csvField(error.reason)}\n`;
}

/** The CSV output's header line. */
export function outputHeader(spec: OutputSpec, classLabels: readonly ClassLabel[] | undefined): string {
  const names = [...spec.passthrough, 'prediction'];
  if (spec.probabilities && classLabels !== undefined) {
    for (const label of classLabels) names.push(`probability_${label}`);
  }
  names.push('model_version');
  return `${names.map(csvField).join(',')}\n`;
}

export interface OutputRow {
  /** The passed-through values: CSV text, or JSON values from a JSON Lines input. */
  readonly passthrough: readonly unknown[];
  readonly prediction: OutputValue;
  readonly probabilities?: readonly number[];
}

export function outputLine(
  spec: OutputSpec,
  row: OutputRow,
  classLabels: readonly ClassLabel[] | undefined,
  modelVersion: number,
): string {
  if (spec.format === 'csv') {
    let line = '';
    for (const value of row.passthrough) line += `${csvValue(value as OutputValue | null)},`;
    line += csvValue(row.prediction);
    if (spec.probabilities && classLabels !== undefined) {
      for (let c = 0; c < classLabels.length; c += 1) line += `,${row.probabilities?.[c] ?? ''}`;
    }
    return `${line},${modelVersion}\n`;
  }
  const object: Record<string, unknown> = {};
  spec.passthrough.forEach((name, i) => {
    object[name] = row.passthrough[i] ?? null;
  });
  object.prediction = row.prediction;
  if (spec.probabilities && classLabels !== undefined && row.probabilities !== undefined) {
    const probabilities: Record<string, number> = {};
    classLabels.forEach((label, c) => {
      probabilities[String(label)] = row.probabilities?.[c] as number;
    });
    object.probabilities = probabilities;
  }
  object.modelVersion = modelVersion;
  return `${JSON.stringify(object)}\n`;
}
