/**
 * One chunk of a batch job: its bytes → rows (the dataset CSV tokenizer or JSON Lines reader) →
 * instances checked by the real-time predict core → the model, in batches of the endpoint's row
 * limit → output lines and error lines. A row the core refuses is an error line (row, line, field,
 * reason), not a failure of the chunk; the rest of its batch is still predicted. A failure of the
 * model itself fails the chunk.
 *
 * @example
 * const result = await runChunk(rangeBody, chunk, { format: 'csv', header, mapping, model, output, modelVersion: 3 });
 * // { rows: 203012, predicted: 203009, errors: [{ row: 17, line: 18, field: 'X[4]', reason: '…' }, …], output: '…' }
 */
import { CsvTokenizer } from '../datasets/csv-tokenizer.ts';
import type { DatasetFormat } from '../datasets/dataset-records.ts';
import { JsonLinesReader } from '../datasets/jsonl-reader.ts';
import { UnprocessableError } from '../errors.ts';
import { MAX_INSTANCES } from '../inference/instances.ts';
import type { ClassLabel, ValueInfo } from '../inference/onnx-graph.ts';
import type { PredictionResult } from '../inference/outputs.ts';
import type { PlannedChunk } from './chunk-plan.ts';
import { type OutputSpec, outputHeader, outputLine, type RowError } from './output-format.ts';
import type { InstanceMapping } from './row-instances.ts';

/** A loaded model as the chunk runner uses it (OnnxModel fits). */
export interface BatchModel {
  readonly inputs: readonly ValueInfo[];
  readonly classLabels?: readonly ClassLabel[];
  /** The real-time path: rows → checked tensors → run → decoded predictions. */
  predict(instances: unknown[]): Promise<PredictionResult>;
  /** The same input checks as `predict` on one row; throws its UnprocessableError. */
  check(instance: unknown): void;
}

export interface ChunkSettings {
  readonly format: DatasetFormat;
  /** CSV: the file's header (chunks hold data rows only). */
  readonly header?: readonly string[];
  readonly mapping: InstanceMapping;
  readonly model: BatchModel;
  readonly output: OutputSpec;
  readonly modelVersion: number;
  /** Rows per model call; at most MAX_INSTANCES, the endpoint's limit. */
  readonly batchSize?: number;
  /** The chunk that starts the file writes the CSV output header. */
  readonly writeHeader: boolean;
}

export interface ChunkResult {
  readonly rows: number;
  readonly predicted: number;
  readonly errors: readonly RowError[];
  /** The chunk's part of the output file. */
  readonly output: string;
}

interface PendingRow {
  readonly row: number;
  readonly line: number;
  readonly instance?: unknown;
  readonly passthrough: readonly unknown[];
  readonly error?: RowError;
}

