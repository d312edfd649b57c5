import { describe, expect, it } from 'vitest';
import { readTable } from '../../../../functions/core/training/pipeline/read-table.ts';

async function* chunks(text: string): AsyncIterable<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  // Uneven chunks, as a network stream delivers them.
  for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
}

describe('readTable', () => {
  it('reads a CSV with a BOM, quoted fields and missing values into columns', async () => {
    const table = await readTable(chunks('\uFEFFa,b,c\r\n1,"x, y",NA\r\n2,"line\nbreak",z\r\n'), 'csv', [
      'a',
      'b',
      'c',
    ]);
    expect(table.rowCount).toBe(2);
    expect(table.values.get('a')).toEqual(['1', '2']);
    expect(table.values.get('b')).toEqual(['x, y', 'line\nbreak']);
    expect(table.values.get('c')).toEqual([null, 'z']);
  });

  it('reads JSON Lines, a key missing from a line being a missing value', async () => {
    const table = await readTable(chunks('{"a": 1, "b": "x"}\n{"a": 2}\n{"a": 3, "c": true}\n'), 'jsonl', [
      'a',
      'b',
      'c',
    ]);
    expect(table.values.get('a')).toEqual(['1', '2', '3']);
    expect(table.values.get('b')).toEqual(['x', null, null]);
    expect(table.values.get('c')).toEqual([null, null, 'true']);
  });
});
