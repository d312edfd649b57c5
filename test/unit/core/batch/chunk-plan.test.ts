import { describe, expect, it } from 'vitest';
import { type ChunkPlan, planChunks } from '../../../../functions/core/batch/chunk-plan.ts';
import { CsvTokenizer } from '../../../../functions/core/datasets/csv-tokenizer.ts';

const encoder = new TextEncoder();

/** The file's bytes in pieces of `size` bytes, so records, quotes, CRLFs and UTF-8 sequences straddle pieces. */
async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  const tokenizer = new CsvTokenizer({ onRecord: (fields) => records.push(fields), onFinding: () => {} });
  tokenizer.write(text);
  tokenizer.end();
  return records;
}

const decode = (bytes: Uint8Array, plan: ChunkPlan, index: number) => {
  const chunk = plan.chunks[index];
  if (chunk === undefined) throw new Error(`no chunk ${index}`);
  return new TextDecoder().decode(bytes.subarray(chunk.start, chunk.end));
};

/** Plans with several piece sizes and checks they all agree. */
async function plan(text: string, targetChunkBytes: number, format: 'csv' | 'jsonl' = 'csv') {
  const bytes = encoder.encode(text);
  const plans = await Promise.all(
    [1, 3, 7, 64 * 1024].map((size) => planChunks(pieces(bytes, size), { format, targetChunkBytes })),
  );
  for (const other of plans.slice(1)) expect(other).toEqual(plans[0]);
  return { bytes, plan: plans[0] as ChunkPlan };
}

/** Every data byte is in exactly one chunk, in order. */
function expectContiguous(plan: ChunkPlan) {
  let at = plan.dataStart;
  for (const chunk of plan.chunks) {
    expect(chunk.start).toBe(at);
    at = chunk.end;
  }
  expect(at).toBe(plan.totalBytes);
}

