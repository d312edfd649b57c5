/**
 * Splits an input file into chunks by byte ranges that start and end at record boundaries, in one
 * streaming pass: each chunk can then be read on its own (an S3 ranged GET) by a different Lambda.
 *
 * CSV goes through the same tokenizer as a dataset commit, so a line break inside a quoted value is
 * never a boundary; the header is read once and handed to every chunk; a boundary after a CR also
 * takes the LF of a CRLF. A JSON Lines boundary is any LF (JSON text cannot hold a raw line break),
 * so no JSON is parsed here; the chunk runner reads its lines with the JSON Lines reader. A byte
 * order mark is skipped; the file must be UTF-8.
 *
 * @example
 * const plan = await planChunks(s3Body, { format: 'csv', targetChunkBytes: 64 * 1024 * 1024 });
 * // { header: ['id', 'x1', …], dataStart: 17, totalRows: 1_000_000, chunks: [{ index: 0, start: 17, end: 67108901, firstRow: 1, firstLine: 2, rows: 203012 }, …] }
 */
import { CsvTokenizer } from '../datasets/csv-tokenizer.ts';
import type { DatasetFormat } from '../datasets/dataset-records.ts';
import { Utf8Validator } from '../datasets/utf8.ts';
import { UnprocessableError } from '../errors.ts';

export interface PlannedChunk {
  readonly index: number;
  /** First byte of the chunk's first record (inclusive). */
  readonly start: number;
  /** One past the chunk's last byte (exclusive). */
  readonly end: number;
  /** 1-based number of the chunk's first data row in the whole file (the header is not a row). */
  readonly firstRow: number;
  /** 1-based physical line the chunk starts on. */
  readonly firstLine: number;
  readonly rows: number;
}

export interface ChunkPlan {
  readonly format: DatasetFormat;
  /** CSV: the header's fields. */
  readonly header?: readonly string[];
  /** Where the data rows begin (after a byte order mark and the CSV header). */
  readonly dataStart: number;
  readonly totalBytes: number;
  readonly totalRows: number;
  readonly chunks: readonly PlannedChunk[];
}

export interface ChunkPlanOptions {
  readonly format: DatasetFormat;
  /** A chunk closes at the first record boundary once it holds at least this many bytes. */
  readonly targetChunkBytes: number;
  /** Longest record accepted (characters); a longer one (an unclosed quote, say) stops the plan. */
  readonly maxRecordChars?: number;
}

const LF = 10;
const CR = 13;
const BOM = 0xfeff;
const DEFAULT_MAX_RECORD_CHARS = 1024 * 1024;

/** Where a record ended: its character offset (past the terminator) and the line after it. */
interface RecordEnd {
  readonly char: number;
  readonly nextLine: number;
}

/**
 * Text positions → byte positions for UTF-8 text fed in pieces: exact for valid UTF-8, which the
 * planner checks before decoding.
 */
class Positions {
  charBase = 0;
  byteBase = 0;
  text = '';

  next(text: string, leadingBytes = 0): void {
    this.charBase += this.text.length;
    this.byteBase += Buffer.byteLength(this.text) + leadingBytes;
    this.text = text;
  }

  /** The byte offset of a character offset inside (or at the end of) the current text. */
  byteOf(char: number): number {
    const within = char - this.charBase;
    return (
      this.byteBase +
      (within === this.text.length
        ? Buffer.byteLength(this.text)
        : Buffer.byteLength(this.text.slice(0, within)))
    );
  }

  /** The character at an offset of the current text, or -1 past its end. */
  charCodeAt(char: number): number {
    const within = char - this.charBase;
    return within >= 0 && within < this.text.length ? this.text.charCodeAt(within) : -1;
  }
}

class ChunkCollector {
  readonly chunks: PlannedChunk[] = [];
  readonly #target: number;
  #start = 0;
  #firstRow = 1;
  #firstLine = 1;
  #rows = 0;
  totalRows = 0;

  constructor(target: number) {
    this.#target = target;
  }

  begin(byte: number, line: number): void {
    this.#start = byte;
    this.#firstLine = line;
  }

  /** True when the chunk being built has reached the target size by `byte`. */
  full(byte: number): boolean {
    return byte - this.#start >= this.#target;
  }

  /** A lower bound on the chunk's size in bytes (a character is at least one byte). */
  fullByChars(charsSinceStart: number): boolean {
    return charsSinceStart >= this.#target;
  }

  addRow(): void {
    this.#rows += 1;
    this.totalRows += 1;
  }

  close(end: number, nextLine: number): void {
    if (this.#rows === 0) {
      this.begin(end, nextLine);
      return;
    }
    this.chunks.push({
      index: this.chunks.length,
      start: this.#start,
      end,
      firstRow: this.#firstRow,
      firstLine: this.#firstLine,
      rows: this.#rows,
    });
    this.#firstRow += this.#rows;
    this.#rows = 0;
    this.begin(end, nextLine);
  }
}

async function* checkedText(
  bytes: AsyncIterable<Uint8Array>,
): AsyncGenerator<{ text: string; total: number }> {
  const validator = new Utf8Validator();
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let total = 0;
  const refuse = (offset: number) =>
    new UnprocessableError(`The input is not UTF-8: an invalid byte sequence at byte ${offset}.`, {
      field: 'input',
      byte: offset,
    });
  for await (const chunk of bytes) {
    const bad = validator.check(chunk);
    if (bad >= 0) throw refuse(bad);
    total += chunk.byteLength;
    yield { text: decoder.decode(chunk, { stream: true }), total };
  }
  const cut = validator.finish();
  if (cut >= 0) throw refuse(cut);
  yield { text: decoder.decode(), total };
}

