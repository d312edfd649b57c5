/**
 * Reads a dataset file once, as a stream of byte chunks: size and SHA-256 of the bytes, UTF-8
 * validation with the offset of the first bad byte, CSV or JSON Lines parsing, the profile and the
 * quality report. Memory stays bounded by one chunk, one record and the per-column summaries,
 * whatever the size of the file. Stops early on a finding that makes reading on pointless.
 *
 * @example
 * const result = await scanDataset(s3Body, 'csv');
 * if (result.quality.blocking.length > 0) … else result.profile
 */
import { createHash } from 'node:crypto';
import { CsvTokenizer } from './csv-tokenizer.ts';
import type { DatasetFormat, DatasetProfile } from './dataset-records.ts';
import { JsonLinesReader } from './jsonl-reader.ts';
import { DatasetProfiler } from './profiler.ts';
import { QualityLog } from './quality-log.ts';
import type { QualityReport } from './quality-rules.ts';
import { Utf8Validator } from './utf8.ts';

/** Longest record (CSV) or line (JSON Lines), in characters: bounds memory against an unclosed quote. */
export const MAX_RECORD_CHARS = 1024 * 1024;
/** Most columns a dataset may have: bounds the profile's memory and its size in the version record. */
export const MAX_COLUMNS = 1000;

export interface ScanLimits {
  readonly maxRecordChars: number;
  readonly maxColumns: number;
  /** Milliseconds the scan may take before it gives up (the commit runs inside HTTP API's 30 s). */
  readonly timeBudgetMs: number;
}

export interface ScanResult {
  /** Bytes read: the whole file unless the scan stopped early. */
  readonly sizeBytes: number;
  /** Hex SHA-256 of the bytes read. */
  readonly sha256: string;
  readonly rowCount: number;
  /** Present only when nothing blocking was found. */
  readonly profile?: DatasetProfile;
  readonly quality: QualityReport;
}

interface FormatReader {
  write(text: string): void;
  end(): void;
  readonly stopped: boolean;
  readonly lineEndings: { lf: number; crlf: number; cr: number };
  /** Where the reader is, for findings about bytes: the line, and the row and column if known. */
  position(): { line: number; row?: number; column?: string; position?: number };
  /** Findings that need the whole file (empty file, header only). */
  finish(): void;
  readonly rowCount: number;
}

function csvReader(profiler: DatasetProfiler, log: QualityLog, limits: ScanLimits): FormatReader {
  let header: string[] | undefined;
  let headerLine = 1;
  let rows = 0;
  let stopped = false;
  const tokenizer = new CsvTokenizer(
    {
      onRecord(fields, line, quotedNewline) {
        if (stopped) return;
        if (header === undefined) {
          headerLine = line;
          header = readHeader(fields, line, profiler, log, limits);
          if (header === undefined) stopped = true;
          return;
        }
        rows += 1;
        const at = { row: rows, line };
        if (quotedNewline) log.add('quoted-newlines', {}, at);
        if (fields.length > header.length) {
          // Named by the position of the first value that has no column.
          const extra = { position: header.length + 1 };
          log.detail('too-many-fields', extra, String(extra.position));
          log.add('too-many-fields', extra, at);
          return;
        }
        if (fields.length < header.length) log.add('too-few-fields', {}, at);
        profiler.addFields(fields, rows, line);
      },
      onBlankLine(line) {
        log.add('blank-lines', {}, { line });
      },
      onFinding(finding, line, fieldIndex) {
        const row = header === undefined ? undefined : rows + 1;
        const name = header?.[fieldIndex];
        const target = name === undefined ? {} : { column: name, position: fieldIndex + 1 };
        if (finding === 'record-too-long') log.detail(finding, {}, `${limits.maxRecordChars} characters`);
        log.add(finding, finding === 'record-too-long' ? {} : target, {
          line,
          ...(row === undefined ? {} : { row }),
        });
      },
    },
    { maxRecordChars: limits.maxRecordChars },
  );
  return {
    write: (text) => tokenizer.write(text),
    end: () => tokenizer.end(),
    get stopped() {
      return stopped || tokenizer.stopped;
    },
    lineEndings: tokenizer.lineEndings,
    position() {
      const name = header?.[tokenizer.fieldIndex];
      return {
        line: tokenizer.line,
        ...(header === undefined ? {} : { row: rows + 1 }),
        ...(name === undefined ? {} : { column: name, position: tokenizer.fieldIndex + 1 }),
      };
    },
    finish() {
      if (log.hasBlocking) return;
      if (header === undefined) log.add('empty-file');
      else if (rows === 0) log.add('header-only', {}, { line: headerLine });
    },
    get rowCount() {
      return rows;
    },
  };
}

/** Checks the header row and adds its columns; undefined when reading on is pointless. */
function readHeader(
  names: string[],
  line: number,
  profiler: DatasetProfiler,
  log: QualityLog,
  limits: ScanLimits,
): string[] | undefined {
  if (names.length > limits.maxColumns) {
    log.detail('too-many-columns', {}, `(${names.length} > ${limits.maxColumns})`);
    log.add('too-many-columns', {}, { line });
    return undefined;
  }
  const seen = new Map<string, number>();
  names.forEach((name, index) => {
    if (name.trim().length === 0) {
      log.detail('empty-header', { position: index + 1 }, String(index + 1));
      log.add('empty-header', { position: index + 1 }, { line });
    }
    seen.set(name, (seen.get(name) ?? 0) + 1);
  });
  for (const [name, count] of seen) {
    if (count > 1 && name.trim().length > 0) {
      log.summarise('duplicate-header', { column: name, position: names.indexOf(name) + 1 }, { count }, [
        line,
      ]);
    }
  }
  const copies = names.map((name) => Buffer.from(name, 'utf8').toString('utf8'));
  for (const name of copies) profiler.addColumn(name);
  return copies;
}

