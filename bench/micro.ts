/**
 * In-process latency of one call, in microseconds. Every variant is warmed up, then measured in
 * several runs taken round-robin (A B C, A B C, …) so that drift in the machine's state spreads
 * over all variants; a run's p50 and p99 are over its calls, and the figures reported are the
 * medians of those over the runs.
 */
import { median, percentile, round } from './stats.ts';

export interface Variant {
  readonly name: string;
  /** Calls per run: fewer for slow variants, so the whole bench stays short. */
  readonly iterations: number;
  readonly call: () => Promise<unknown>;
  /** Runs before each of this variant's runs (and its warm-up), untimed. */
  readonly before?: () => void;
  /** Runs after each of this variant's runs, untimed, with the run's call count. */
  readonly after?: (calls: number) => void;
}

export interface RunStats {
  readonly p50Us: number;
  readonly p99Us: number;
  readonly meanUs: number;
}

export interface VariantStats extends RunStats {
  readonly iterations: number;
  readonly runs: readonly RunStats[];
}

async function timeRun(variant: Variant, iterations: number): Promise<RunStats> {
  const samples = new Array<number>(iterations);
  let total = 0;
  for (let i = 0; i < iterations; i += 1) {
    const started = performance.now();
    await variant.call();
    const us = (performance.now() - started) * 1000;
    samples[i] = us;
    total += us;
  }
  return { p50Us: percentile(samples, 50), p99Us: percentile(samples, 99), meanUs: total / iterations };
}

export async function benchmark(
  variants: readonly Variant[],
  options: { runs: number; warmupIterations: number },
): Promise<Record<string, VariantStats>> {
  for (const variant of variants) {
    variant.before?.();
    await timeRun(variant, options.warmupIterations);
  }
  const runs = new Map<string, RunStats[]>(variants.map((variant) => [variant.name, []]));
  for (let run = 0; run < options.runs; run += 1) {
    for (const variant of variants) {
      variant.before?.();
      runs.get(variant.name)?.push(await timeRun(variant, variant.iterations));
      variant.after?.(variant.iterations);
    }
  }
  return Object.fromEntries(
    variants.map((variant) => {
      const stats = runs.get(variant.name) ?? [];
      return [
        variant.name,
        {
          p50Us: round(median(stats.map((s) => s.p50Us))),
          p99Us: round(median(stats.map((s) => s.p99Us))),
          meanUs: round(median(stats.map((s) => s.meanUs))),
          iterations: variant.iterations,
          runs: stats.map((s) => ({ p50Us: round(s.p50Us), p99Us: round(s.p99Us), meanUs: round(s.meanUs) })),
        },
      ];
    }),
  );
}
