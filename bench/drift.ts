/**
 * What a drift report costs: 100,000 captured rows × 30 features (24 numbers, 6 categories; three
 * numbers shifted) against a baseline of 10,000 training rows. The captures are written as the
 * prediction functions write them (single-row requests, JSON Lines objects of 500 records, one hour
 * partition) to the S3 emulator; the report reads them back through the same reader the report
 * functions use (list, get, parse) and compares them with the baseline. Also timed: the comparison
 * alone, over records already in memory. Writes bench-results/drift.json.
 */
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { S3BlobStore } from '../functions/adapters/s3/blob-store.ts';
import { S3CaptureReader } from '../functions/adapters/s3/capture-reader.ts';
import {
  type CaptureReader,
  computeDriftReport,
  type DriftReport,
  type DriftSubject,
} from '../functions/core/monitoring/drift-report.ts';
import { DEFAULT_DRIFT_THRESHOLDS } from '../functions/core/monitoring/drift-thresholds.ts';
import {
  type CapturedPrediction,
  capturePartition,
} from '../functions/core/monitoring/prediction-capture.ts';
import {
  categoricalBaseline,
  type FeatureBaseline,
  numericBaseline,
} from '../functions/core/training/drift-baseline.ts';
import { repositoryRoot } from '../local/platform.ts';
import { startTestEmulators } from '../test/support/emulators.ts';
import { round } from './stats.ts';

const SETTINGS = {
  rows: 100_000,
  trainingRows: 10_000,
  numericFeatures: 24,
  categoricalFeatures: 6,
  shiftedFeatures: ['n0', 'n1', 'n2'],
  recordsPerObject: 500,
  runs: 3,
  targetSeconds: 10,
};

/** A small deterministic generator (mulberry32), so every run reads the same rows. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(20261208);
const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
const CATEGORIES = ['a', 'b', 'c', 'd', 'e'];

function row(shift: number): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  for (let i = 0; i < SETTINGS.numericFeatures; i += 1) {
    const shifted = SETTINGS.shiftedFeatures.includes(`n${i}`) ? shift : 0;
    r[`n${i}`] = round(10 + i + 2 * normal() + shifted, 4);
  }
  for (let i = 0; i < SETTINGS.categoricalFeatures; i += 1) {
    r[`c${i}`] = CATEGORIES[Math.min(CATEGORIES.length - 1, Math.floor(next() ** 1.5 * CATEGORIES.length))];
  }
  return r;
}

function baselineOf(rows: readonly Record<string, unknown>[]): FeatureBaseline[] {
  const column = (name: string) => rows.map((r) => String(r[name]));
  return [
    ...Array.from({ length: SETTINGS.numericFeatures }, (_, i) => numericBaseline(`n${i}`, column(`n${i}`))),
    ...Array.from({ length: SETTINGS.categoricalFeatures }, (_, i) =>
      categoricalBaseline(`c${i}`, column(`c${i}`), CATEGORIES),
    ),
  ];
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** Wall time, and CPU time of this process (the machine is shared: CPU time is what the report costs). */
async function time(
  run: () => Promise<DriftReport>,
): Promise<{ seconds: number; cpuSeconds: number; report: DriftReport }> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const report = await run();
  const used = process.cpuUsage(cpu);
  return {
    seconds: (performance.now() - start) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
    report,
  };
}

const at = new Date(Date.UTC(2026, 11, 8, 1, 30));
const subject: DriftSubject = {
  model: 'bench',
  version: 1,
  baseline: baselineOf(Array.from({ length: SETTINGS.trainingRows }, () => row(0))),
  thresholds: DEFAULT_DRIFT_THRESHOLDS,
  from: new Date(at.getTime() - 3_600_000),
  to: new Date(at.getTime() + 3_600_000),
};
const records: CapturedPrediction[] = Array.from({ length: SETTINGS.rows }, (_, i) => ({
  requestId: `r-${i}`,
  time: new Date(at.getTime() + (i % 1000)).toISOString(),
  model: 'bench',
  version: 1,
  alias: 'production',
  inputs: [row(6)],
  outputs: { predictions: [0] },
}));

