/**
 * How one value is read and how a column's type is inferred from what its values looked like.
 * Inference is deterministic (counts only, no sampling, no order dependence) and every threshold is
 * a named constant below; `inferColumnType` returns the rule that decided, in words.
 */
import type { ColumnType } from './dataset-records.ts';

/** Values read as missing (after trimming), as pandas' default `na_values` mostly do. */
export const MISSING_TOKENS: ReadonlySet<string> = new Set([
  '',
  'NA',
  'N/A',
  'n/a',
  'na',
  'NaN',
  'nan',
  'null',
  'NULL',
  'Null',
  'None',
  'none',
  '#N/A',
  '<NA>',
]);
const LONGEST_MISSING_TOKEN = 4;

/** Case-insensitive; 0 and 1 also count as boolean when a column holds nothing else. */
export const BOOLEAN_TOKENS: ReadonlySet<string> = new Set(['true', 'false', 'yes', 'no']);
const LONGEST_BOOLEAN_TOKEN = 5;

/** A column is numeric (or datetime) when at least this share of its present values parse as such;
 * the rest are then reported as unparsable. Below it the column is "mostly unparsable" and is read as text. */
export const MIN_TYPED_SHARE = 0.5;
/** Fewer present values than this say too little about uniqueness to call a column an identifier. */
export const IDENTIFIER_MIN_VALUES = 20;
/** String identifiers: at least this share of present values distinct… */
export const IDENTIFIER_MIN_DISTINCT_SHARE = 0.95;
/** …and at most this share of values containing whitespace (ids are single tokens; free text is not). */
export const IDENTIFIER_MAX_WHITESPACE_SHARE = 0.05;
/** Integer identifiers: (almost) all distinct… */
export const INTEGER_IDENTIFIER_MIN_DISTINCT_SHARE = 0.99;
/** …and either named like an id or a dense range: (max − min + 1) ≤ this × count, like row numbers. */
export const IDENTIFIER_DENSE_RANGE_FACTOR = 1.5;
/** Names that mark an identifier: `id`, `user_id`, `order-key`, `uuid`, `customerId`. */
export const IDENTIFIER_NAME = /(?:^|[_\-\s.])(?:id|uuid|guid|key)$|^(?:id|uuid|guid)$/i;
const CAMEL_CASE_ID = /[a-z]Id$/;
/** Free text: values this long on average… */
export const TEXT_MIN_MEAN_LENGTH = 30;
/** …with whitespace in at least this share of them. */
export const TEXT_MIN_WHITESPACE_SHARE = 0.5;
/** Categorical: at most this many distinct values… */
export const CATEGORICAL_MAX_DISTINCT = 100;
/** …or, beyond that, distinct values at most this share of present values (high-cardinality categories). */
export const CATEGORICAL_MAX_DISTINCT_SHARE = 0.2;

