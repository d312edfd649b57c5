/** Runs cold-start-child.ts in fresh processes and takes the median of each timing. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ColdStartSpec, ColdStartTimings } from './cold-start-child.ts';
import { median, round } from './stats.ts';

export type { ColdStartSpec, ColdStartTimings };

export interface ColdStartSummary {
  readonly bootMs: number;
  readonly steps: Record<string, number>;
  readonly totalMs: number;
  /** What the parent saw: spawn → the child's exit. */
  readonly wallMs: number;
  readonly runs: readonly (ColdStartTimings & { wallMs: number })[];
  /** Set when a run failed: the figures are then NaN (null in JSON) and the bench goes on. */
  readonly error?: string;
}

const childScript = fileURLToPath(new URL('./cold-start-child.ts', import.meta.url));

function coldStartOnce(
  spec: ColdStartSpec,
  env: NodeJS.ProcessEnv,
): Promise<ColdStartTimings & { wallMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...process.execArgv, childScript, JSON.stringify(spec)], {
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

/** `runs` fresh processes one after the other; each figure is the median over them. */
export async function coldStart(
  spec: ColdStartSpec,
  runs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ColdStartSummary> {
  const results: (ColdStartTimings & { wallMs: number })[] = [];
  try {
    for (let i = 0; i < runs; i += 1) results.push(await coldStartOnce(spec, env));
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
  return {
    bootMs: round(median(results.map((r) => r.bootMs))),
    steps: Object.fromEntries(
      stepNames.map((name) => [name, round(median(results.map((r) => r.steps[name] ?? Number.NaN)))]),
    ),
    totalMs: round(median(results.map((r) => r.totalMs))),
    wallMs: round(median(results.map((r) => r.wallMs))),
    runs: results.map((r) => ({
      bootMs: round(r.bootMs),
      steps: Object.fromEntries(Object.entries(r.steps).map(([name, ms]) => [name, round(ms)])),
      totalMs: round(r.totalMs),
      wallMs: round(r.wallMs),
    })),
  };
}