/** The core's message without its "Row n, field: " prefix, which counts rows within one call. */
function reasonOf(error: UnprocessableError): string {
  const { row, field } = error.details;
  if (row === undefined) return error.message;
  const prefix = `Row ${row}, ${field}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

function rowError(pending: PendingRow, error: UnprocessableError): RowError {
  return {
    row: pending.row,
    line: pending.line,
    field: typeof error.details.field === 'string' ? error.details.field : 'record',
    reason: reasonOf(error),
  };
}

export async function runChunk(
  bytes: AsyncIterable<Uint8Array>,
  chunk: Pick<PlannedChunk, 'firstRow' | 'firstLine'>,
  settings: ChunkSettings,
): Promise<ChunkResult> {
  const batchSize = Math.min(settings.batchSize ?? MAX_INSTANCES, MAX_INSTANCES);
  const { model, output: spec } = settings;
  const classLabels = model.classLabels;
  const lines: string[] =
    settings.writeHeader && spec.format === 'csv' ? [outputHeader(spec, classLabels)] : [];
  const errors: RowError[] = [];
  let pending: PendingRow[] = [];
  let rows = 0;
  let predicted = 0;

  const reader = rowReader(settings, chunk, (row) => {
    pending.push(row);
    rows += 1;
  });

  const predictBatch = async (batch: PendingRow[]) => {
    let good = batch.filter((row) => row.error === undefined);
    for (const row of batch) if (row.error !== undefined) errors.push(row.error);
    let checkedEach = false;
    let result: PredictionResult | undefined;
    while (good.length > 0 && result === undefined) {
      try {
        result = await model.predict(good.map((row) => row.instance));
      } catch (error) {
        if (!(error instanceof UnprocessableError) || error.details.row === undefined) throw error;
        if (!checkedEach) {
          // Some row is refused: check each alone (the same input checks), keep the others.
          checkedEach = true;
          good = good.filter((row) => {
            try {
              model.check(row.instance);
              return true;
            } catch (rowFailure) {
              if (!(rowFailure instanceof UnprocessableError)) throw rowFailure;
              errors.push(rowError(row, rowFailure));
              return false;
            }
          });
          continue;
        }
        // Every input passed: the model's answer for that row was refused (NaN, say). Drop it, run again.
        const blamed = good[error.details.row - 1];
        if (blamed === undefined) throw error;
        errors.push(rowError(blamed, error));
        good = good.filter((row) => row !== blamed);
      }
    }
    errors.sort((a, b) => a.row - b.row);
    if (result === undefined) return;
    const { predictions, probabilities } = result;
    for (let i = 0; i < good.length; i += 1) {
      const row = good[i] as PendingRow;
      lines.push(
        outputLine(
          spec,
          {
            passthrough: row.passthrough,
            prediction: predictions[i] as never,
            ...(probabilities === undefined ? {} : { probabilities: probabilities[i] as number[] }),
          },
          classLabels,
          settings.modelVersion,
        ),
      );
    }
    predicted += good.length;
  };

  const drain = async (all: boolean) => {
    while (pending.length >= batchSize || (all && pending.length > 0)) {
      const batch = pending.slice(0, batchSize);
      pending = pending.slice(batchSize);
      await predictBatch(batch);
    }
  };

  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  for await (const piece of bytes) {
    reader.write(decoder.decode(piece, { stream: true }));
    await drain(false);
  }
  reader.write(decoder.decode());
  reader.end();
  await drain(true);
  return { rows, predicted, errors, output: lines.join('') };
}

interface RowReader {
  write(text: string): void;
  end(): void;
}

function rowReader(
  settings: ChunkSettings,
  chunk: Pick<PlannedChunk, 'firstRow' | 'firstLine'>,
  push: (row: PendingRow) => void,
): RowReader {
  const { mapping, output } = settings;
  let row = chunk.firstRow;
  const lineOffset = chunk.firstLine - 1;
  if (settings.format === 'csv') {
    const header = settings.header ?? [];
    const passthroughAt = output.passthrough.map((name) => header.indexOf(name));
    let flaw: string | undefined;
    return new CsvTokenizer({
      onRecord(fields, line) {
        const at = { row: row++, line: line + lineOffset };
        const passthrough = passthroughAt.map((p) => fields[p] ?? null);
        let reason = flaw;
        flaw = undefined;
        if (reason === undefined && fields.length !== header.length)
          reason = `expected ${header.length} fields, got ${fields.length}`;
        if (reason !== undefined) {
          push({ ...at, passthrough, error: { ...at, field: 'record', reason } });
          return;
        }
        push({ ...at, passthrough, instance: mapping.fromCsv(fields) });
      },
      onFinding(finding) {
        if (finding === 'malformed-quote') flaw = 'a quote closes a value that goes on after it';
        else if (finding === 'stray-quote') flaw = 'a quote inside an unquoted value';
      },
    });
  }
  return new JsonLinesReader({
    onObject(object, line) {
      const at = { row: row++, line: line + lineOffset };
      push({
        ...at,
        passthrough: output.passthrough.map((name) => object[name] ?? null),
        instance: mapping.fromObject(object),
      });
    },
    onFinding(finding, line, detail) {
      const at = { row: row++, line: line + lineOffset };
      const reason =
        finding === 'invalid-json'
          ? `not valid JSON${detail === undefined ? '' : `: ${detail}`}`
          : finding === 'not-an-object'
            ? 'the line is not a JSON object'
            : 'the line is too long';
      push({
        ...at,
        passthrough: output.passthrough.map(() => null),
        error: { ...at, field: 'record', reason },
      });
    },
  });
}
