/**
 * A streaming RFC 4180 CSV tokenizer that also reports what the quality checks need and general
 * parsers do not expose: the line each record starts on, the record terminators used outside
 * quotes (LF, CRLF, CR: all accepted), line breaks inside quoted values, blank lines, quotes in odd
 * places, and a bound on record length so an unclosed quote cannot swallow memory.
 *
 * Text arrives in chunks of any size (a record, a quote pair or a CRLF may be split between
 * chunks); each complete record is handed to `onRecord` at once and not kept.
 *
 * @example
 * const tokenizer = new CsvTokenizer({ onRecord: (fields, line) => rows.push(fields), onFinding: () => {} });
 * tokenizer.write('a,b\r\n1,"x\ny"\r\n');
 * tokenizer.end();
 */

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A quote inside a quoted value: either the first of an escaped pair or the closing quote. */
const QUOTE_IN_QUOTED = 3;

export type CsvFinding = 'malformed-quote' | 'stray-quote' | 'unterminated-quote' | 'record-too-long';

export interface CsvTokenizerEvents {
  /**
   * A complete record; `line` is the physical line it starts on (1-based). The array is not reused.
   * `end` is the character offset (from the first character written) just past the record's
   * terminator (past the CR of a CRLF), or the end of the text for a last record without one.
   */
  onRecord(fields: string[], line: number, hasQuotedNewline: boolean, end: number): void;
  /** A line with nothing on it, skipped. */
  onBlankLine?(line: number): void;
  /** `fieldIndex` is 0-based within the record. */
  onFinding(finding: CsvFinding, line: number, fieldIndex: number): void;
}

export interface LineEndingCounts {
  lf: number;
  crlf: number;
  cr: number;
}

export class CsvTokenizer {
  readonly #events: CsvTokenizerEvents;
  readonly #maxRecordChars: number;

  #state = FIELD_START;
  /** The current field's text from earlier chunks or segments. */
  #field = '';
  #fields: string[] = [];
  #recordStarted = false;
  #recordLine = 1;
  #recordChars = 0;
  #quotedNewline = false;
  #quoteLine = 1;
  #recordEnd = 0;

  /** Characters consumed before the current chunk. */
  #consumed = 0;
  #line = 1;
  /** Position of the last CR seen, to recognise the LF of a CRLF. */
  #lastCr = -2;
  /** Position of the last CR that ended a record, whose LF must then be skipped. */
  #terminatorCr = -2;
  #stopped = false;

  readonly lineEndings: LineEndingCounts = { lf: 0, crlf: 0, cr: 0 };

  constructor(events: CsvTokenizerEvents, options: { maxRecordChars?: number } = {}) {
    this.#events = events;
    this.#maxRecordChars = options.maxRecordChars ?? Number.POSITIVE_INFINITY;
  }

  /** The physical line being read (1-based). */
  get line(): number {
    return this.#line;
  }

  /** The 0-based index of the field being read in the current record. */
  get fieldIndex(): number {
    return this.#fields.length;
  }

  /** True once a record ran past the length bound: nothing more is read. */
  get stopped(): boolean {
    return this.#stopped;
  }

