/**
 * Profiles a dataset one row at a time in bounded memory: per column a handful of counters, a
 * running mean/variance, a histogram of its numbers, a distinct counter and space-saving counters,
 * whatever the number of rows.
 * At the end each column's type is inferred and the column findings (empty, constant, mostly
 * missing, unparsable values) go to the quality log.
 */
import {
  classifyText,
  type InferredType,
  inferColumnType,
  isMissing,
  parseDatetime,
  type ValueKind,
} from './column-types.ts';
import type { ColumnProfile, DatasetProfile } from './dataset-records.ts';
import { MAX_LOCATIONS, type QualityLog, shortCopy } from './quality-log.ts';
import { DistinctCounter, hash53, RunningStats, SpaceSaving } from './sketches.ts';
import { StreamingHistogram } from './streaming-histogram.ts';

/** Distinct values are counted exactly up to this many per column, then estimated (HyperLogLog)… */
export const EXACT_DISTINCT_CAP = 10_000;
/** …within this budget across all columns (wide files get a lower cap per column, never below the floor). */
export const EXACT_DISTINCT_BUDGET = 500_000;
export const EXACT_DISTINCT_FLOOR = 1_000;
/** Space-saving counters kept per column, and how many of the most frequent values are reported. */
export const TOP_COUNTERS = 64;
export const TOP_VALUES = 10;
/** A column missing in at least this share of rows (but not all) is reported. */
export const MOSTLY_MISSING_SHARE = 0.5;

const WHITESPACE = /\s/;

interface Located {
  readonly row: number;
  readonly line: number;
  readonly value: string;
}

class ColumnProfiler {
  readonly name: string;
  readonly position: number;
  present = 0;
  integers = 0;
  decimals = 0;
  booleanLike = 0;
  datetimes = 0;
  strings = 0;
  stringsWithWhitespace = 0;
  stringLengthTotal = 0;
  readonly numbers = new RunningStats();
  readonly histogram = new StreamingHistogram();
  earliest = Number.POSITIVE_INFINITY;
  latest = Number.NEGATIVE_INFINITY;
  earliestText = '';
  latestText = '';
  readonly distinct: DistinctCounter;
  readonly top = new SpaceSaving(TOP_COUNTERS);
  /**
   * Top values are reported for boolean, categorical and text columns only, so numbers are left out
   * of the space-saving counters (the costliest part of profiling) while a column has held nothing
   * but numbers; 0 and 1 are always counted (they may make a boolean column). A column that turns out
   * categorical after numbers were skipped reports its top values as approximate.
   */
  #numbersOnly = true;
  #skippedNumbers = 0;
  #firstValue: string | undefined;
  /** The first values that are not numbers / not datetimes, for the unparsable-values finding. */
  readonly notNumbers: Located[] = [];
  readonly notDatetimes: Located[] = [];

  constructor(name: string, position: number, exactCap: { value: number }) {
    this.name = name;
    this.position = position;
    this.distinct = new DistinctCounter(exactCap);
  }

  /** A text value, as read from a CSV field or a JSON string. */
  addText(raw: string, row: number, line: number): void {
    const value = raw.trim();
    if (isMissing(value)) return;
    const kind = classifyText(value);
    if (kind === 'integer' || kind === 'decimal') this.#addNumber(Number(value), kind, value, row, line);
    else this.#addOther(kind, value, row, line);
  }

  /** A value from a JSON object: typed numbers and booleans are taken as they are. */
  addJson(value: unknown, row: number, line: number): void {
    if (value === null || value === undefined) return;
    if (typeof value === 'string') this.addText(value, row, line);
    else if (typeof value === 'number') {
      this.#addNumber(value, Number.isInteger(value) ? 'integer' : 'decimal', String(value), row, line);
    } else if (typeof value === 'boolean') this.#addOther('boolean', String(value), row, line);
    else this.#addOther('string', JSON.stringify(value), row, line);
  }

