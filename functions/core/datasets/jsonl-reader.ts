/**
 * A streaming JSON Lines reader: one JSON object per line (LF or CRLF), blank lines skipped. Each
 * line is parsed on its own, so a bad line is reported with its number and reading goes on.
 */

export type JsonLinesFinding = 'invalid-json' | 'not-an-object' | 'record-too-long';

export interface JsonLinesEvents {
  onObject(object: Record<string, unknown>, line: number): void;
  onBlankLine?(line: number): void;
  onFinding(finding: JsonLinesFinding, line: number, detail?: string): void;
}

export class JsonLinesReader {
  readonly #events: JsonLinesEvents;
  readonly #maxRecordChars: number;
  #pending = '';
  #line = 1;
  #stopped = false;
  readonly lineEndings = { lf: 0, crlf: 0, cr: 0 };

  constructor(events: JsonLinesEvents, options: { maxRecordChars?: number } = {}) {
    this.#events = events;
    this.#maxRecordChars = options.maxRecordChars ?? Number.POSITIVE_INFINITY;
  }

  /** The line being read (1-based). */
  get line(): number {
    return this.#line;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  write(text: string): void {
    if (this.#stopped) return;
    let start = 0;
    let end = text.indexOf('\n');
    while (end !== -1) {
      const raw =
        start === 0 && this.#pending.length > 0 ? this.#pending + text.slice(0, end) : text.slice(start, end);
      this.#pending = '';
      if (raw.endsWith('\r')) {
        this.lineEndings.crlf += 1;
        this.#take(raw.slice(0, -1));
      } else {
        this.lineEndings.lf += 1;
        this.#take(raw);
      }
      this.#line += 1;
      if (this.#stopped) return;
      start = end + 1;
      end = text.indexOf('\n', start);
    }
    this.#pending += text.slice(start);
    if (this.#pending.length > this.#maxRecordChars) {
      this.#stopped = true;
      this.#events.onFinding('record-too-long', this.#line);
    }
  }

  end(): void {
    if (this.#stopped || this.#pending.length === 0) return;
    const last = this.#pending;
    this.#pending = '';
    this.#take(last.endsWith('\r') ? last.slice(0, -1) : last);
  }

  #take(text: string): void {
    if (text.length > this.#maxRecordChars) {
      this.#stopped = true;
      this.#events.onFinding('record-too-long', this.#line);
      return;
    }
    if (text.trim().length === 0) {
      this.#events.onBlankLine?.(this.#line);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.#events.onFinding('invalid-json', this.#line, error instanceof Error ? error.message : undefined);
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.#events.onFinding('not-an-object', this.#line, text);
      return;
    }
    this.#events.onObject(value as Record<string, unknown>, this.#line);
  }
}