export async function planChunks(
  bytes: AsyncIterable<Uint8Array>,
  options: ChunkPlanOptions,
): Promise<ChunkPlan> {
  if (!(options.targetChunkBytes > 0)) throw new RangeError('targetChunkBytes must be positive.');
  return options.format === 'csv' ? planCsv(bytes, options) : planJsonLines(bytes, options);
}

async function planCsv(bytes: AsyncIterable<Uint8Array>, options: ChunkPlanOptions): Promise<ChunkPlan> {
  const maxRecordChars = options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  const positions = new Positions();
  const collector = new ChunkCollector(options.targetChunkBytes);
  let header: string[] | undefined;
  /** -1 until the header's end is known. */
  let dataStart = -1;
  /** A record end after a CR at the end of a piece: an LF starting the next piece belongs to it. */
  let pending: RecordEnd | undefined;
  let chunkStartChar = 0;
  let failure: UnprocessableError | undefined;

  const place = (end: RecordEnd, afterCr: boolean) => {
    let char = end.char;
    if (afterCr) {
      const following = positions.charCodeAt(char);
      if (following === -1) {
        pending = end;
        return;
      }
      if (following === LF) char += 1;
    }
    const byte = positions.byteOf(char);
    if (dataStart < 0) {
      dataStart = byte;
      collector.begin(byte, end.nextLine);
      chunkStartChar = char;
    } else if (collector.fullByChars(char - chunkStartChar) && collector.full(byte)) {
      collector.close(byte, end.nextLine);
      chunkStartChar = char;
    }
  };

  const tokenizer = new CsvTokenizer(
    {
      onRecord(fields, _line, _quoted, end) {
        if (header === undefined) header = fields;
        else collector.addRow();
        place({ char: end, nextLine: tokenizer.line }, positions.charCodeAt(end - 1) === CR);
      },
      onFinding(finding, line) {
        if (finding === 'unterminated-quote' || finding === 'record-too-long') {
          failure ??= new UnprocessableError(
            finding === 'unterminated-quote'
              ? `The CSV has a quote opened on line ${line} and never closed.`
              : `The CSV record starting on line ${line} is longer than ${maxRecordChars} characters.`,
            { field: 'input', line },
          );
        }
      },
    },
    { maxRecordChars },
  );

  let total = 0;
  let first = true;
  for await (const piece of checkedText(bytes)) {
    total = piece.total;
    let text = piece.text;
    let leading = 0;
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === BOM) {
        text = text.slice(1);
        leading = 3;
      }
    }
    positions.next(text, leading);
    if (pending !== undefined && text.length > 0) {
      const end = pending;
      pending = undefined;
      place(end, true);
    }
    tokenizer.write(text);
    if (failure) throw failure;
  }
  tokenizer.end();
  if (failure) throw failure;
  // A file ending in a CR: the pending boundary is the end of the file, where the last chunk closes.
  if (dataStart < 0) dataStart = total;
  collector.close(total, tokenizer.line);
  return {
    format: 'csv',
    ...(header === undefined ? {} : { header }),
    dataStart,
    totalBytes: total,
    totalRows: collector.totalRows,
    chunks: collector.chunks,
  };
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i += 1) {
    const c = text.charCodeAt(i);
    // What String.prototype.trim removes, for the characters JSON Lines files hold in practice.
    if (c !== 32 && c !== 9 && c !== CR && c !== 0xa0 && c !== BOM) return false;
  }
  return true;
}

async function planJsonLines(
  bytes: AsyncIterable<Uint8Array>,
  options: ChunkPlanOptions,
): Promise<ChunkPlan> {
  const maxRecordChars = options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  const collector = new ChunkCollector(options.targetChunkBytes);
  let byte = 0;
  let line = 1;
  /** The current line's characters from earlier pieces: only whether any is not blank, and how many. */
  let carriedChars = 0;
  let carriedContent = false;
  let first = true;
  for await (const piece of checkedText(bytes)) {
    let text = piece.text;
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === BOM) {
        text = text.slice(1);
        byte = 3;
        collector.begin(3, 1);
      }
    }
    let lineStart = 0;
    let lf = text.indexOf('\n');
    while (lf !== -1) {
      const content = carriedContent || !isBlank(text, lineStart, lf);
      if (carriedChars + lf - lineStart > maxRecordChars) throw tooLong(line, maxRecordChars);
      byte += Buffer.byteLength(text.slice(lineStart, lf + 1));
      line += 1;
      if (content) collector.addRow();
      if (collector.full(byte)) collector.close(byte, line);
      carriedChars = 0;
      carriedContent = false;
      lineStart = lf + 1;
      lf = text.indexOf('\n', lineStart);
    }
    if (lineStart < text.length) {
      carriedContent ||= !isBlank(text, lineStart, text.length);
      carriedChars += text.length - lineStart;
      if (carriedChars > maxRecordChars) throw tooLong(line, maxRecordChars);
      byte += Buffer.byteLength(text.slice(lineStart));
    }
  }
  if (carriedContent) collector.addRow();
  collector.close(byte, line);
  const dataStart = collector.chunks[0]?.start ?? byte;
  return {
    format: 'jsonl',
    dataStart,
    totalBytes: byte,
    totalRows: collector.totalRows,
    chunks: collector.chunks,
  };
}

function tooLong(line: number, max: number): UnprocessableError {
  return new UnprocessableError(`Line ${line} of the JSON Lines file is longer than ${max} characters.`, {
    field: 'input',
    line,
  });
}
