/**
 * The one table of what the commit checks and what each finding means: `blocking` findings fail the
 * commit (422) and leave nothing usable; `warning` findings are kept in the version's quality report.
 * The README's table mirrors this one (a unit test keeps the two in step).
 *
 * Rows are data rows, 1-based, the header not counted (row 1 is the first record after the header;
 * in JSON Lines, the first object). Lines are physical lines of the file, 1-based (the header is line 1).
 */

export type Severity = 'blocking' | 'warning';

interface Rule {
  readonly severity: Severity;
  /** Why this severity, for the README and for reviewers. */
  readonly why: string;
  readonly describe: (finding: FindingSummary) => string;
}

/** What an aggregated finding knows when its message is written. */
export interface FindingSummary {
  readonly column?: string;
  readonly count: number;
  readonly firstRow?: number;
  readonly firstLine?: number;
  readonly example?: string;
  readonly byteOffset?: number;
  readonly share?: number;
  readonly detail?: string;
}

const at = (f: FindingSummary): string =>
  f.firstRow !== undefined
    ? ` (first at row ${f.firstRow}, line ${f.firstLine ?? '?'})`
    : f.firstLine === undefined
      ? ''
      : ` (first at line ${f.firstLine})`;
const times = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const percent = (share: number | undefined) => `${Math.round((share ?? 0) * 1000) / 10}%`;