export type ValueKind = 'integer' | 'decimal' | 'boolean' | 'datetime' | 'string';

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function isMissing(trimmed: string): boolean {
  return trimmed.length <= LONGEST_MISSING_TOKEN && MISSING_TOKENS.has(trimmed);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/**
 * Epoch milliseconds of an ISO-8601 date (`2024-01-31`) or date-time (`2024-01-31T10:00`,
 * `2024-01-31 10:00:00.123`, with `Z` or an offset such as `+02:00`), or NaN when it is not one
 * (including impossible dates such as 2023-02-29). Hand-written: it runs once per value.
 */
export function parseDatetime(text: string): number {
  const n = text.length;
  if (n < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return Number.NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return Number.NaN;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (DAYS_IN_MONTH[month - 1] as number) + (month === 2 && leap ? 1 : 0)) return Number.NaN;
  let ms = daysFromCivil(year, month, day) * 86_400_000;
  if (n === 10) return ms;
  const separator = text.charCodeAt(10);
  if ((separator !== 84 && separator !== 32) || n < 16 || text.charCodeAt(13) !== 58) return Number.NaN;
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return Number.NaN;
  ms += (hour * 60 + minute) * 60_000;
  let i = 16;
  if (i < n && text.charCodeAt(i) === 58) {
    const second = digits(text, i + 1, 2);
    if (i + 3 > n || second < 0 || second > 59) return Number.NaN;
    ms += second * 1000;
    i += 3;
    if (i < n && text.charCodeAt(i) === 46) {
      const start = i + 1;
      i = start;
      while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i += 1;
      if (i === start || i - start > 9) return Number.NaN;
      ms += Math.floor(Number(`0.${text.slice(start, i)}`) * 1000);
    }
  }
  if (i === n) return ms;
  const zone = text.charCodeAt(i);
  if (zone === 90) return i + 1 === n ? ms : Number.NaN;
  if (zone !== 43 && zone !== 45) return Number.NaN;
  const offsetHours = digits(text, i + 1, 2);
  const colon = text.charCodeAt(i + 3) === 58 ? 1 : 0;
  const offsetMinutes = digits(text, i + 3 + colon, 2);
  if (offsetHours < 0 || offsetMinutes < 0 || i + 5 + colon !== n) return Number.NaN;
  return ms - (zone === 43 ? 1 : -1) * (offsetHours * 60 + offsetMinutes) * 60_000;
}

/** What a present (non-missing, trimmed) text value looks like. */
export function classifyText(trimmed: string): ValueKind {
  const first = trimmed.charCodeAt(0);
  if ((first >= 48 && first <= 57) || first === 45 || first === 43 || first === 46) {
    if (INTEGER.test(trimmed)) return 'integer';
    if (DECIMAL.test(trimmed)) return 'decimal';
    if (first >= 48 && first <= 57 && !Number.isNaN(parseDatetime(trimmed))) return 'datetime';
    return 'string';
  }
  if (trimmed.length <= LONGEST_BOOLEAN_TOKEN && BOOLEAN_TOKENS.has(trimmed.toLowerCase())) return 'boolean';
  return 'string';
}

/** What the profiler counted for one column: the input of type inference. */
export interface ColumnCounts {
  readonly name: string;
  /** Values neither empty nor a missing token. */
  readonly present: number;
  readonly integers: number;
  readonly decimals: number;
  /** Boolean tokens plus integers equal to 0 or 1. */
  readonly booleanLike: number;
  readonly datetimes: number;
  readonly distinct: number;
  /** Among string values (not numbers, booleans or datetimes). */
  readonly strings: number;
  readonly stringsWithWhitespace: number;
  readonly stringLengthTotal: number;
  /** Over the integer and decimal values. */
  readonly numericMin: number;
  readonly numericMax: number;
}

export interface InferredType {
  readonly type: ColumnType;
  readonly reason: string;
  /** Set when values were expected to parse as numbers or datetimes: the rest are "unparsable". */
  readonly parsedAs?: 'number' | 'datetime';
}

const pct = (share: number) => `${Math.round(share * 1000) / 10}%`;

export function inferColumnType(c: ColumnCounts): InferredType {
  if (c.present === 0) return { type: 'empty', reason: 'no values (all empty or missing tokens)' };
  if (c.booleanLike === c.present) {
    return { type: 'boolean', reason: 'every value is true/false, yes/no or 0/1' };
  }
  const numbers = c.integers + c.decimals;
  const numberShare = numbers / c.present;
  if (numberShare >= MIN_TYPED_SHARE) {
    const share = `${pct(numberShare)} of the values are numbers`;
    if (c.decimals > 0)
      return { type: 'numeric', reason: `${share}, some with decimals`, parsedAs: 'number' };
    const allDistinct = c.distinct >= c.present * INTEGER_IDENTIFIER_MIN_DISTINCT_SHARE;
    const named = IDENTIFIER_NAME.test(c.name) || CAMEL_CASE_ID.test(c.name);
    const dense = c.numericMax - c.numericMin + 1 <= IDENTIFIER_DENSE_RANGE_FACTOR * numbers;
    if (c.present >= IDENTIFIER_MIN_VALUES && numberShare === 1 && allDistinct && (named || dense)) {
      return {
        type: 'identifier',
        reason: `distinct integers ${named ? 'in a column named like an id' : 'forming a dense range (row numbers)'}`,
        parsedAs: 'number',
      };
    }
    return { type: 'integer', reason: `${share}, all whole`, parsedAs: 'number' };
  }
  const datetimeShare = c.datetimes / c.present;
  if (datetimeShare >= MIN_TYPED_SHARE) {
    return {
      type: 'datetime',
      reason: `${pct(datetimeShare)} of the values are ISO-8601 dates or times`,
      parsedAs: 'datetime',
    };
  }
  const distinctShare = c.distinct / c.present;
  const whitespaceShare = c.strings === 0 ? 0 : c.stringsWithWhitespace / c.strings;
  const meanLength = c.strings === 0 ? 0 : c.stringLengthTotal / c.strings;
  if (
    c.present >= IDENTIFIER_MIN_VALUES &&
    distinctShare >= IDENTIFIER_MIN_DISTINCT_SHARE &&
    whitespaceShare <= IDENTIFIER_MAX_WHITESPACE_SHARE
  ) {
    return { type: 'identifier', reason: `${pct(distinctShare)} of the values are distinct single tokens` };
  }
  if (meanLength >= TEXT_MIN_MEAN_LENGTH && whitespaceShare >= TEXT_MIN_WHITESPACE_SHARE) {
    return {
      type: 'text',
      reason: `long values (${Math.round(meanLength)} characters on average) with spaces: free text`,
    };
  }
  if (c.distinct <= CATEGORICAL_MAX_DISTINCT) {
    return { type: 'categorical', reason: `${c.distinct} distinct ${c.distinct === 1 ? 'value' : 'values'}` };
  }
  if (distinctShare <= CATEGORICAL_MAX_DISTINCT_SHARE) {
    return {
      type: 'categorical',
      reason: `${c.distinct} distinct values, ${pct(distinctShare)} of the values`,
    };
  }
  return { type: 'text', reason: `${pct(distinctShare)} of the values are distinct: free text` };
}
