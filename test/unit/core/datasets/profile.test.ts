/** Profiling through the scanner: statistics against hand-computed values, and inference on real shapes. */
import { describe, expect, it } from 'vitest';
import type { ColumnProfile } from '../../../../functions/core/datasets/dataset-records.ts';
import { scanDataset } from '../../../../functions/core/datasets/scan.ts';
import { chunked, datasetFixture } from './fixtures.ts';

function column(columns: readonly ColumnProfile[] | undefined, name: string): ColumnProfile {
  const found = columns?.find((c) => c.name === name);
  if (found === undefined) throw new Error(`no column ${name}`);
  return found;
}

describe('scanDataset profiling a CSV file', () => {
  it('computes row count, size, checksum and per-column statistics of customers.csv', async () => {
    // Prepare
    const bytes = datasetFixture('customers.csv');
    // Act
    const result = await scanDataset(chunked(bytes), 'csv');
    // Assess
    expect(result.quality).toEqual({ blocking: [], warnings: [] });
    expect(result.rowCount).toBe(5);
    expect(result.sizeBytes).toBe(bytes.byteLength);
    expect(result.sha256).toBe(
      (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex'),
    );
    const columns = result.profile?.columns;
    expect(columns?.map((c) => [c.name, c.type])).toEqual([
      ['customer_id', 'integer'],
      ['age', 'integer'],
      ['income', 'numeric'],
      ['plan', 'categorical'],
      ['signup', 'datetime'],
      ['churned', 'boolean'],
      ['notes', 'categorical'],
    ]);
    // age 34, 45, 29, 51, 38: mean 197 / 5; squared deviations 29.16 + 31.36 + 108.16 + 134.56 + 1.96 = 305.2.
    const age = column(columns, 'age');
    expect(age.numeric?.mean).toBeCloseTo(39.4, 12);
    expect(age.numeric?.std).toBeCloseTo(Math.sqrt(305.2 / 4), 12);
    expect([age.numeric?.min, age.numeric?.max, age.missing, age.distinct]).toEqual([29, 51, 0, 5]);
    // 34 − 29 = 5 over 16 bins → width 1; 51 − 29 spans 23 cells, within 32: no merge.
    expect(age.histogram?.binWidth).toBe(1);
    const filled = age.histogram?.bins.filter((bin) => bin.count > 0).map((bin) => bin.start);
    expect(filled).toEqual([29, 34, 38, 45, 51]);
    expect(column(columns, 'plan').histogram).toBeUndefined();
    // income: one empty cell is missing; 52000.5 + 61000 + 75000.25 + 48000 = 236000.75 over 4.
    const income = column(columns, 'income');
    expect(income).toMatchObject({ missing: 1, missingShare: 0.2, distinct: 4, distinctApproximate: false });
    expect(income.numeric?.count).toBe(4);
    expect(income.numeric?.mean).toBeCloseTo(59000.1875, 9);
    // Squared deviations from 59000.1875: 6999.6875² + 1999.8125² + 16000.0625² + 11000.1875²
    // = 48995625.09765625 + 3999250.03515625 + 256002000.00390625 + 121004125.03515625 = 430001000.171875.
    expect(income.numeric?.std).toBeCloseTo(Math.sqrt(430001000.171875 / 3), 9);
    expect(column(columns, 'plan').topValues).toEqual({
      values: [
        { value: 'basic', count: 3 },
        { value: 'premium', count: 2 },
      ],
      approximate: false,
    });
    // 2024-02-29 is a real date (leap year); the latest value is kept as written.
    expect(column(columns, 'signup').datetime).toEqual({ min: '2024-01-05', max: '2024-03-15' });
    // An empty cell and "NA" are both missing.
    expect(column(columns, 'notes')).toMatchObject({ missing: 2, missingShare: 0.4 });
  });

  it('recognises identifiers, free text and high-cardinality categories in a larger file', async () => {
    const cities = ['Paris', 'Lyon', 'Nice', 'Lille', 'Nantes'];
    const lines = ['row,order_ref,city,review,amount'];
    for (let i = 1; i <= 500; i++) {
      const review = `Delivery ${i % 7 === 0 ? 'was late but' : 'arrived on time and'} the parcel number ${i} was intact`;
      lines.push(`${i},ORD-${10_000 + i},${cities[i % 5]},"${review}",${(i * 1.5).toFixed(1)}`);
    }
    const result = await scanDataset(chunked(Buffer.from(lines.join('\n')), 4096), 'csv');
    const columns = result.profile?.columns;
    expect(columns?.map((c) => [c.name, c.type])).toEqual([
      ['row', 'identifier'],
      ['order_ref', 'identifier'],
      ['city', 'categorical'],
      ['review', 'text'],
      ['amount', 'numeric'],
    ]);
    expect(column(columns, 'row').typeReason).toMatch(/dense range/);
    expect(column(columns, 'city').topValues?.values).toHaveLength(5);
  });

  it('counts distinct values exactly up to 10,000, then estimates within 2% and says so', async () => {
    const lines = ['key'];
    for (let i = 0; i < 30_000; i++) lines.push(`k${i % 25_000}`);
    const result = await scanDataset(chunked(Buffer.from(lines.join('\n')), 65_536), 'csv');
    const key = column(result.profile?.columns, 'key');
    expect(key.distinctApproximate).toBe(true);
    expect(Math.abs(key.distinct - 25_000) / 25_000).toBeLessThan(0.02);
  });
});

describe('scanDataset profiling a JSON Lines file', () => {
  it('takes the union of keys as columns, absent keys and null as missing, typed values as they are', async () => {
    const result = await scanDataset(chunked(datasetFixture('customers.jsonl')), 'jsonl');
    expect(result.rowCount).toBe(3);
    const columns = result.profile?.columns;
    expect(columns?.map((c) => [c.name, c.type, c.missing])).toEqual([
      ['customer_id', 'integer', 0],
      ['age', 'numeric', 1],
      ['plan', 'categorical', 1],
      ['active', 'boolean', 0],
      ['referrer', 'categorical', 2],
    ]);
    // 34 and 45.5: mean 39.75, sample variance (5.75² · 2) / 1 = 66.125.
    expect(column(columns, 'age').numeric?.std).toBeCloseTo(Math.sqrt(66.125), 12);
    expect(result.quality.warnings.map((w) => w.code)).toEqual([
      'blank-lines',
      'mixed-line-endings',
      'mostly-missing',
    ]);
  });
});
