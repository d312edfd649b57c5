/**
 * Loads a committed dataset file into columns for training, through the datasets' own row reader,
 * so training sees exactly what was profiled: the same tokenizer, byte order mark handling and
 * missing-value tokens (`NA`, `null`… are missing), column names as the profile records them.
 */
import type { DatasetFormat } from '../../datasets/dataset-records.ts';
import { datasetRows } from '../../datasets/rows.ts';
import type { DatasetTable } from './ports.ts';

export async function readTable(
  bytes: AsyncIterable<Uint8Array>,
  format: DatasetFormat,
  columns: readonly string[],
): Promise<DatasetTable> {
  const values = new Map<string, (string | null)[]>(columns.map((c) => [c, []]));
  const byIndex = columns.map((c) => values.get(c) ?? []);
  let rowCount = 0;
  for await (const row of datasetRows(bytes, format, [...columns])) {
    for (let i = 0; i < byIndex.length; i += 1) byIndex[i]?.push(row[i] ?? null);
    rowCount += 1;
  }
  return { columns, rowCount, values };
}
