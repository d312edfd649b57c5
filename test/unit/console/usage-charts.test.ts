import { describe, expect, it } from 'vitest';
import {
  armLatencyBars,
  armRows,
  binLabels,
  distributionBars,
  latencyPoints,
  trafficPoints,
  type UsageLike,
} from '../../../console/src/pages/monitoring/usage-charts.ts';

const stats = (requests: number, serverErrors: number, p50: number | null) => ({
  requests,
  succeeded: requests - serverErrors - 1,
  clientErrors: 1,
  serverErrors,
  errorRate: (serverErrors + 1) / requests,
  latencyMs: { p50, p95: p50 === null ? null : p50 * 2, p99: p50 === null ? null : p50 * 3 },
});

const usage: UsageLike = {
  series: [
    {
      version: 1,
      totals: stats(30, 2, 5),
      points: [
        { start: '2026-12-01T10:01:00.000Z', ...stats(10, 0, null) },
        { start: '2026-12-01T10:00:00.000Z', ...stats(20, 2, 5) },
      ],
    },
    {
      version: 2,
      totals: stats(90, 0, 4),
      points: [{ start: '2026-12-01T10:00:00.000Z', ...stats(90, 0, 4) }],
    },
  ],
};

describe('trafficPoints and latencyPoints', () => {
  it('flattens the series to one row per version and period, oldest first, errors counting 4xx and 5xx', () => {
    // Act
    const points = trafficPoints(usage);

    // Assess
    expect(points.map((p) => [p.version, p.start.toISOString().slice(11, 16), p.requests, p.errors])).toEqual(
      [
        ['v1', '10:00', 20, 3],
        ['v2', '10:00', 90, 1],
        ['v1', '10:01', 10, 1],
      ],
    );
  });

  it('gives p50, p95 and p99 per version and period, skipping periods without samples', () => {
    // Act
    const points = latencyPoints(usage);

    // Assess
    expect(points.map((p) => [p.version, p.percentile, p.ms])).toEqual([
      ['v1', 'p50', 5],
      ['v1', 'p95', 10],
      ['v1', 'p99', 15],
      ['v2', 'p50', 4],
      ['v2', 'p95', 8],
      ['v2', 'p99', 12],
    ]);
  });
});

describe('armRows', () => {
  it('compares the arms: requests and their share, error rate and latency, busiest first', () => {
    // Act
    const arms = armRows(usage);

    // Assess
    expect(arms.map((arm) => [arm.version, arm.requests, arm.share, arm.p95])).toEqual([
      ['v2', 90, 0.75, 8],
      ['v1', 30, 0.25, 10],
    ]);
    expect(armLatencyBars(arms)).toHaveLength(6);
  });
});

describe('distributionBars', () => {
  it('labels numeric bins by their edges and pairs training with live shares', () => {
    // Act
    const bars = distributionBars({ edges: [0, 0.5, 1], training: [0.4, 0.6], live: [0.9, 0.1] });

    // Assess
    expect(bars).toEqual([
      { bin: '0–0.5', order: 0, source: 'training', share: 0.4 },
      { bin: '0–0.5', order: 0, source: 'live', share: 0.9 },
      { bin: '0.5–1', order: 1, source: 'training', share: 0.6 },
      { bin: '0.5–1', order: 1, source: 'live', share: 0.1 },
    ]);
  });

  it('keeps categories as they are', () => {
    expect(binLabels({ categories: ['red', '(other)'], training: [1, 0], live: [0.5, 0.5] })).toEqual([
      'red',
      '(other)',
    ]);
  });
});
