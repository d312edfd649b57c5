/** Reading single values and inferring a column's type from its counts, rule by rule. */
import { describe, expect, it } from 'vitest';
import {
  CATEGORICAL_MAX_DISTINCT,
  type ColumnCounts,
  classifyText,
  IDENTIFIER_MIN_VALUES,
  inferColumnType,
  isMissing,
  MIN_TYPED_SHARE,
  parseDatetime,
} from '../../../../functions/core/datasets/column-types.ts';

describe('classifyText', () => {
  it.each([
    ['42', 'integer'],
    ['-7', 'integer'],
    ['+3', 'integer'],
    ['3.14', 'decimal'],
    ['.5', 'decimal'],
    ['1e-3', 'decimal'],
    ['-2.5E+10', 'decimal'],
    ['TRUE', 'boolean'],
    ['no', 'boolean'],
    ['2024-02-29', 'datetime'],
    ['2024-01-31T10:00:00.123+02:00', 'datetime'],
    ['2023-02-29', 'string'],
    ['1.2.3', 'string'],
    ['abc', 'string'],
    ['-', 'string'],
    ['Infinity', 'string'],
  ])('reads %j as %s', (value, kind) => {
    expect(classifyText(value)).toBe(kind);
  });
});

describe('isMissing', () => {
  it.each(['', 'NA', 'N/A', 'null', 'NaN', 'None', '#N/A'])('reads %j as missing', (value) => {
    expect(isMissing(value)).toBe(true);
  });
  it.each(['0', 'n', 'nothing', 'NULLS'])('reads %j as a value', (value) => {
    expect(isMissing(value)).toBe(false);
  });
});

describe('parseDatetime', () => {
  it('reads dates as UTC midnight and applies offsets', () => {
    expect(parseDatetime('1970-01-02')).toBe(86_400_000);
    expect(parseDatetime('2024-03-01T09:30:00Z')).toBe(Date.UTC(2024, 2, 1, 9, 30));
    expect(parseDatetime('2024-03-01 11:30+02:00')).toBe(Date.UTC(2024, 2, 1, 9, 30));
    expect(parseDatetime('2024-03-01T09:30:00.250Z')).toBe(Date.UTC(2024, 2, 1, 9, 30, 0, 250));
  });

  it.each(['2024-13-01', '2023-02-29', '2024-04-31', '2024-01-01T24:00', '2024-01-01X', '01/02/2024'])(
    'refuses %j',
    (value) => {
      expect(parseDatetime(value)).toBeNaN();
    },
  );
});

const base: ColumnCounts = {
  name: 'column',
  present: 100,
  integers: 0,
  decimals: 0,
  booleanLike: 0,
  datetimes: 0,
  distinct: 5,
  strings: 100,
  stringsWithWhitespace: 0,
  stringLengthTotal: 600,
  numericMin: Number.POSITIVE_INFINITY,
  numericMax: Number.NEGATIVE_INFINITY,
};
const counts = (overrides: Partial<ColumnCounts>): ColumnCounts => ({ ...base, ...overrides });

describe('inferColumnType', () => {
  it('calls a column without values empty', () => {
    expect(inferColumnType(counts({ present: 0, strings: 0, distinct: 0 })).type).toBe('empty');
  });

  it('calls yes/no or 0/1 columns boolean', () => {
    expect(inferColumnType(counts({ booleanLike: 100, distinct: 2 })).type).toBe('boolean');
    expect(inferColumnType(counts({ integers: 100, booleanLike: 100, strings: 0, distinct: 2 })).type).toBe(
      'boolean',
    );
  });

  it(`calls a column numeric from ${MIN_TYPED_SHARE * 100}% numbers on, the rest being unparsable`, () => {
    const atThreshold = inferColumnType(counts({ integers: 30, decimals: 20, strings: 50, distinct: 60 }));
    expect(atThreshold).toMatchObject({ type: 'numeric', parsedAs: 'number' });
    const below = inferColumnType(counts({ integers: 29, decimals: 20, strings: 51, distinct: 60 }));
    expect(below.type).toBe('categorical');
    expect(below.parsedAs).toBeUndefined();
  });

  it('calls whole numbers integer', () => {
    expect(
      inferColumnType(counts({ integers: 100, strings: 0, distinct: 40, numericMin: 0, numericMax: 5000 })),
    ).toMatchObject({ type: 'integer', parsedAs: 'number' });
  });

  it('calls distinct integers an identifier when named like one or forming a dense range', () => {
    const distinct = { integers: 100, strings: 0, distinct: 100 };
    expect(
      inferColumnType(counts({ ...distinct, name: 'order_id', numericMin: 5, numericMax: 90_000 })).type,
    ).toBe('identifier');
    expect(
      inferColumnType(counts({ ...distinct, name: 'customerId', numericMin: 5, numericMax: 90_000 })).type,
    ).toBe('identifier');
    expect(inferColumnType(counts({ ...distinct, name: 'row', numericMin: 1, numericMax: 100 })).type).toBe(
      'identifier',
    );
    // Distinct but neither: salaries, say.
    expect(
      inferColumnType(counts({ ...distinct, name: 'salary', numericMin: 20_000, numericMax: 90_000 })).type,
    ).toBe('integer');
    // Too few values to tell.
    expect(
      inferColumnType(
        counts({
          ...distinct,
          present: IDENTIFIER_MIN_VALUES - 1,
          integers: IDENTIFIER_MIN_VALUES - 1,
          distinct: IDENTIFIER_MIN_VALUES - 1,
          name: 'id',
          numericMin: 1,
          numericMax: 19,
        }),
      ).type,
    ).toBe('integer');
  });

  it('calls mostly ISO dates datetime', () => {
    expect(inferColumnType(counts({ datetimes: 90, strings: 10, distinct: 80 }))).toMatchObject({
      type: 'datetime',
      parsedAs: 'datetime',
    });
  });

  it('calls near-unique single tokens an identifier, long spaced values text', () => {
    expect(inferColumnType(counts({ distinct: 99 })).type).toBe('identifier');
    expect(
      inferColumnType(counts({ distinct: 99, stringsWithWhitespace: 90, stringLengthTotal: 100 * 45 })).type,
    ).toBe('text');
    // Long spaced values are text even when they repeat.
    expect(
      inferColumnType(counts({ distinct: 3, stringsWithWhitespace: 100, stringLengthTotal: 100 * 40 })).type,
    ).toBe('text');
  });

  it(`calls up to ${CATEGORICAL_MAX_DISTINCT} distinct values, or a small distinct share, categorical`, () => {
    expect(
      inferColumnType(counts({ present: 1000, strings: 1000, distinct: CATEGORICAL_MAX_DISTINCT })).type,
    ).toBe('categorical');
    // 2,000 cities among 100,000 rows: many values, but a small share of the rows.
    expect(
      inferColumnType(
        counts({ present: 100_000, strings: 100_000, distinct: 2_000, stringsWithWhitespace: 30_000 }),
      ).type,
    ).toBe('categorical');
    // 60% distinct short values with some spaces: free text (product names, say).
    expect(
      inferColumnType(
        counts({
          present: 1000,
          strings: 1000,
          distinct: 600,
          stringsWithWhitespace: 400,
          stringLengthTotal: 15_000,
        }),
      ).type,
    ).toBe('text');
  });

  it('explains every decision', () => {
    expect(
      inferColumnType(counts({ integers: 100, strings: 0, distinct: 40, numericMin: 0, numericMax: 5000 }))
        .reason,
    ).toBe('100% of the values are numbers, all whole');
  });
});
