/**
 * Rows to predict from a CSV file (header row; numbers as numbers, empty as missing) or a JSON
 * Lines file (one object per line), and predictions written back as CSV, JSON Lines or JSON.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseCsvTable } from '../../functions/core/inference/csv-table.ts';
import type { Prediction } from '../sdk/src/index.ts';
import { CliError, EXIT } from './exit-codes.ts';

export type RowsFormat = 'csv' | 'jsonl';

export function rowsFormatOf(path: string): RowsFormat {
  if (/\.csv$/i.test(path)) return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(path)) return 'jsonl';
  throw new CliError(`Give a .csv or .jsonl file (got ${path}).`, EXIT.usage);
}

/** The same reading as the platform's text/csv scoring: a header row, numbers as numbers, empty as missing. */
export function parseCsvRows(text: string): Record<string, unknown>[] {
  const { columns, rows } = parseCsvTable(text);
  return rows.map((row) => Object.fromEntries(columns.map((name, i) => [name, row[i]])));
}

export function parseJsonLines(text: string): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new CliError(`Line ${index + 1} is not JSON.`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new CliError(`Line ${index + 1} is not a JSON object.`);
    }
    rows.push(value as Record<string, unknown>);
  }
  return rows;
}

export async function readRows(path: string): Promise<Record<string, unknown>[]> {
  const format = rowsFormatOf(path);
  const text = await readFile(path, 'utf8');
  const rows = format === 'csv' ? parseCsvRows(text) : parseJsonLines(text);
  if (rows.length === 0) throw new CliError(`${path} has no rows.`);
  return rows;
}

/** One record per row: its prediction and, for classifiers, the probability of each label. */
export function predictionRecords(prediction: Prediction): Record<string, unknown>[] {
  return prediction.predictions.map((value, i) => {
    const record: Record<string, unknown> = { prediction: value };
    const probabilities = prediction.probabilities?.[i];
    if (probabilities !== undefined && prediction.classLabels !== undefined) {
      for (const [j, label] of prediction.classLabels.entries()) record[`p_${label}`] = probabilities[j];
    }
    return record;
  });
}

function csvField(value: unknown): string {
  const text =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export async function writePredictions(path: string, prediction: Prediction): Promise<void> {
  const records = predictionRecords(prediction);
  let text: string;
  if (/\.csv$/i.test(path)) {
    const headers = Object.keys(records[0] ?? { prediction: null });
    text = [headers, ...records.map((r) => headers.map((h) => r[h]))]
      .map((row) => row.map(csvField).join(','))
      .join('\n');
  } else if (/\.(jsonl|ndjson)$/i.test(path)) {
    text = records.map((r) => JSON.stringify(r)).join('\n');
  } else {
    text = JSON.stringify(prediction, null, 2);
  }
  await writeFile(path, `${text}\n`);
}