export const QUALITY_RULES = {
  'empty-file': {
    severity: 'blocking',
    why: 'There is nothing to train on.',
    describe: () => 'The file is empty (no bytes, or only a byte order mark and blank lines).',
  },
  'header-only': {
    severity: 'blocking',
    why: 'A header without rows is nothing to train on.',
    describe: () => 'The file has a header row but no data rows.',
  },
  'file-too-large': {
    severity: 'blocking',
    why: 'The commit must finish inside API Gateway’s 30 s limit.',
    describe: (f) => `The file is larger than the commit can check in time: ${f.detail ?? ''}`,
  },
  'time-limit': {
    severity: 'blocking',
    why: 'The commit must finish inside API Gateway’s 30 s limit; a half-checked file is not usable.',
    describe: (f) =>
      `Checking the file took longer than the commit may run ${f.detail ?? ''}; split the file.`,
  },
  'invalid-utf8': {
    severity: 'blocking',
    why: 'Text that is not UTF-8 would be read wrongly by every later step.',
    describe: (f) =>
      `The file is not valid UTF-8: byte offset ${f.byteOffset ?? 0}${at(f)}${f.column === undefined ? '' : `, column "${f.column}"`}${f.detail ?? ''}. Save it as UTF-8.`,
  },
  'record-too-long': {
    severity: 'blocking',
    why: 'Bounds memory; almost always an unclosed quote that swallowed the rest of the file.',
    describe: (f) => `A record runs past ${f.detail ?? 'the limit'}${at(f)}: probably an unclosed quote.`,
  },
  'unterminated-quote': {
    severity: 'blocking',
    why: 'Everything after the opening quote would become one value.',
    describe: (f) => `A quoted value is never closed${at(f)}.`,
  },
  'malformed-quote': {
    severity: 'blocking',
    why: 'Text after a closing quote (`"a"b`) has no single reading.',
    describe: (f) => `${times(f.count, 'value')} with text after the closing quote${at(f)}.`,
  },
  'empty-header': {
    severity: 'blocking',
    why: 'Every column needs a name to be used as a feature or target.',
    describe: (f) => `Column ${f.detail ?? '?'} has an empty name.`,
  },
  'duplicate-header': {
    severity: 'blocking',
    why: 'Two columns with one name cannot be told apart later.',
    describe: (f) => `The column name "${f.column ?? ''}" appears ${times(f.count, 'time')} in the header.`,
  },
  'too-many-columns': {
    severity: 'blocking',
    why: 'Bounds the memory and the size of the profile.',
    describe: (f) => `The file has more columns than the limit ${f.detail ?? ''}.`,
  },
  'too-many-fields': {
    severity: 'blocking',
    why: 'A row with extra values is shifted: no value can be trusted to belong to its column.',
    describe: (f) =>
      `${times(f.count, 'row')} with more values than the header has columns${at(f)}: value ${f.detail ?? ''} has no column.`,
  },
  'invalid-json': {
    severity: 'blocking',
    why: 'A line that is not JSON cannot be read.',
    describe: (f) => `${times(f.count, 'line')} of invalid JSON${at(f)}${f.detail ? `: ${f.detail}` : ''}.`,
  },
  'not-an-object': {
    severity: 'blocking',
    why: 'Columns are the keys of one object per line.',
    describe: (f) =>
      `${times(f.count, 'line')} holding JSON that is not an object${at(f)}${f.example ? ` (${f.example})` : ''}.`,
  },
  'too-few-fields': {
    severity: 'warning',
    why: 'Missing trailing values are read as missing (as pandas does).',
    describe: (f) =>
      `${times(f.count, 'row')} with fewer values than the header has columns${at(f)}; the absent values count as missing.`,
  },
  'unparsable-values': {
    severity: 'warning',
    why: 'A few bad values in a mostly typed column are treated as missing, not as a new type.',
    describe: (f) =>
      `Column "${f.column ?? ''}" is ${f.detail ?? 'typed'} but ${times(f.count, 'value')} (${percent(f.share)}) cannot be read as such${at(f)}${f.example === undefined ? '' : `, e.g. "${f.example}"`}; they count as missing in the statistics.`,
  },
  'empty-column': {
    severity: 'warning',
    why: 'Useless as a feature but harmless.',
    describe: (f) => `Column "${f.column ?? ''}" has no values.`,
  },
  'constant-column': {
    severity: 'warning',
    why: 'Useless as a feature but harmless.',
    describe: (f) =>
      `Column "${f.column ?? ''}" holds one value only${f.example === undefined ? '' : ` ("${f.example}")`}.`,
  },
  'mostly-missing': {
    severity: 'warning',
    why: 'Imputing most of a column invents data.',
    describe: (f) => `Column "${f.column ?? ''}" is missing in ${percent(f.share)} of the rows.`,
  },
  'blank-lines': {
    severity: 'warning',
    why: 'Blank lines are skipped, as most readers do.',
    describe: (f) => `${times(f.count, 'blank line')} skipped${at(f)}.`,
  },
  'stray-quote': {
    severity: 'warning',
    why: 'A quote inside an unquoted value (`5"`) is kept as a character, as most readers do.',
    describe: (f) =>
      `${times(f.count, 'value')} with a quote inside an unquoted value, kept as written${at(f)}.`,
  },
  bom: {
    severity: 'warning',
    why: 'Handled: the byte order mark is dropped so it does not end up in the first column name.',
    describe: () => 'The file starts with a UTF-8 byte order mark; it was ignored.',
  },
  'mixed-line-endings': {
    severity: 'warning',
    why: 'Handled: every ending is accepted; worth knowing because it hints at a concatenated file.',
    describe: (f) => `The file mixes line endings: ${f.detail ?? ''}.`,
  },
  'quoted-newlines': {
    severity: 'warning',
    why: 'Handled (RFC 4180); reported because line-oriented tools will split these rows.',
    describe: (f) => `${times(f.count, 'row')} with a line break inside a quoted value${at(f)}.`,
  },
} as const satisfies Record<string, Rule>;

export type QualityCode = keyof typeof QUALITY_RULES;

export interface QualityIssue {
  readonly code: QualityCode;
  readonly severity: Severity;
  readonly message: string;
  /** The column's name, when the finding is about one column. */
  readonly column?: string;
  /** The column's 1-based position. */
  readonly columnPosition?: number;
  /** How many times it occurred (rows, values, lines). */
  readonly count: number;
  /** The first data rows where it occurred (1-based, header not counted), at most five. */
  readonly rows?: readonly number[];
  /** The first physical lines where it occurred (1-based, the header is line 1), at most five. */
  readonly lines?: readonly number[];
  /** The first offending values, at most five, each cut to 100 characters. */
  readonly examples?: readonly string[];
  readonly byteOffset?: number;
  /** count / rows, for column findings. */
  readonly share?: number;
}

export interface QualityReport {
  readonly blocking: readonly QualityIssue[];
  readonly warnings: readonly QualityIssue[];
}

export const ROW_NUMBERING =
  'rows are data rows, 1-based, the header not counted; lines are lines of the file, 1-based, the header being line 1';
