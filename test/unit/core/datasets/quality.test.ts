/**
 * Every quality rule against a small fixture file: its severity, where it is located (rows are data
 * rows, 1-based, header not counted; lines are lines of the file) and what happens to the profile.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { QUALITY_RULES, type QualityIssue } from '../../../../functions/core/datasets/quality-rules.ts';
import { scanDataset } from '../../../../functions/core/datasets/scan.ts';
import { chunked, datasetFixture } from './fixtures.ts';

async function scanFixture(name: string, chunkSize = 5) {
  return scanDataset(chunked(datasetFixture(name), chunkSize), name.endsWith('.jsonl') ? 'jsonl' : 'csv');
}

const blockingCases: [string, Partial<QualityIssue>][] = [
  ['empty.csv', { code: 'empty-file', count: 1 }],
  ['header-only.csv', { code: 'header-only', lines: [1] }],
  ['duplicate-header.csv', { code: 'duplicate-header', column: 'price', columnPosition: 2, count: 2 }],
  ['empty-header.csv', { code: 'empty-header', columnPosition: 2, lines: [1] }],
  ['too-many-fields.csv', { code: 'too-many-fields', rows: [2], lines: [3], columnPosition: 4, count: 1 }],
  ['unterminated-quote.csv', { code: 'unterminated-quote', rows: [2], lines: [3], column: 'comment' }],
  ['malformed-quote.csv', { code: 'malformed-quote', rows: [1], lines: [2], column: 'comment' }],
  [
    'non-utf8.csv',
    // "id,city\n1,Paris\n2,Montr" is 23 bytes: the Latin-1 é is byte 23, in row 2 (line 3), column city.
    { code: 'invalid-utf8', byteOffset: 23, rows: [2], lines: [3], column: 'city', columnPosition: 2 },
  ],
  ['utf16.csv', { code: 'invalid-utf8', byteOffset: 0 }],
  ['invalid-json.jsonl', { code: 'invalid-json', rows: [2], lines: [2], count: 1 }],
  ['not-an-object.jsonl', { code: 'not-an-object', lines: [2, 3], count: 2, examples: ['[2]', '"three"'] }],
];

describe('scanDataset blocking findings', () => {
  it.each(blockingCases)('%s: %o, and no profile', async (name, expected) => {
    // Act
    const result = await scanFixture(name);
    // Assess
    expect(result.quality.blocking[0]).toMatchObject({ severity: 'blocking', ...expected });
    expect(result.profile).toBeUndefined();
  });

  it('says a UTF-16 file looks like one', async () => {
    expect((await scanFixture('utf16.csv')).quality.blocking[0]?.message).toMatch(/UTF-16/);
  });

  it('names the first problem row, line and column in the message', async () => {
    const [issue] = (await scanFixture('non-utf8.csv')).quality.blocking;
    expect(issue?.message).toBe(
      'The file is not valid UTF-8: byte offset 23 (first at row 2, line 3), column "city". Save it as UTF-8.',
    );
  });

  it('refuses more columns than the limit, and records longer than the limit', async () => {
    const wide = await scanDataset(chunked(Buffer.from('a,b,c\n1,2,3\n')), 'csv', {
      limits: { maxColumns: 2 },
    });
    expect(wide.quality.blocking[0]?.code).toBe('too-many-columns');
    const long = await scanDataset(chunked(Buffer.from(`a\n"${'x'.repeat(500)}\n`)), 'csv', {
      limits: { maxRecordChars: 100 },
    });
    expect(long.quality.blocking[0]).toMatchObject({ code: 'record-too-long', lines: [2] });
  });

  it('stops when the time budget runs out', async () => {
    let now = 0;
    const result = await scanDataset(chunked(datasetFixture('customers.csv'), 10), 'csv', {
      limits: { timeBudgetMs: 1000 },
      clock: () => (now += 400),
    });
    expect(result.quality.blocking.map((i) => i.code)).toEqual(['time-limit']);
  });
});

const warningCases: [string, Partial<QualityIssue>, number][] = [
  ['bom.csv', { code: 'bom', byteOffset: 0 }, 2],
  [
    'mixed-line-endings.csv',
    { code: 'mixed-line-endings', message: 'The file mixes line endings: 2 LF, 2 CRLF.' },
    3,
  ],
  ['quoted-newlines.csv', { code: 'quoted-newlines', rows: [1], lines: [2], count: 1 }, 3],
  ['too-few-fields.csv', { code: 'too-few-fields', rows: [2], lines: [3], count: 1 }, 3],
  [
    'unparsable-numbers.csv',
    // "n/a" is a missing token, not an unparsable value: 2 of 6 rows are "abc" and "??".
    {
      code: 'unparsable-values',
      column: 'price',
      count: 2,
      rows: [2, 6],
      lines: [3, 7],
      examples: ['abc', '??'],
    },
    6,
  ],
  ['empty-and-constant-columns.csv', { code: 'empty-column', column: 'nothing' }, 3],
  ['stray-quote.csv', { code: 'stray-quote', rows: [1, 2], count: 2 }, 2],
  ['blank-lines.csv', { code: 'blank-lines', lines: [3, 5], count: 2 }, 2],
];

describe('scanDataset warnings', () => {
  it.each(warningCases)('%s: %o, and the file is still profiled', async (name, expected, rows) => {
    const result = await scanFixture(name);
    expect(result.quality.blocking).toEqual([]);
    expect(result.quality.warnings).toContainEqual(
      expect.objectContaining({ severity: 'warning', ...expected }),
    );
    expect(result.profile?.rowCount).toBe(rows);
  });

  it('handles a BOM: the first column name does not carry it', async () => {
    expect((await scanFixture('bom.csv')).profile?.columns[0]?.name).toBe('id');
  });

  it('handles quoted values with line breaks and escaped quotes', async () => {
    const result = await scanFixture('quoted-newlines.csv');
    expect(result.profile?.columns[1]?.topValues?.values.map((v) => v.value).sort()).toEqual([
      'a "quoted" word',
      'first line\nsecond line',
      'plain',
    ]);
  });

  it('reports a constant column with its value', async () => {
    const result = await scanFixture('empty-and-constant-columns.csv');
    expect(result.quality.warnings).toContainEqual(
      expect.objectContaining({ code: 'constant-column', column: 'always', examples: ['same'] }),
    );
  });

  it('does not call a mostly unparsable column numeric, nor warn about it', async () => {
    const result = await scanFixture('mostly-unparsable.csv');
    expect(result.profile?.columns[1]?.type).toBe('categorical');
    expect(result.quality.warnings).toEqual([]);
  });

  it('gives the same report whatever the chunking', async () => {
    for (const name of ['quoted-newlines.csv', 'mixed-line-endings.csv', 'non-utf8.csv', 'customers.jsonl']) {
      // Size and checksum cover the bytes read, which end with the chunk where reading stopped.
      const { sizeBytes: _size, sha256: _sha, ...reference } = await scanFixture(name, 1 << 20);
      for (const size of [1, 2, 3, 7]) {
        const { sizeBytes: _s, sha256: _h, ...result } = await scanFixture(name, size);
        expect(result).toEqual(reference);
      }
    }
  });
});

describe('QUALITY_RULES', () => {
  it('is mirrored by the README table, rule by rule with its severity', () => {
    const readme = readFileSync(fileURLToPath(new URL('../../../../README.md', import.meta.url)), 'utf8');
    for (const [code, rule] of Object.entries(QUALITY_RULES)) {
      expect(readme, code).toMatch(new RegExp(`\\| \`${code}\` \\| ${rule.severity} \\|`));
    }
  });
});