function jsonLinesReader(profiler: DatasetProfiler, log: QualityLog, limits: ScanLimits): FormatReader {
  let rows = 0;
  let stopped = false;
  let firstError: string | undefined;
  const reader = new JsonLinesReader(
    {
      onObject(object, line) {
        if (stopped) return;
        rows += 1;
        for (const key in object) {
          if (profiler.hasColumn(key)) continue;
          if (profiler.columnCount >= limits.maxColumns) {
            log.detail('too-many-columns', {}, `(more than ${limits.maxColumns} distinct keys)`);
            log.add('too-many-columns', {}, { row: rows, line });
            stopped = true;
            return;
          }
          if (key.trim().length === 0) {
            const position = profiler.columnCount + 1;
            log.detail('empty-header', { position }, String(position));
            log.add('empty-header', { position }, { row: rows, line });
          }
          profiler.addColumn(Buffer.from(key, 'utf8').toString('utf8'));
        }
        profiler.addObject(object, rows, line);
      },
      onBlankLine(line) {
        log.add('blank-lines', {}, { line });
      },
      onFinding(finding, line, detail) {
        // A line that is not an object is not a row: its row number is the one it would have had.
        if (finding === 'record-too-long') log.detail(finding, {}, `${limits.maxRecordChars} characters`);
        if (finding === 'invalid-json' && firstError === undefined && detail !== undefined) {
          firstError = detail;
          log.detail(finding, {}, detail);
        }
        const example = finding === 'not-an-object' && detail !== undefined ? { example: detail } : {};
        log.add(finding, {}, { row: rows + 1, line, ...example });
      },
    },
    { maxRecordChars: limits.maxRecordChars },
  );
  return {
    write: (text) => reader.write(text),
    end: () => reader.end(),
    get stopped() {
      return stopped || reader.stopped;
    },
    lineEndings: reader.lineEndings,
    position: () => ({ line: reader.line, row: rows + 1 }),
    finish() {
      if (rows === 0 && !log.hasBlocking) log.add('empty-file');
    },
    get rowCount() {
      return rows;
    },
  };
}

function reportInvalidUtf8(log: QualityLog, reader: FormatReader, byteOffset: number): void {
  const { line, row, column, position } = reader.position();
  const target = column === undefined ? {} : { column, position };
  log.add('invalid-utf8', target, { line, byteOffset, ...(row === undefined ? {} : { row }) });
}

function describeEndings(endings: { lf: number; crlf: number; cr: number }): string | undefined {
  const used = (
    [
      ['LF', endings.lf],
      ['CRLF', endings.crlf],
      ['CR', endings.cr],
    ] as const
  ).filter(([, count]) => count > 0);
  return used.length > 1 ? used.map(([name, count]) => `${count} ${name}`).join(', ') : undefined;
}

export async function scanDataset(
  bytes: AsyncIterable<Uint8Array>,
  format: DatasetFormat,
  options: { limits?: Partial<ScanLimits>; clock?: () => number } = {},
): Promise<ScanResult> {
  const limits: ScanLimits = {
    maxRecordChars: MAX_RECORD_CHARS,
    maxColumns: MAX_COLUMNS,
    timeBudgetMs: Number.POSITIVE_INFINITY,
    ...options.limits,
  };
  const clock = options.clock ?? Date.now;
  const started = clock();
  const log = new QualityLog();
  const profiler = new DatasetProfiler();
  const reader = format === 'csv' ? csvReader(profiler, log, limits) : jsonLinesReader(profiler, log, limits);
  const hash = createHash('sha256');
  const utf8 = new Utf8Validator();
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let size = 0;
  let first = true;
  let complete = true;

  const feed = (text: string) => {
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) {
        log.add('bom', {}, { line: 1, byteOffset: 0 });
        reader.write(text.slice(1));
        return;
      }
    }
    reader.write(text);
  };

  for await (const chunk of bytes) {
    const chunkStart = size;
    size += chunk.byteLength;
    hash.update(chunk);
    const bad = utf8.check(chunk);
    if (bad !== -1) {
      if (bad > chunkStart) feed(decoder.decode(chunk.subarray(0, bad - chunkStart), { stream: true }));
      const utf16 =
        bad === 0 &&
        chunk.length >= 2 &&
        ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff));
      if (utf16) log.detail('invalid-utf8', {}, ' (it looks like UTF-16)');
      reportInvalidUtf8(log, reader, bad);
      complete = false;
      break;
    }
    feed(decoder.decode(chunk, { stream: true }));
    if (reader.stopped) {
      complete = false;
      break;
    }
    if (clock() - started > limits.timeBudgetMs) {
      log.detail('time-limit', {}, `(${Math.round(limits.timeBudgetMs / 1000)} s, ${size} bytes read)`);
      log.add('time-limit');
      complete = false;
      break;
    }
  }

  if (complete) {
    const truncated = utf8.finish();
    if (truncated !== -1) {
      reportInvalidUtf8(log, reader, truncated);
    } else {
      feed(decoder.decode());
      reader.end();
      if (size === 0) log.add('empty-file');
      else reader.finish();
      const endings = describeEndings(reader.lineEndings);
      if (endings !== undefined) log.summarise('mixed-line-endings', {}, { count: 1, detail: endings });
    }
  }

  const rowCount = reader.rowCount;
  const profile = log.hasBlocking ? undefined : profiler.finish(rowCount, log);
  return {
    sizeBytes: size,
    sha256: hash.digest('hex'),
    rowCount,
    ...(profile === undefined ? {} : { profile }),
    quality: log.report(),
  };
}
