import { describe, expect, it } from 'vitest';
import { metricNames, metricSeries } from '../../../console/src/pages/training/version-metrics.ts';

const version = (n: number, metrics: Record<string, unknown>, status = 'pending') => ({
  version: n,
  status,
  createdAt: `2026-12-0${n}T10:00:00.000Z`,
  metrics,
});

const versions = [
  version(3, { accuracy: 0.97, f1_macro: 0.96, confusion_matrix: [[1]] }, 'approved'),
  version(1, { accuracy: 0.9 }),
  version(2, {}),
  version(4, { accuracy: Number.NaN, log_loss: 0.2 }),
];

describe('metricNames', () => {
  it('lists the numeric metrics, the most widely recorded first', () => {
    expect(metricNames(versions)).toEqual(['accuracy', 'f1_macro', 'log_loss']);
  });
});

describe('metricSeries', () => {
  it('gives one point per version recording the metric, oldest version first', () => {
    expect(metricSeries(versions, 'accuracy')).toEqual([
      { version: 1, value: 0.9, status: 'pending', createdAt: '2026-12-01T10:00:00.000Z' },
      { version: 3, value: 0.97, status: 'approved', createdAt: '2026-12-03T10:00:00.000Z' },
    ]);
  });
});