describe('planChunks, CSV', () => {
  it('splits at record boundaries, never inside a quoted newline, and numbers rows and lines', async () => {
    // Prepare: every record holds a quoted value with a line break in it.
    const rows = Array.from(
      { length: 50 },
      (_, i) => `${i + 1},"line one\nline ""two"" of ${i + 1}",${i * 2}`,
    );
    const text = `id,note,value\n${rows.join('\n')}\n`;

    // Act
    const { bytes, plan: result } = await plan(text, 60);

    // Assess
    expect(result.header).toEqual(['id', 'note', 'value']);
    expect(result.totalRows).toBe(50);
    expect(result.chunks.length).toBeGreaterThan(5);
    expectContiguous(result);
    let row = 1;
    for (const chunk of result.chunks) {
      const records = csvRecords(decode(bytes, result, chunk.index));
      expect(records.length).toBe(chunk.rows);
      expect(chunk.firstRow).toBe(row);
      // Each record takes two physical lines; the header one.
      expect(chunk.firstLine).toBe(2 + (row - 1) * 2);
      for (const record of records) {
        expect(record[0]).toBe(String(row));
        expect(record[1]).toBe(`line one\nline "two" of ${row}`);
        row += 1;
      }
    }
  });

  it('keeps the LF of a CRLF with the record it ends, wherever the pieces break', async () => {
    // Prepare
    const text = `a,b\r\n${Array.from({ length: 40 }, (_, i) => `${i},"x\r\ny"`).join('\r\n')}\r\n`;

    // Act
    const { bytes, plan: result } = await plan(text, 25);

    // Assess
    expectContiguous(result);
    expect(result.dataStart).toBe(5);
    for (const chunk of result.chunks) {
      const chunkText = decode(bytes, result, chunk.index);
      expect(chunkText.endsWith('\r\n')).toBe(true);
      expect(chunkText.startsWith('\n')).toBe(false);
    }
    expect(result.chunks.reduce((sum, c) => sum + c.rows, 0)).toBe(40);
  });

  it('skips a byte order mark: the header has no BOM and data starts after it', async () => {
    // Act
    const { plan: result } = await plan('\uFEFFid,x\n1,2\n3,4\n', 1024);

    // Assess
    expect(result.header).toEqual(['id', 'x']);
    expect(result.dataStart).toBe(3 + 'id,x\n'.length);
    expect(result.chunks).toEqual([
      { index: 0, start: 8, end: result.totalBytes, firstRow: 1, firstLine: 2, rows: 2 },
    ]);
  });

  it('makes one chunk of a file smaller than one chunk, with a last record without a terminator', async () => {
    // Act
    const { plan: result } = await plan('id,name\n1,é\n2,"ü, ö"', 1024 * 1024);

    // Assess
    expect(result.totalRows).toBe(2);
    expect(result.chunks).toEqual([
      { index: 0, start: 8, end: result.totalBytes, firstRow: 1, firstLine: 2, rows: 2 },
    ]);
  });

  it('counts bytes, not characters, for multi-byte text', async () => {
    // Prepare: 3-byte characters.
    const text = `k\n${'€€€\n'.repeat(10)}`;

    // Act
    const { bytes, plan: result } = await plan(text, 8);

    // Assess
    expectContiguous(result);
    for (const chunk of result.chunks) expect(decode(bytes, result, chunk.index)).toMatch(/^(€€€\n)+$/);
    expect(result.totalBytes).toBe(bytes.length);
  });

  it('plans no chunk for an empty file, a BOM alone, or a header alone', async () => {
    // Act
    const empty = await planChunks(pieces(new Uint8Array(), 1), { format: 'csv', targetChunkBytes: 10 });
    const bomOnly = await plan('\uFEFF', 10);
    const headerOnly = await plan('id,x\r\n', 10);

    // Assess
    expect(empty).toEqual({ format: 'csv', dataStart: 0, totalBytes: 0, totalRows: 0, chunks: [] });
    expect(bomOnly.plan).toMatchObject({ totalBytes: 3, totalRows: 0, chunks: [] });
    expect(bomOnly.plan.header).toBeUndefined();
    expect(headerOnly.plan).toMatchObject({ header: ['id', 'x'], dataStart: 6, totalRows: 0, chunks: [] });
  });

  it('refuses a quote that is never closed and a file that is not UTF-8', async () => {
    // Act / Assess
    await expect(plan('id,x\n1,"open\n2,3\n', 10)).rejects.toThrow(/quote opened on line 2/);
    await expect(
      planChunks(pieces(new Uint8Array([0x61, 0x0a, 0xff, 0x0a]), 2), {
        format: 'csv',
        targetChunkBytes: 10,
      }),
    ).rejects.toThrow(/not UTF-8.*byte 2/);
  });
});

describe('planChunks, JSON Lines', () => {
  it('splits after line feeds, skipping blank lines in the row count', async () => {
    // Prepare
    const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: i + 1, text: 'a\\nb' }));
    const text = `${lines.slice(0, 10).join('\n')}\n\n   \n${lines.slice(10).join('\r\n')}`;

    // Act
    const { bytes, plan: result } = await plan(text, 50, 'jsonl');

    // Assess
    expect(result.totalRows).toBe(30);
    expectContiguous(result);
    let row = 1;
    for (const chunk of result.chunks) {
      const objects = decode(bytes, result, chunk.index)
        .split('\n')
        .filter((line) => line.trim().length > 0)
        .map((line) => JSON.parse(line));
      expect(objects.length).toBe(chunk.rows);
      expect(chunk.firstRow).toBe(row);
      for (const object of objects) expect(object.id).toBe(row++);
    }
  });

  it('plans an empty file as no chunk and a BOM as skipped', async () => {
    // Act
    const empty = await plan('', 50, 'jsonl');
    const bom = await plan('\uFEFF{"a":1}\n', 50, 'jsonl');

    // Assess
    expect(empty.plan).toEqual({ format: 'jsonl', dataStart: 0, totalBytes: 0, totalRows: 0, chunks: [] });
    expect(bom.plan.chunks).toEqual([{ index: 0, start: 3, end: 11, firstRow: 1, firstLine: 1, rows: 1 }]);
  });
});
