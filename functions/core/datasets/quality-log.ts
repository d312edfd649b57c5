/**
 * Collects quality findings while a file streams past, in bounded memory: one entry per rule and
 * column, with a count and the first few rows, lines and values where it occurred.
 */
import {
  type FindingSummary,
  QUALITY_RULES,
  type QualityCode,
  type QualityIssue,
  type QualityReport,
} from './quality-rules.ts';

export const MAX_LOCATIONS = 5;
export const MAX_EXAMPLE_CHARS = 100;

export interface FindingTarget {
  readonly column?: string;
  /** 1-based column position. */
  readonly position?: number;
}

export interface Occurrence {
  readonly row?: number;
  readonly line?: number;
  readonly example?: string;
  readonly byteOffset?: number;
}

interface Entry {
  readonly code: QualityCode;
  readonly target: FindingTarget;
  count: number;
  rows: number[];
  lines: number[];
  examples: string[];
  byteOffset?: number;
  share?: number;
  detail?: string;
}

/**
 * A copy that is safe to keep. Values from the parser are often V8 "sliced strings" that hold on to
 * the whole chunk of text they came from; prepending a character forces a flat copy of the value
 * alone, which `slice` then returns (strings under 13 characters are copied by V8 anyway).
 */
export function flatCopy(value: string): string {
  return value.length < 13 ? value : ` ${value}`.slice(1);
}

/** A short, flat copy for reports: at most MAX_EXAMPLE_CHARS characters. */
export function shortCopy(value: string): string {
  return flatCopy(value.length > MAX_EXAMPLE_CHARS ? `${value.slice(0, MAX_EXAMPLE_CHARS - 1)}…` : value);
}

export class QualityLog {
  readonly #entries = new Map<string, Entry>();
  #blocking = 0;

  /** Records one occurrence (or `count` of them) of a finding. */
  add(code: QualityCode, target: FindingTarget = {}, occurrence: Occurrence = {}, count = 1): void {
    const entry = this.#entry(code, target);
    entry.count += count;
    if (occurrence.row !== undefined && entry.rows.length < MAX_LOCATIONS) entry.rows.push(occurrence.row);
    if (occurrence.line !== undefined && entry.lines.length < MAX_LOCATIONS)
      entry.lines.push(occurrence.line);
    if (occurrence.example !== undefined && entry.examples.length < MAX_LOCATIONS) {
      entry.examples.push(shortCopy(occurrence.example));
    }
    if (occurrence.byteOffset !== undefined) entry.byteOffset ??= occurrence.byteOffset;
  }

  /** Adds a finding computed at the end (column statistics), with its share and wording detail. */
  summarise(
    code: QualityCode,
    target: FindingTarget,
    summary: {
      count: number;
      share?: number;
      detail?: string;
      rows?: readonly number[];
      examples?: readonly string[];
    },
    lines: readonly number[] = [],
  ): void {
    const entry = this.#entry(code, target);
    entry.count += summary.count;
    entry.rows.push(...(summary.rows ?? []).slice(0, MAX_LOCATIONS));
    entry.lines.push(...lines.slice(0, MAX_LOCATIONS));
    entry.examples.push(...(summary.examples ?? []).slice(0, MAX_LOCATIONS).map(shortCopy));
    if (summary.share !== undefined) entry.share = summary.share;
    if (summary.detail !== undefined) entry.detail = summary.detail;
  }

  /** Sets the wording detail of a finding (e.g. the limit it broke). */
  detail(code: QualityCode, target: FindingTarget, detail: string): void {
    this.#entry(code, target).detail = detail;
  }

  get hasBlocking(): boolean {
    return this.#blocking > 0;
  }

  has(code: QualityCode): boolean {
    for (const entry of this.#entries.values()) if (entry.code === code) return true;
    return false;
  }

  /** Blocking findings in file order (earliest line first), then warnings in the order found. */
  report(): QualityReport {
    const issues = [...this.#entries.values()].map(toIssue);
    const position = (issue: QualityIssue) => issue.lines?.[0] ?? issue.rows?.[0] ?? 0;
    return {
      blocking: issues.filter((i) => i.severity === 'blocking').sort((a, b) => position(a) - position(b)),
      warnings: issues.filter((i) => i.severity === 'warning'),
    };
  }

  #entry(code: QualityCode, target: FindingTarget): Entry {
    const key = `${code}\u0000${target.position ?? ''}`;
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { code, target, count: 0, rows: [], lines: [], examples: [] };
      this.#entries.set(key, entry);
      if (QUALITY_RULES[code].severity === 'blocking') this.#blocking += 1;
    }
    return entry;
  }
}

function toIssue(entry: Entry): QualityIssue {
  const rule = QUALITY_RULES[entry.code];
  const summary: FindingSummary = {
    count: entry.count,
    ...(entry.target.column === undefined ? {} : { column: entry.target.column }),
    ...(entry.rows[0] === undefined ? {} : { firstRow: entry.rows[0] }),
    ...(entry.lines[0] === undefined ? {} : { firstLine: entry.lines[0] }),
    ...(entry.examples[0] === undefined ? {} : { example: entry.examples[0] }),
    ...(entry.byteOffset === undefined ? {} : { byteOffset: entry.byteOffset }),
    ...(entry.share === undefined ? {} : { share: entry.share }),
    ...(entry.detail === undefined ? {} : { detail: entry.detail }),
  };
  return {
    code: entry.code,
    severity: rule.severity,
    message: rule.describe(summary),
    ...(entry.target.column === undefined ? {} : { column: entry.target.column }),
    ...(entry.target.position === undefined ? {} : { columnPosition: entry.target.position }),
    count: entry.count,
    ...(entry.rows.length > 0 ? { rows: entry.rows } : {}),
    ...(entry.lines.length > 0 ? { lines: entry.lines } : {}),
    ...(entry.examples.length > 0 ? { examples: entry.examples } : {}),
    ...(entry.byteOffset === undefined ? {} : { byteOffset: entry.byteOffset }),
    ...(entry.share === undefined ? {} : { share: entry.share }),
  };
}
