/** The bounded-memory summaries against exact answers. */
import { describe, expect, it } from 'vitest';
import {
  DistinctCounter,
  HyperLogLog,
  hash53,
  RunningStats,
  SpaceSaving,
} from '../../../../functions/core/datasets/sketches.ts';

describe('RunningStats', () => {
  it('matches hand-computed mean and sample standard deviation', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations sum to 32, sample variance 32 / 7.
    const stats = new RunningStats();
    for (const x of [2, 4, 4, 4, 5, 5, 7, 9]) stats.add(x);
    expect(stats.count).toBe(8);
    expect(stats.mean).toBe(5);
    expect(stats.std).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect([stats.min, stats.max]).toEqual([2, 9]);
  });

  it('stays accurate for large values with a small spread (where the naive formula fails)', () => {
    const stats = new RunningStats();
    for (const x of [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]) stats.add(x);
    expect(stats.mean).toBe(1e9 + 10);
    expect(stats.std).toBeCloseTo(Math.sqrt(90 / 3), 9);
  });

  it('gives 0 for fewer than two values', () => {
    const stats = new RunningStats();
    stats.add(3);
    expect(stats.std).toBe(0);
  });
});

describe('HyperLogLog.estimate', () => {
  it.each([100, 5_000, 200_000])('estimates %i distinct values within 3%%', (n) => {
    const sketch = new HyperLogLog();
    for (let i = 0; i < n; i++) {
      sketch.addHash(hash53(`value-${i}`));
      sketch.addHash(hash53(`value-${i}`));
    }
    expect(Math.abs(sketch.estimate() - n) / n).toBeLessThan(0.03);
  });
});

describe('DistinctCounter', () => {
  it('counts exactly up to its cap, then estimates and says so', () => {
    const counter = new DistinctCounter(1_000);
    for (let i = 0; i < 1_000; i++) counter.addHash(hash53(String(i % 1_000)));
    expect([counter.count, counter.approximate]).toEqual([1_000, false]);
    for (let i = 1_000; i < 20_000; i++) counter.addHash(hash53(String(i)));
    expect(counter.approximate).toBe(true);
    expect(Math.abs(counter.count - 20_000) / 20_000).toBeLessThan(0.03);
  });
});

describe('SpaceSaving', () => {
  const add = (top: SpaceSaving, value: string) => top.add(value, hash53(value));

  it('counts exactly while there are fewer distinct values than counters', () => {
    const top = new SpaceSaving(4);
    for (const value of ['a', 'b', 'a', 'c', 'a', 'b']) add(top, value);
    expect(top.top(2)).toEqual([
      { value: 'a', count: 3 },
      { value: 'b', count: 2 },
    ]);
    expect(top.approximate).toBe(false);
  });

  it('keeps every value more frequent than n / capacity among many rare ones', () => {
    const top = new SpaceSaving(64);
    // 'frequent': 1,000 times; 'common': 200 times (multiples of 25 but not of 10); 8,800 others once.
    for (let i = 0; i < 10_000; i++) {
      add(top, i % 10 === 0 ? 'frequent' : i % 25 === 0 ? 'common' : `rare-${i}`);
    }
    const [first, second] = top.top(2);
    expect(first?.value).toBe('frequent');
    expect(second?.value).toBe('common');
    // Counts never understate, and overstate by at most n / capacity.
    expect(first?.count).toBeGreaterThanOrEqual(1_000);
    expect(first?.count).toBeLessThanOrEqual(1_000 + 10_000 / 64);
    expect(top.approximate).toBe(true);
  });
});
