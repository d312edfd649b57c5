/**
 * Reads a ready version's file back as rows, for later steps such as training: the same tokenizer,
 * byte order mark handling and missing-value tokens as the commit used, so a reader sees exactly
 * what was profiled. Values are trimmed text (JSON numbers and booleans as written by `String`),
 * `null` when missing; rows are yielded one chunk's worth at a time, so memory stays bounded.
 *
 * @example
 * for await (const row of datasetRows(s3Body, 'csv', profile.columns.map((c) => c.name))) { … }
 */
import { isMissing } from './column-types.ts';
import { CsvTokenizer } from './csv-tokenizer.ts';
import type { DatasetFormat } from './dataset-records.ts';
import { JsonLinesReader } from './jsonl-reader.ts';

export type DatasetRow = (string | null)[];

function text(value: string): string | null {
  const trimmed = value.trim();
  return isMissing(trimmed) ? null : trimmed;
}

function jsonText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return text(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** `columns` in the order wanted (a profile's column names); each row has one value per column. */
export async function* datasetRows(
  bytes: AsyncIterable<Uint8Array>,
  format: DatasetFormat,
  columns: readonly string[],
): AsyncGenerator<DatasetRow> {
  let pending: DatasetRow[] = [];
  /** CSV: where each wanted column sits in the file (-1: not there), read from the header. */
  let positions: number[] | undefined;
  const reader =
    format === 'csv'
      ? new CsvTokenizer({
          onRecord(fields) {
            if (positions === undefined) {
              positions = columns.map((name) => fields.indexOf(name));
              return;
            }
            pending.push(
              positions.map((p) => (p >= 0 && p < fields.length ? text(fields[p] as string) : null)),
            );
          },
          onFinding() {},
        })
      : new JsonLinesReader({
          onObject(object) {
            pending.push(columns.map((name) => jsonText(object[name])));
          },
          onFinding() {},
        });
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let first = true;
  const feed = (decoded: string) => {
    if (first && decoded.length > 0) {
      first = false;
      reader.write(decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded);
    } else reader.write(decoded);
  };
  for await (const chunk of bytes) {
    feed(decoder.decode(chunk, { stream: true }));
    yield* pending;
    pending = [];
  }
  feed(decoder.decode());
  reader.end();
  yield* pending;
}
