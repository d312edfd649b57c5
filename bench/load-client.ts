/**
 * The load generator, run as its own process so it does not share an event loop (or, on two cores,
 * a core) with the server it measures: autocannon keeps a fixed number of keep-alive connections
 * busy (closed loop, no pipelining) after a short discarded warm-up, and this script prints one
 * JSON line: requests per second and latency percentiles of the 2xx answers.
 *
 * autocannon's own latency histogram holds whole milliseconds, too coarse for a server answering
 * in a fraction of one, so the latencies are collected here from its per-response events.
 *
 * Usage: node bench/load-client.ts '<LoadSpec as JSON>'
 */
import autocannon from 'autocannon';
import { percentile } from './stats.ts';

export interface LoadSpec {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
}

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly durationSeconds: number;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
const latencies: number[] = [];
const instance = autocannon({
  url: spec.url,
  method: 'POST',
  headers: spec.headers,
  body: spec.body,
  connections: spec.connections,
  pipelining: 1,
  duration: spec.durationSeconds,
  warmup: { connections: spec.connections, duration: spec.warmupSeconds },
});
instance.on('response', (_client, statusCode, _bytes, responseTime) => {
  if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
});
const result = await instance;
const output: LoadResult = {
  requestsPerSecond: latencies.length / result.duration,
  p50Ms: percentile(latencies, 50),
  p99Ms: percentile(latencies, 99),
  requests: latencies.length,
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
  durationSeconds: result.duration,
};
process.stdout.write(`${JSON.stringify(output)}\n`);
