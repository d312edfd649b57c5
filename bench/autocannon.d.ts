// autocannon ships no type declarations; these cover what the load client uses.
declare module 'autocannon' {
  interface Options {
    url: string;
    method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    pipelining?: number;
    /** A first run whose results are discarded. */
    warmup?: { connections?: number; duration?: number };
  }

  /** Latencies in whole milliseconds; request counts per one-second sample. */
  interface Distribution {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p99: number;
  }

  interface Result {
    latency: Distribution;
    requests: Distribution;
    /** Seconds. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
  }

  interface Instance extends PromiseLike<Result> {
    /** `responseTime` in milliseconds, with sub-millisecond precision (unlike the result's histogram). */
    on(
      event: 'response',
      listener: (client: unknown, statusCode: number, responseBytes: number, responseTime: number) => void,
    ): Instance;
  }

  export default function autocannon(options: Options): Instance;
}