  #addNumber(x: number, kind: 'integer' | 'decimal', text: string, row: number, line: number): void {
    this.present += 1;
    this.#firstValue ??= shortCopy(text);
    if (kind === 'integer') {
      this.integers += 1;
      if (x === 0 || x === 1) this.booleanLike += 1;
    } else this.decimals += 1;
    this.numbers.add(x);
    this.histogram.add(x);
    if (this.#numbersOnly && x !== 0 && x !== 1) {
      this.#skippedNumbers += 1;
      this.distinct.addHash(hash53(text));
    } else this.#count(text);
    if (this.notDatetimes.length < MAX_LOCATIONS)
      this.notDatetimes.push({ row, line, value: shortCopy(text) });
  }

  #addOther(kind: Exclude<ValueKind, 'integer' | 'decimal'>, value: string, row: number, line: number): void {
    this.present += 1;
    this.#firstValue ??= shortCopy(value);
    this.#numbersOnly = false;
    if (kind === 'boolean') this.booleanLike += 1;
    else if (kind === 'datetime') {
      this.datetimes += 1;
      this.#addDatetime(value);
    } else {
      this.strings += 1;
      this.stringLengthTotal += value.length;
      if (WHITESPACE.test(value)) this.stringsWithWhitespace += 1;
    }
    this.#count(value);
    if (this.notNumbers.length < MAX_LOCATIONS) this.notNumbers.push({ row, line, value: shortCopy(value) });
    if (kind !== 'datetime' && this.notDatetimes.length < MAX_LOCATIONS) {
      this.notDatetimes.push({ row, line, value: shortCopy(value) });
    }
  }

  #addDatetime(value: string): void {
    const epoch = parseDatetime(value);
    if (epoch < this.earliest) {
      this.earliest = epoch;
      this.earliestText = shortCopy(value);
    }
    if (epoch > this.latest) {
      this.latest = epoch;
      this.latestText = shortCopy(value);
    }
  }

  #count(value: string): void {
    const hash = hash53(value);
    this.distinct.addHash(hash);
    this.top.add(value, hash, shortCopy);
  }

  finish(rowCount: number, log: QualityLog): ColumnProfile {
    const inferred = inferColumnType({
      name: this.name,
      present: this.present,
      integers: this.integers,
      decimals: this.decimals,
      booleanLike: this.booleanLike,
      datetimes: this.datetimes,
      distinct: this.distinct.count,
      strings: this.strings,
      stringsWithWhitespace: this.stringsWithWhitespace,
      stringLengthTotal: this.stringLengthTotal,
      numericMin: this.numbers.min,
      numericMax: this.numbers.max,
    });
    const missing = rowCount - this.present;
    this.#report(inferred, rowCount, missing, log);
    const profile: ColumnProfile = {
      name: this.name,
      position: this.position,
      type: inferred.type,
      typeReason: inferred.reason,
      missing,
      missingShare: rowCount === 0 ? 0 : missing / rowCount,
      distinct: this.distinct.count,
      distinctApproximate: this.distinct.approximate,
    };
    if (inferred.parsedAs === 'number' && this.numbers.count > 0) {
      const { count, min, max, mean, std } = this.numbers;
      const histogram = this.histogram.result();
      return {
        ...profile,
        numeric: { count, min, max, mean, std },
        ...(histogram === undefined ? {} : { histogram }),
      };
    }
    if (inferred.type === 'datetime') {
      return { ...profile, datetime: { min: this.earliestText, max: this.latestText } };
    }
    if (inferred.type === 'boolean' || inferred.type === 'categorical' || inferred.type === 'text') {
      return {
        ...profile,
        topValues: {
          values: this.top.top(TOP_VALUES),
          approximate: this.top.approximate || this.#skippedNumbers > 0,
        },
      };
    }
    return profile;
  }

  #report(inferred: InferredType, rowCount: number, missing: number, log: QualityLog): void {
    const target = { column: this.name, position: this.position };
    if (this.present === 0) {
      log.summarise('empty-column', target, { count: rowCount, share: 1 });
      return;
    }
    if (this.present >= 2 && this.distinct.count === 1) {
      log.summarise('constant-column', target, {
        count: this.present,
        examples: this.#firstValue === undefined ? [] : [this.#firstValue],
      });
    }
    if (missing / rowCount >= MOSTLY_MISSING_SHARE) {
      log.summarise('mostly-missing', target, { count: missing, share: missing / rowCount });
    }
    if (inferred.parsedAs !== undefined) {
      const parsed = inferred.parsedAs === 'number' ? this.integers + this.decimals : this.datetimes;
      const unparsable = this.present - parsed;
      if (unparsable > 0) {
        const first = inferred.parsedAs === 'number' ? this.notNumbers : this.notDatetimes;
        log.summarise(
          'unparsable-values',
          target,
          {
            count: unparsable,
            share: unparsable / rowCount,
            detail: inferred.parsedAs === 'number' ? `${inferred.type}` : 'datetime',
            rows: first.map((l) => l.row),
            examples: first.map((l) => l.value),
          },
          first.map((l) => l.line),
        );
      }
    }
  }
}

export class DatasetProfiler {
  readonly #columns: ColumnProfiler[] = [];
  readonly #byName = new Map<string, ColumnProfiler>();
  readonly #exactCap = { value: EXACT_DISTINCT_CAP };

  get columnCount(): number {
    return this.#columns.length;
  }

  /** Adds a column at the next position; JSON Lines add them as new keys appear. */
  addColumn(name: string): void {
    const column = new ColumnProfiler(name, this.#columns.length + 1, this.#exactCap);
    this.#columns.push(column);
    if (!this.#byName.has(name)) this.#byName.set(name, column);
    this.#exactCap.value = Math.max(
      EXACT_DISTINCT_FLOOR,
      Math.min(EXACT_DISTINCT_CAP, Math.floor(EXACT_DISTINCT_BUDGET / this.#columns.length)),
    );
  }

  hasColumn(name: string): boolean {
    return this.#byName.has(name);
  }

  /** A CSV record: values by position; positions beyond `values` are missing. */
  addFields(values: readonly string[], row: number, line: number): void {
    const n = Math.min(values.length, this.#columns.length);
    for (let i = 0; i < n; i++) (this.#columns[i] as ColumnProfiler).addText(values[i] as string, row, line);
  }

  /** A JSON Lines object: values by key (columns must have been added). */
  addObject(object: Readonly<Record<string, unknown>>, row: number, line: number): void {
    for (const key in object) this.#byName.get(key)?.addJson(object[key], row, line);
  }

  finish(rowCount: number, log: QualityLog): DatasetProfile {
    return {
      rowCount,
      columnCount: this.#columns.length,
      columns: this.#columns.map((column) => column.finish(rowCount, log)),
    };
  }
}
