/**
 * Prediction usage as CloudWatch metrics through Powertools (embedded metric format, written to the
 * function's log, so no API call): per flushed aggregate, requests, rows, 4xx, 5xx and the latency
 * of each request at its bucket's bound, with `model` and `version` dimensions (one series per
 * version, for the dashboard) and `model` alone (every version together, which the per-model alarms
 * watch), and the aggregate's minute as timestamp. Emitted from the flush, not the request: the request path writes no log line
 * for it. The local platform disables Powertools metrics, so nothing is printed there.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { BUCKET_COUNT, bucketValueMs } from '#core/monitoring/latency-histogram.ts';
import { USAGE_METRICS } from '#core/monitoring/usage-metric-names.ts';
import type { UsagePublisher } from '#core/monitoring/usage-recorder.ts';
import type { UsageAggregate } from '#core/monitoring/usage-records.ts';

export class EmfUsagePublisher implements UsagePublisher {
  readonly #metrics: Metrics;

  /** Its own Metrics instance: the per-invocation one carries the `operation` dimension. */
  constructor(metrics = new Metrics({ serviceName: 'ml-platform', namespace: 'MlPlatform' })) {
    this.#metrics = metrics;
  }

  publish(aggregates: readonly UsageAggregate[]): void {
    for (const aggregate of aggregates) {
      const latencies = [
        [USAGE_METRICS.latency, valuesOf(aggregate.latency)],
        [USAGE_METRICS.modelLatency, valuesOf(aggregate.modelLatency)],
      ] as const;
      const lines = Math.max(1, ...latencies.map(([, values]) => Math.ceil(values.length / VALUES_PER_LINE)));
      // One line per 99 latency values, each with the dimensions.
      for (let line = 0; line < lines; line += 1) {
        this.#metrics.setTimestamp(aggregate.minute * 1000);
        this.#metrics.addDimensions({ model: aggregate.model, version: String(aggregate.version) });
        this.#metrics.addDimensions({ model: aggregate.model });
        if (line === 0) {
          this.#metrics.addMetric(USAGE_METRICS.requests, MetricUnit.Count, aggregate.requests);
          this.#metrics.addMetric(USAGE_METRICS.rows, MetricUnit.Count, aggregate.rows);
          this.#metrics.addMetric(USAGE_METRICS.clientErrors, MetricUnit.Count, aggregate.clientErrors);
          this.#metrics.addMetric(USAGE_METRICS.serverErrors, MetricUnit.Count, aggregate.serverErrors);
        }
        for (const [name, values] of latencies) {
          for (const value of values.slice(line * VALUES_PER_LINE, (line + 1) * VALUES_PER_LINE)) {
            this.#metrics.addMetric(name, MetricUnit.Milliseconds, value);
          }
        }
        this.#metrics.publishStoredMetrics();
      }
    }
  }
}

/** Powertools publishes by itself (dropping the dimensions) when a metric reaches 100 values. */
const VALUES_PER_LINE = 99;

/** One value per request, at its bucket's bound. */
function valuesOf(histogram: readonly number[]): number[] {
  const values: number[] = [];
  for (let i = 0; i < BUCKET_COUNT; i += 1) {
    for (let n = histogram[i] ?? 0; n > 0; n -= 1) values.push(bucketValueMs(i));
  }
  return values;
}
