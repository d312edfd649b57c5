/**
 * `node bench/gbdt.ts`: the platform's gradient-boosted trees (TypeScript, one thread) beside
 * scikit-learn's HistGradientBoostingClassifier on the same generated data, in the same run:
 * training time, peak memory, rounds to early stop, hold-out accuracy, on 150k × 20 and 1M × 20
 * (binary classification).
 *
 * Flow: (1) one child process per size (this file with `--child`): it generates the data (N rows to
 * fit and N/4 hold-out rows), fits with the trainer's defaults (learning rate 0.1, 31 leaves, at
 * most 300 rounds, early stopping after 20 rounds on a 10 % validation split it carves itself),
 * `repeats` times, and reports the fit times, the rounds, the hold-out accuracy and its peak RSS
 * (process.resourceUsage().maxRSS, data included). (2) The same matrices, written as float64 files,
 * go to /usr/bin/python3 (the script is inline below): HistGradientBoostingClassifier with the same
 * settings, once with its default threads (OpenMP, all cores) and once on 1 thread, each in a fresh
 * process for its own peak RSS; skipped with a note when scikit-learn is absent.
 * Prints a table and writes bench-results/gbdt.json; the targets are PASS/MISS, a miss never fails.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accuracy } from '../functions/core/training/metrics.ts';
import type { TrainingMatrix } from '../functions/core/training/model-contracts.ts';
import { Random } from '../functions/core/training/random.ts';
import {
  fitGradientBoosting,
  type GradientBoostingFit,
} from '../functions/core/training/trainers/gradient-boosting/gradient-boosting.ts';
import { predictRaw } from '../functions/core/training/trainers/trainer.ts';
import { formatNumber, median, round, table } from './stats.ts';

const FEATURES = 20;
const SEED = 20_251_126;
const HOLD_OUT_PER_FIT_ROW = 0.25;
/** Share of values missing (NaN) in columns 0 and 9; both sides learn where they go. */
const MISSING_SHARE = 0.03;

const SIZES: readonly { readonly rows: number; readonly repeats: number }[] = [
  { rows: 150_000, repeats: 3 },
  { rows: 1_000_000, repeats: 1 },
];

const TARGETS = {
  /** Platform fit time ÷ scikit-learn's, "at equal accuracy" (within 1 point). */
  timeRatio: 3,
  accuracyPoints: 1,
  /** 1M × 20 inside one Lambda: 15 minutes, 10 GB. */
  lambdaSeconds: 900,
  lambdaMb: 10_240,
} as const;

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
const RESULT_FILE = join(repositoryRoot, 'bench-results', 'gbdt.json');
const PYTHON = process.env.SKLEARN_PYTHON ?? '/usr/bin/python3';
const CHILD_FLAG = '--child';

function log(message: string): void {
  process.stderr.write(`[bench:gbdt] ${message}\n`);
}

// ---------------------------------------------------------------------------------------------------
// Generated data: deterministic for the seed, the same in every process.

function normalOf(random: Random): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - random.next()));
    const angle = 2 * Math.PI * random.next();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

/**
 * 20 standard-normal columns; a binary label drawn from a logistic ground truth with linear terms,
 * steps, an interaction, a sine and an absolute value on columns 0–9 (10–19 are noise); then 3 % of
 * columns 0 and 9 set missing.
 */
const DATA_DESCRIPTION =
  '20 standard-normal columns; label ~ Bernoulli(sigmoid(z)), z = 1.2·x0 − 0.8·x1 + 1.5·[x2 > 0.5] − [x3 < −0.3] + 0.9·x4·x5 + sin(2·x6) + 0.6·|x7| + 0.3·x8 − 0.4·x9 − 0.5 (columns 10–19 noise); then 3 % of columns 0 and 9 missing (NaN).';

