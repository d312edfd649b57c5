import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { addSample } from '#core/monitoring/latency-histogram.ts';
import { emptyCounts, type UsageAggregate } from '#core/monitoring/usage-records.ts';
import { EmfUsagePublisher } from '../../../functions/adapters/cloudwatch/usage-metrics.ts';

function capture() {
  const metrics = new Metrics({ serviceName: 'ml-platform', namespace: 'MlPlatform' });
  const lines: any[] = [];
  vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
    lines.push(metrics.serializeMetrics());
    metrics.clearMetrics();
    metrics.clearDimensions();
    return metrics;
  });
  return { metrics, lines };
}

const MINUTE = Date.UTC(2026, 11, 4, 19, 30) / 1000;

function aggregate(samples: number): UsageAggregate {
  const counts = emptyCounts();
  for (let i = 0; i < samples; i += 1) addSample(counts.latency, 1 + (i % 3));
  for (let i = 0; i < samples; i += 1) addSample(counts.modelLatency, 0.5);
  return {
    minute: MINUTE,
    model: 'iris',
    version: 3,
    alias: 'canary',
    caller: 'user:u1',
    callerName: 'alice',
    ...counts,
    requests: samples,
    rows: 2 * samples,
    succeeded: samples - 1,
    serverErrors: 1,
  };
}

describe('EmfUsagePublisher', () => {
  it('emits counts once and one latency value per request, every line with model and version', () => {
    const { metrics, lines } = capture();
    new EmfUsagePublisher(metrics).publish([aggregate(250)]);
    expect(lines).toHaveLength(3); // 250 latency values, 99 a line
    for (const line of lines) {
      expect(line).toMatchObject({ model: 'iris', version: '3', service: 'ml-platform' });
      expect(line._aws.Timestamp).toBe(MINUTE * 1000);
      // Per version (the dashboard) and per model (the alarms), from the same values.
      expect(line._aws.CloudWatchMetrics[0].Dimensions).toEqual([
        expect.arrayContaining(['service', 'model', 'version']),
        expect.arrayContaining(['service', 'model']),
      ]);
      expect(line._aws.CloudWatchMetrics[0].Dimensions[1]).toHaveLength(2);
    }
    expect(lines[0]).toMatchObject({
      Predictions: 250,
      PredictionRows: 500,
      Prediction5xx: 1,
      Prediction4xx: 0,
    });
    expect(lines[1].Predictions).toBeUndefined();
    const latencies = lines.flatMap((l) => [l.PredictionLatency].flat());
    expect(latencies).toHaveLength(250);
    // 1, 2 and 3 ms at the bounds of their buckets.
    expect(new Set(latencies)).toEqual(new Set([1.131, 2.263, 3.2]));
    expect(lines.flatMap((l) => [l.ModelRunLatency].flat())).toHaveLength(250);
  });
});