const emulators = await startTestEmulators();
try {
  const store = new S3BlobStore(emulators.s3, emulators.bucketNames.models);
  const partition = capturePartition('bench', 1, at);
  let bytes = 0;
  for (let start = 0; start < records.length; start += SETTINGS.recordsPerObject) {
    const body = `${records
      .slice(start, start + SETTINGS.recordsPerObject)
      .map((r) => JSON.stringify(r))
      .join('\n')}\n`;
    bytes += Buffer.byteLength(body);
    await store.put(`${partition}w-${String(start).padStart(6, '0')}.jsonl`, body, 'application/x-ndjson');
  }
  const inMemory: CaptureReader = {
    async *list() {
      yield* records;
    },
  };
  const fromS3 = new S3CaptureReader(store);

  const endToEnd: number[] = [];
  const endToEndCpu: number[] = [];
  const computeOnly: number[] = [];
  const computeOnlyCpu: number[] = [];
  let report: DriftReport | undefined;
  let peakRss = 0;
  for (let run = 0; run < SETTINGS.runs; run += 1) {
    const s3Run = await time(() => computeDriftReport(subject, fromS3));
    endToEnd.push(s3Run.seconds);
    endToEndCpu.push(s3Run.cpuSeconds);
    report = s3Run.report;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const memoryRun = await time(() => computeDriftReport(subject, inMemory));
    computeOnly.push(memoryRun.seconds);
    computeOnlyCpu.push(memoryRun.cpuSeconds);
  }
  if (report === undefined || report.rows !== SETTINGS.rows) throw new Error(`read ${report?.rows} rows`);
  const drifted = [...report.driftedFeatures].sort();
  if (JSON.stringify(drifted) !== JSON.stringify(SETTINGS.shiftedFeatures)) {
    throw new Error(`flagged ${drifted.join(', ')} instead of the shifted features`);
  }

  const result = {
    generatedBy: 'bench/drift.ts',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadAverage: loadavg().map((x) => round(x, 2)) },
    settings: SETTINGS,
    capturedObjects: Math.ceil(SETTINGS.rows / SETTINGS.recordsPerObject),
    capturedMegabytes: round(bytes / 1e6, 1),
    seconds: {
      endToEndFromS3Emulator: { median: round(median(endToEnd), 2), runs: endToEnd.map((s) => round(s, 2)) },
      compareOnly: { median: round(median(computeOnly), 2), runs: computeOnly.map((s) => round(s, 2)) },
    },
    // The reader and the report are one process with the S3 emulator: its CPU time counts here too.
    cpuSeconds: {
      endToEndFromS3Emulator: round(median(endToEndCpu), 2),
      compareOnly: round(median(computeOnlyCpu), 2),
    },
    peakRssMegabytes: round(peakRss / 1e6, 0),
    driftedFeatures: drifted,
    withinTarget: median(endToEnd) < SETTINGS.targetSeconds,
  };
  await writeFile(
    join(repositoryRoot, 'bench-results', 'drift.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  console.table({
    'end to end (S3 emulator: list, get, parse, compare)': {
      wallSeconds: result.seconds.endToEndFromS3Emulator.median,
      cpuSeconds: result.cpuSeconds.endToEndFromS3Emulator,
    },
    'compare only (records in memory)': {
      wallSeconds: result.seconds.compareOnly.median,
      cpuSeconds: result.cpuSeconds.compareOnly,
    },
  });
  console.log(
    `${SETTINGS.rows} rows × ${SETTINGS.numericFeatures + SETTINGS.categoricalFeatures} features, ${result.capturedObjects} objects (${result.capturedMegabytes} MB), peak RSS ${result.peakRssMegabytes} MB; flagged ${drifted.join(', ')}; target < ${SETTINGS.targetSeconds} s: ${result.withinTarget ? 'met' : 'missed'}`,
  );
} finally {
  await emulators.close();
}
