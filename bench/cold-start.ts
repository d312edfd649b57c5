/** Runs a cold-start child in fresh processes and takes the median of each timing. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ColdStartSpec, ColdStartTimings } from './cold-start-child.ts';
import { median, round } from './stats.ts';

export type { ColdStartSpec, ColdStartTimings };

export interface ColdStartSummary {
  readonly bootMs: number;
  readonly steps: Record<string, number>;
  readonly totalMs: number;
  /** Bundle mode: the process's CPU time until the first answer. */
  readonly cpuMs?: number;
  /** Bundle mode: the first invocation's requests per service (medians of count and ms). */
  readonly requests?: Record<string, { count: number; ms: number }>;
  /** What the parent saw: spawn → the child's exit. */
  readonly wallMs: number;
  readonly runs: readonly (ColdStartTimings & { wallMs: number })[];
  /** Set when a run failed: the figures are then NaN (null in JSON) and the bench goes on. */
  readonly error?: string;
}

const childScripts: Record<ColdStartSpec['mode'], string> = {
  runtime: fileURLToPath(new URL('./cold-start-child.ts', import.meta.url)),
  handler: fileURLToPath(new URL('./cold-start-child.ts', import.meta.url)),
  bundle: fileURLToPath(new URL('./cold-start-bundle-child.mjs', import.meta.url)),
};

function coldStartOnce(
  spec: ColdStartSpec,
  env: NodeJS.ProcessEnv,
  execArgv: readonly string[],
): Promise<ColdStartTimings & { wallMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...execArgv, childScripts[spec.mode], JSON.stringify(spec)], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) {
        reject(new Error(`the cold-start child (${spec.mode}) exited with ${code}`));
        return;
      }
      try {
        resolve({ ...(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as ColdStartTimings), wallMs });
      } catch (error) {
        reject(new Error(`the cold-start child printed no result: ${stdout}`, { cause: error }));
      }
    });
  });
}

/**
 * `runs` fresh processes one after the other; each figure is the median over them. `execArgv`
 * defaults to this process's flags (the repository's scripts run with `--openssl-legacy-provider`);
 * the bundle mode passes none, as Lambda's runtime does not.
 */
export async function coldStart(
  spec: ColdStartSpec,
  runs: number,
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
): Promise<ColdStartSummary> {
  const results: (ColdStartTimings & { wallMs: number })[] = [];
  try {
    for (let i = 0; i < runs; i += 1) results.push(await coldStartOnce(spec, env, execArgv));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      bootMs: Number.NaN,
      steps: {},
      totalMs: Number.NaN,
      wallMs: Number.NaN,
      runs: results,
      error: message,
    };
  }
  const stepNames = Object.keys(results[0]?.steps ?? {});
  const services = Object.keys(results[0]?.requests ?? {});
  return {
    bootMs: round(median(results.map((r) => r.bootMs))),
    steps: Object.fromEntries(
      stepNames.map((name) => [name, round(median(results.map((r) => r.steps[name] ?? Number.NaN)))]),
    ),
    totalMs: round(median(results.map((r) => r.totalMs))),
    ...(results[0]?.cpuMs === undefined
      ? {}
      : { cpuMs: round(median(results.map((r) => r.cpuMs ?? Number.NaN))) }),
    ...(services.length === 0
      ? {}
      : {
          requests: Object.fromEntries(
            services.map((service) => [
              service,
              {
                count: median(results.map((r) => r.requests?.[service]?.count ?? 0)),
                ms: round(median(results.map((r) => r.requests?.[service]?.ms ?? Number.NaN))),
              },
            ]),
          ),
        }),
    wallMs: round(median(results.map((r) => r.wallMs))),
    runs: results.map((r) => ({
      bootMs: round(r.bootMs),
      steps: Object.fromEntries(Object.entries(r.steps).map(([name, ms]) => [name, round(ms)])),
      totalMs: round(r.totalMs),
      ...(r.cpuMs === undefined ? {} : { cpuMs: round(r.cpuMs) }),
      ...(r.requests === undefined ? {} : { requests: r.requests }),
      wallMs: round(r.wallMs),
    })),
  };
}