  write(text: string): void {
    if (this.#stopped) return;
    const n = text.length;
    let state = this.#state;
    let segmentStart = 0;
    let i = 0;
    while (i < n && !this.#stopped) {
      let c = text.charCodeAt(i);
      if (state === UNQUOTED) {
        while (c !== COMMA && c !== LF && c !== CR && c !== QUOTE) {
          i += 1;
          if (i === n) break;
          c = text.charCodeAt(i);
        }
        if (i === n) break;
        if (c === QUOTE) {
          this.#events.onFinding('stray-quote', this.#line, this.#fields.length);
          i += 1;
          continue;
        }
        this.#pushField(this.#field + text.slice(segmentStart, i));
        state = FIELD_START;
        if (c !== COMMA) this.#terminate(c, this.#consumed + i);
        i += 1;
      } else if (state === QUOTED) {
        while (c !== QUOTE) {
          if (c === LF || c === CR) {
            this.#countLine(c, this.#consumed + i);
            this.#quotedNewline = true;
          }
          i += 1;
          if (i === n) break;
          c = text.charCodeAt(i);
        }
        if (i === n) break;
        this.#field += text.slice(segmentStart, i);
        state = QUOTE_IN_QUOTED;
        i += 1;
      } else if (state === QUOTE_IN_QUOTED) {
        if (c === QUOTE) {
          this.#field += '"';
          state = QUOTED;
          i += 1;
          segmentStart = i;
        } else if (c === COMMA || c === LF || c === CR) {
          this.#pushField(this.#field);
          state = FIELD_START;
          if (c !== COMMA) this.#terminate(c, this.#consumed + i);
          i += 1;
        } else {
          // `"a"b`: kept as `ab`, but reported as blocking.
          this.#events.onFinding('malformed-quote', this.#line, this.#fields.length);
          state = UNQUOTED;
          segmentStart = i;
        }
      } else {
        // FIELD_START. A record already started here just had a comma: its last field is empty.
        if (c === LF || c === CR) {
          if (this.#recordStarted) this.#pushField('');
          this.#terminate(c, this.#consumed + i);
          i += 1;
          continue;
        }
        if (!this.#recordStarted) {
          this.#recordStarted = true;
          this.#recordLine = this.#line;
        }
        if (c === COMMA) {
          this.#pushField('');
          i += 1;
        } else if (c === QUOTE) {
          state = QUOTED;
          this.#quoteLine = this.#line;
          i += 1;
          segmentStart = i;
        } else {
          state = UNQUOTED;
          segmentStart = i;
        }
      }
    }
    if (this.#stopped) return;
    if (state === UNQUOTED || state === QUOTED) this.#field += text.slice(segmentStart, n);
    this.#state = state;
    this.#consumed += n;
    if (this.#recordChars + this.#field.length > this.#maxRecordChars) this.#stop();
  }

  /** The end of the file: flushes the last record (it needs no terminator). */
  end(): void {
    if (this.#stopped) return;
    const state = this.#state;
    if (state === QUOTED) {
      this.#events.onFinding('unterminated-quote', this.#quoteLine, this.#fields.length);
      return;
    }
    if (state === UNQUOTED || state === QUOTE_IN_QUOTED) this.#pushField(this.#field);
    else if (this.#recordStarted) this.#pushField('');
    this.#recordEnd = this.#consumed;
    if (this.#recordStarted && !this.#stopped) this.#emit();
  }

  #countLine(c: number, position: number): void {
    if (c === CR) {
      this.#line += 1;
      this.#lastCr = position;
    } else if (position - 1 !== this.#lastCr) this.#line += 1;
  }

  #pushField(value: string): void {
    this.#fields.push(value);
    this.#field = '';
    this.#recordChars += value.length + 1;
    if (this.#recordChars > this.#maxRecordChars) this.#stop();
  }

  /** A record terminator outside quotes at `position`: CR, LF, or the LF of a CRLF. */
  #terminate(c: number, position: number): void {
    if (this.#stopped) return;
    this.#countLine(c, position);
    if (c === LF && position - 1 === this.#terminatorCr) {
      // The CR before it already ended the record (or blank line): this is one CRLF.
      this.lineEndings.cr -= 1;
      this.lineEndings.crlf += 1;
      return;
    }
    if (c === CR) {
      this.#terminatorCr = position;
      this.lineEndings.cr += 1;
    } else this.lineEndings.lf += 1;
    this.#recordEnd = position + 1;
    if (this.#recordStarted) this.#emit();
    // A line ending with nothing before it. `line` has moved past it already.
    else this.#events.onBlankLine?.(this.#line - 1);
  }

  #emit(): void {
    const fields = this.#fields;
    this.#fields = [];
    this.#recordStarted = false;
    this.#recordChars = 0;
    const quoted = this.#quotedNewline;
    this.#quotedNewline = false;
    this.#events.onRecord(fields, this.#recordLine, quoted, this.#recordEnd);
  }

  #stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#events.onFinding('record-too-long', this.#recordLine, this.#fields.length);
  }
}