function generate(rows: number, seed: number): { x: Float64Array; y: Float64Array } {
  const random = new Random(seed);
  const normal = normalOf(random);
  const x = new Float64Array(rows * FEATURES);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r += 1) {
    const row = x.subarray(r * FEATURES, (r + 1) * FEATURES);
    for (let j = 0; j < FEATURES; j += 1) row[j] = normal();
    const v = (j: number) => row[j] as number;
    const z =
      1.2 * v(0) -
      0.8 * v(1) +
      (v(2) > 0.5 ? 1.5 : 0) -
      (v(3) < -0.3 ? 1 : 0) +
      0.9 * v(4) * v(5) +
      Math.sin(2 * v(6)) +
      0.6 * Math.abs(v(7)) +
      0.3 * v(8) -
      0.4 * v(9) -
      0.5;
    y[r] = random.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    if (random.next() < MISSING_SHARE) row[0] = Number.NaN;
    if (random.next() < MISSING_SHARE) row[9] = Number.NaN;
  }
  return { x, y };
}

interface Prepared {
  readonly train: TrainingMatrix;
  readonly holdOut: TrainingMatrix;
}

function prepare(rows: number): Prepared {
  const holdOutRows = Math.round(rows * HOLD_OUT_PER_FIT_ROW);
  const { x, y } = generate(rows + holdOutRows, SEED + rows);
  const classes = [0, 1];
  return {
    train: { rows, cols: FEATURES, x: x.subarray(0, rows * FEATURES), y: y.subarray(0, rows), classes },
    holdOut: {
      rows: holdOutRows,
      cols: FEATURES,
      x: x.subarray(rows * FEATURES),
      y: y.subarray(rows),
      classes,
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Child: one size in a fresh process, for a clean peak RSS.

interface PlatformResult {
  readonly rows: number;
  readonly fitMs: readonly number[];
  readonly medianMs: number;
  readonly rounds: number;
  readonly roundsTrained: number;
  readonly stoppedEarly: boolean;
  readonly holdOutAccuracy: number;
  readonly generateMs: number;
  readonly rssBeforeFitMb: number;
  readonly peakRssMb: number;
  readonly peakHeapUsedMb: number;
  readonly peakArrayBuffersMb: number;
  readonly loadAverage1m: number;
}

const mb = (bytes: number) => round(bytes / 2 ** 20, 1);

async function runChild(rows: number, repeats: number): Promise<void> {
  const started = performance.now();
  const { train, holdOut } = prepare(rows);
  const generateMs = round(performance.now() - started, 0);
  const rssBeforeFitMb = round(process.resourceUsage().maxRSS / 1024, 1);
  let peakHeap = 0;
  let peakArrayBuffers = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    peakArrayBuffers = Math.max(peakArrayBuffers, usage.arrayBuffers);
  };
  const sampler = setInterval(sample, 5);
  const fitMs: number[] = [];
  let fit: GradientBoostingFit | undefined;
  for (let run = 0; run < repeats; run += 1) {
    const t0 = performance.now();
    fit = await fitGradientBoosting(train, {}, { seed: SEED });
    fitMs.push(performance.now() - t0);
    sample();
  }
  clearInterval(sampler);
  if (fit === undefined) throw new Error('no fit ran');
  const prediction = predictRaw(fit.model, holdOut.x, holdOut.rows);
  if (prediction.task !== 'classification') throw new Error('expected a classification');
  const result: PlatformResult = {
    rows,
    fitMs: fitMs.map((ms) => round(ms, 0)),
    medianMs: round(median(fitMs), 0),
    rounds: fit.rounds,
    roundsTrained: fit.roundsTrained,
    stoppedEarly: fit.stoppedEarly,
    holdOutAccuracy: accuracy(holdOut.y, prediction.labels),
    generateMs,
    rssBeforeFitMb,
    peakRssMb: round(process.resourceUsage().maxRSS / 1024, 1),
    peakHeapUsedMb: mb(peakHeap),
    peakArrayBuffersMb: mb(peakArrayBuffers),
    loadAverage1m: round(loadavg()[0] ?? Number.NaN, 2),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function lastJsonLine<T>(what: string, stdout: string): T {
  try {
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as T;
  } catch (error) {
    throw new Error(`${what} printed no result: ${stdout}`, { cause: error });
  }
}

function fitInChild(rows: number, repeats: number): Promise<PlatformResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), CHILD_FLAG, JSON.stringify({ rows, repeats })],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`the fit child for ${rows} rows exited with ${code}`));
      else {
        try {
          resolve(lastJsonLine<PlatformResult>(`the fit child for ${rows} rows`, stdout));
        } catch (error) {
          reject(error);
        }
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// scikit-learn on the same matrices.

/** argv: <dir> <repeats>. <dir> holds meta.json and little-endian float64 x_train, y_train, x_hold_out, y_hold_out. */
const SKLEARN_SCRIPT = `
import json, os, platform, resource, sys, time
import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier

directory, repeats = sys.argv[1], int(sys.argv[2])
with open(os.path.join(directory, "meta.json")) as f:
    meta = json.load(f)
rows, cols, hold_out_rows = meta["rows"], meta["cols"], meta["holdOutRows"]
read = lambda name, shape: np.fromfile(os.path.join(directory, name), dtype="<f8").reshape(shape)
x_train = read("x_train", (rows, cols))
y_train = read("y_train", (rows,)).astype(np.int64)
x_hold_out = read("x_hold_out", (hold_out_rows, cols))
y_hold_out = read("y_hold_out", (hold_out_rows,)).astype(np.int64)
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
times = []
model = None
for _ in range(repeats):
    model = HistGradientBoostingClassifier(
        learning_rate=0.1, max_iter=300, max_leaf_nodes=31, max_depth=None, min_samples_leaf=20,
        l2_regularization=0.0, max_bins=255, early_stopping=True, scoring="loss",
        validation_fraction=0.1, n_iter_no_change=20, tol=1e-7, random_state=0)
    started = time.perf_counter()
    model.fit(x_train, y_train)
    times.append(time.perf_counter() - started)
accuracy = float(np.mean(model.predict(x_hold_out) == y_hold_out))
try:
    from threadpoolctl import threadpool_info
    pools = [{"api": p.get("internal_api"), "threads": p.get("num_threads")} for p in threadpool_info()]
except ImportError:
    pools = []
print(json.dumps({
    "sklearn": sklearn.__version__, "numpy": np.__version__, "python": platform.python_version(),
    "rows": rows, "fitSeconds": times, "medianSeconds": float(np.median(times)),
    "rounds": int(model.n_iter_), "holdOutAccuracy": accuracy,
    "rssBeforeFitMb": rss_before, "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "threadPools": pools,
}))
`;

interface SklearnResult {
  readonly sklearn: string;
  readonly numpy: string;
  readonly python: string;
  readonly rows: number;
  readonly fitSeconds: readonly number[];
  readonly medianSeconds: number;
  readonly rounds: number;
  readonly holdOutAccuracy: number;
  readonly rssBeforeFitMb: number;
  readonly peakRssMb: number;
  readonly threadPools: readonly { api: string; threads: number }[];
}

interface SklearnRun {
  readonly threads: string;
  readonly result: SklearnResult;
}

function sklearnMissing(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const probe = spawnSync(PYTHON, ['-c', 'from sklearn.ensemble import HistGradientBoostingClassifier'], {
    encoding: 'utf8',
  });
  if (probe.status !== 0) return `${PYTHON} has no scikit-learn (${probe.stderr.trim().split('\n').at(-1)})`;
  return undefined;
}

async function writeMatrices(dir: string, prepared: Prepared): Promise<void> {
  const bytes = (a: Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  await writeFile(join(dir, 'x_train'), bytes(prepared.train.x));
  await writeFile(join(dir, 'y_train'), bytes(prepared.train.y));
  await writeFile(join(dir, 'x_hold_out'), bytes(prepared.holdOut.x));
  await writeFile(join(dir, 'y_hold_out'), bytes(prepared.holdOut.y));
  await writeFile(
    join(dir, 'meta.json'),
    JSON.stringify({ rows: prepared.train.rows, cols: FEATURES, holdOutRows: prepared.holdOut.rows }),
  );
}

function runSklearn(dir: string, repeats: number, env: NodeJS.ProcessEnv): SklearnResult {
  const run = spawnSync(PYTHON, ['-c', SKLEARN_SCRIPT, dir, String(repeats)], { encoding: 'utf8', env });
  if (run.status !== 0) throw new Error(`scikit-learn failed: ${run.stderr}`);
  return lastJsonLine<SklearnResult>('scikit-learn', run.stdout);
}

// ---------------------------------------------------------------------------------------------------
// Main.

const pct = (score: number) => formatNumber(score * 100, 2);
const secs = (ms: number, digits = 1) => formatNumber(ms / 1000, digits);

async function main(): Promise<void> {
  const loadAverageAtStart = loadavg().map((x) => round(x, 2));
  const notes: string[] = [];
  const platform: PlatformResult[] = [];
  for (const { rows, repeats } of SIZES) {
    log(`platform gradient boosting on ${rows.toLocaleString('en-US')} × ${FEATURES} (${repeats} fit(s))`);
    platform.push(await fitInChild(rows, repeats));
  }

  const sklearn: { rows: number; runs: SklearnRun[] }[] = [];
  const missing = sklearnMissing();
  if (missing === undefined) {
    for (const { rows, repeats } of SIZES) {
      const dir = await mkdtemp(join(tmpdir(), 'mlp-bench-gbdt-'));
      try {
        await writeMatrices(dir, prepare(rows));
        log(`scikit-learn on ${rows.toLocaleString('en-US')} rows, default threads`);
        const runs: SklearnRun[] = [
          { threads: 'default (all cores)', result: runSklearn(dir, repeats, process.env) },
        ];
        log(`scikit-learn on ${rows.toLocaleString('en-US')} rows, 1 thread`);
        runs.push({
          threads: '1 (OMP_NUM_THREADS=1)',
          result: runSklearn(dir, repeats, {
            ...process.env,
            OMP_NUM_THREADS: '1',
            OPENBLAS_NUM_THREADS: '1',
          }),
        });
        sklearn.push({ rows, runs });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  } else {
    notes.push(
      `scikit-learn skipped: ${missing}. Its columns and the time-ratio targets are not measured in this run.`,
    );
  }

  const rowsOf = (p: PlatformResult) => `${p.rows.toLocaleString('en-US')} × ${FEATURES}`;
  const resultTable = table(
    [
      'model',
      'data',
      'threads',
      'fit s (median)',
      'runs s',
      'rounds (trained)',
      'peak RSS MB',
      'RSS before fit MB',
      'hold-out acc %',
    ],
    platform.flatMap((p) => {
      const own = [
        'platform gradient-boosting',
        rowsOf(p),
        '1 (JS)',
        secs(p.medianMs, 2),
        p.fitMs.map((ms) => secs(ms, 2)).join(' / '),
        `${p.rounds} (${p.roundsTrained})`,
        formatNumber(p.peakRssMb, 0),
        formatNumber(p.rssBeforeFitMb, 0),
        pct(p.holdOutAccuracy),
      ];
      const theirs = (sklearn.find((s) => s.rows === p.rows)?.runs ?? []).map((s) => [
        `scikit-learn ${s.result.sklearn} HistGradientBoostingClassifier`,
        rowsOf(p),
        s.threads,
        formatNumber(s.result.medianSeconds, 2),
        s.result.fitSeconds.map((v) => formatNumber(v, 2)).join(' / '),
        String(s.result.rounds),
        formatNumber(s.result.peakRssMb, 0),
        formatNumber(s.result.rssBeforeFitMb, 0),
        pct(s.result.holdOutAccuracy),
      ]);
      return [own, ...theirs];
    }),
  );

  const targets: { name: string; target: string; measured: string; pass: boolean | null }[] = [];
  for (const p of platform) {
    // The faster scikit-learn setting is the reference: on a small shared machine its OpenMP
    // threads can be slower than one thread, and the target must not pass on that.
    const runs = sklearn.find((s) => s.rows === p.rows)?.runs ?? [];
    const fastest = [...runs].sort((a, b) => a.result.medianSeconds - b.result.medianSeconds)[0];
    const ratio = fastest ? p.medianMs / 1000 / fastest.result.medianSeconds : Number.NaN;
    const gap = fastest ? (p.holdOutAccuracy - fastest.result.holdOutAccuracy) * 100 : Number.NaN;
    const others = runs
      .filter((run) => run !== fastest)
      .map((run) => `${formatNumber(p.medianMs / 1000 / run.result.medianSeconds, 2)}× vs ${run.threads}`);
    targets.push({
      name: `${rowsOf(p)}: platform fit ÷ the faster scikit-learn fit, at equal accuracy`,
      target: `≤ ${TARGETS.timeRatio}×, accuracy within ${TARGETS.accuracyPoints} pt`,
      measured: fastest
        ? `${formatNumber(ratio, 2)}× vs ${fastest.threads}${others.length > 0 ? ` (${others.join(', ')})` : ''}, accuracy Δ ${formatNumber(gap, 2)} pt`
        : 'not measured (no scikit-learn)',
      pass: Number.isFinite(ratio)
        ? ratio <= TARGETS.timeRatio && Math.abs(gap) <= TARGETS.accuracyPoints
        : null,
    });
  }
  const million = platform.find((p) => p.rows === 1_000_000);
  if (million) {
    targets.push({
      name: '1M × 20 inside one Lambda (time, peak RSS with the data)',
      target: `< ${TARGETS.lambdaSeconds} s, < ${TARGETS.lambdaMb} MB`,
      measured: `${secs(million.medianMs, 1)} s, ${formatNumber(million.peakRssMb, 0)} MB (on this machine's CPU)`,
      pass: million.medianMs / 1000 < TARGETS.lambdaSeconds && million.peakRssMb < TARGETS.lambdaMb,
    });
  }
  const targetTable = table(
    ['target (from the issue)', 'wanted', 'measured', ''],
    targets.map((t) => [
      t.name,
      t.target,
      t.measured,
      t.pass === null ? 'SKIPPED' : t.pass ? 'PASS' : 'MISS',
    ]),
  );

  const { machineInfo } = await import('./report.ts');
  const report = {
    machine: { ...machineInfo(), loadAverageAtStart },
    setup: {
      features: FEATURES,
      seed: SEED,
      data: DATA_DESCRIPTION,
      fits: 'N rows fitted, N/4 generated hold-out rows scored (accuracy). Both sides: learning rate 0.1, 31 leaves, no depth limit, min 20 rows per leaf, L2 0, 255 bins + missing, at most 300 rounds, early stopping on the validation loss after 20 rounds without improvement on a 10 % validation split carved from the N rows. Platform: fitGradientBoosting with its defaults in a child process per size, peak RSS = process.resourceUsage().maxRSS (data included). scikit-learn: HistGradientBoostingClassifier(…, early_stopping=True, scoring="loss", tol=1e-7), the same float64 matrices, a fresh python3 process per thread setting, peak RSS = ru_maxrss (data included).',
      sizes: SIZES,
      sklearn: missing ?? `${PYTHON}, inline script in bench/gbdt.ts`,
      notes,
    },
    platform,
    sklearn,
    targets,
  };
  await mkdir(dirname(RESULT_FILE), { recursive: true });
  await writeFile(RESULT_FILE, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\n${resultTable}\n\n${targetTable}\n`);
  for (const note of notes) process.stdout.write(`\nNote: ${note}\n`);
  process.stdout.write(`\nWrote ${RESULT_FILE}\n`);
}

if (process.argv[2] === CHILD_FLAG) {
  const { rows, repeats } = JSON.parse(process.argv[3] ?? '{}') as { rows: number; repeats: number };
  await runChild(rows, repeats);
} else {
  await main();
}
