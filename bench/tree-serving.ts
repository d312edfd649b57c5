/**
 * Serving speed of an exported gradient-boosted tree model in onnxruntime: `session.run` on 1 row
 * and on 10k rows, against the issue's targets (under 100 µs and under 20 ms).
 *
 * Flow: generate a binary classifier of 300 trees × 31 leaves over 20 numeric columns (trees grown
 * leaf-wise at random, as a leaf-wise booster's are unbalanced; thresholds from the data) → export
 * it with its feature pipeline (raw columns in, imputation and scaling inside the graph) and, for
 * comparison, alone over the feature matrix, and with the float32 tree-by-tree sum a converted
 * XGBoost model gets → one session each, set up as the platform serves
 * (OnnxModel: 1 intra-op thread, sequential, all graph optimisations), plus the pipeline export
 * with one intra-op thread per core (onnxruntime splits the rows of a batch between them), and the
 * platform's own path: OnnxModel.runTensors, whose large batches (256 rows and up) run on its
 * threaded session, sized as the predict function sizes it (inferenceThreads: every core here) →
 * time each with ready feeds (bench/micro.ts: warm-up, then round-robin runs; the median of the
 * runs' p50 / p99) → print a table, write bench-results/tree-serving.json. The targets are checked
 * on the platform's path; a miss is reported, never thrown.
 *
 * Run: `node bench/tree-serving.ts` (Node 22).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { OnnxModel } from '../functions/adapters/onnxruntime/onnx-model.ts';
import { inferenceThreads } from '../functions/core/inference/inference-threads.ts';
import { PREDICTION_CACHE_DEFAULTS, PredictionCache } from '../functions/core/inference/prediction-cache.ts';
import type { TensorMap } from '../functions/core/inference/tensors.ts';
import type {
  FeaturePipeline,
  RegressionTree,
  TreeEnsembleModel,
} from '../functions/core/training/model-contracts.ts';
import {
  exportMatrixModelToOnnx,
  exportPipelineToOnnx,
} from '../functions/core/training/onnx-export/export-pipeline.ts';
import { benchmark, type Variant } from './micro.ts';
import { machineInfo } from './report.ts';
import { formatNumber, round, table } from './stats.ts';

const TREES = 300;
const LEAVES = 31;
const FEATURES = 20;
const BATCH = 10_000;
/** Rows of the request the prediction cache's hit path is timed on. */
const CACHED_ROWS = 100;
const MISSING = 0.05;
const TARGETS = { oneRowUs: 100, batchMs: 20 } as const;
const RESULT_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench-results', 'tree-serving.json');

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = randomSource(42);
/** Approximately standard normal (sum of 4 uniforms). */
const normal = () => (random() + random() + random() + random() - 2) * Math.sqrt(3);

const pipeline: FeaturePipeline = {
  features: Array.from({ length: FEATURES }, (_, j) => ({
    kind: 'numeric' as const,
    column: `x${j}`,
    fill: 10 * j,
    mean: 10 * j,
    scale: 1 + j,
  })),
  width: FEATURES,
};

/** Raw column values: column j ~ N(10 j, (1 + j)²), `MISSING` of them NaN. */
function rawColumns(rows: number): Float64Array[] {
  return Array.from({ length: FEATURES }, (_, j) =>
    Float64Array.from({ length: rows }, () =>
      random() < MISSING ? Number.NaN : 10 * j + (1 + j) * normal(),
    ),
  );
}

/** A tree grown leaf-wise to `LEAVES` leaves: random leaf, random column, threshold from N(0, 1). */
function randomTree(): RegressionTree {
  const nodes = 2 * LEAVES - 1;
  const feature = new Int32Array(nodes).fill(-1);
  const threshold = new Float32Array(nodes);
  const missingGoesLeft = new Uint8Array(nodes);
  const left = new Int32Array(nodes).fill(-1);
  const right = new Int32Array(nodes).fill(-1);
  const value = new Float64Array(nodes);
  const leaves = [0];
  let used = 1;
  while (leaves.length < LEAVES) {
    const at = Math.floor(random() * leaves.length);
    const node = leaves[at] as number;
    feature[node] = Math.floor(random() * FEATURES);
    threshold[node] = Math.fround(normal());
    missingGoesLeft[node] = random() < 0.5 ? 1 : 0;
    left[node] = used;
    right[node] = used + 1;
    leaves.splice(at, 1, used, used + 1);
    used += 2;
  }
  for (const node of leaves) value[node] = (random() * 2 - 1) * 0.1;
  return { feature, threshold, missingGoesLeft, left, right, value };
}

function depthOf(tree: RegressionTree, node = 0): number {
  if ((tree.feature[node] as number) === -1) return 0;
  return 1 + Math.max(depthOf(tree, tree.left[node] as number), depthOf(tree, tree.right[node] as number));
}

const model: TreeEnsembleModel = {
  kind: 'trees',
  algorithm: 'gradient-boosting',
  task: 'classification',
  comparison: 'leq',
  trees: Array.from({ length: TREES }, randomTree),
  outputs: 1,
  baseScores: Float64Array.of(-0.2),
  width: FEATURES,
  classes: [0, 1],
  hyperParameters: { rounds: TREES, maxLeaves: LEAVES },
};

const sessionOptions: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  logSeverityLevel: 3,
};

/** Feeds of `rows` rows: the raw columns for the pipeline export, the matrix for the model alone. */
function feeds(rows: number) {
  const columns = rawColumns(rows);
  const pipelineFeeds: Record<string, ort.Tensor> = {};
  pipeline.features.forEach((feature, j) => {
    pipelineFeeds[feature.column] = new ort.Tensor('float64', columns[j] as Float64Array, [rows, 1]);
  });
  const x = new Float64Array(rows * FEATURES);
  pipeline.features.forEach((feature, j) => {
    if (feature.kind !== 'numeric') return;
    const column = columns[j] as Float64Array;
    for (let r = 0; r < rows; r += 1) {
      const v = column[r] as number;
      x[r * FEATURES + j] = ((Number.isNaN(v) ? feature.fill : v) - feature.mean) / feature.scale;
    }
  });
  return { pipeline: pipelineFeeds, matrix: { features: new ort.Tensor('float64', x, [rows, FEATURES]) } };
}

async function main(): Promise<void> {
  const loadAverageAtStart = loadavg().map((x) => Math.round(x * 100) / 100);
  const exports = {
    pipeline: exportPipelineToOnnx(pipeline, model, { modelName: 'tree-serving' }),
    matrix: exportMatrixModelToOnnx(model, { modelName: 'tree-serving-matrix' }),
    // A converted XGBoost model's graph: leaves summed in float32 tree by tree (CumSum), as XGBoost does.
    float32Sum: exportPipelineToOnnx(
      pipeline,
      { ...model, sumPrecision: 'float32' },
      { modelName: 'tree-serving-f32' },
    ),
  };
  const cores = availableParallelism();
  const sessions = {
    pipeline: await ort.InferenceSession.create(exports.pipeline, sessionOptions),
    matrix: await ort.InferenceSession.create(exports.matrix, sessionOptions),
    float32Sum: await ort.InferenceSession.create(exports.float32Sum, sessionOptions),
    threaded: await ort.InferenceSession.create(exports.pipeline, {
      ...sessionOptions,
      intraOpNumThreads: cores,
    }),
  };
  const threads = inferenceThreads({ cores });
  const served = await OnnxModel.create(exports.pipeline, { batchThreads: threads });
  await served.prepareBatchSession();
  const one = feeds(1);
  const batch = feeds(BATCH);
  const tensorsOf = (ortFeeds: Record<string, ort.Tensor>): TensorMap =>
    Object.fromEntries(
      Object.entries(ortFeeds).map(([name, t]) => [
        name,
        { type: 'float64', data: t.data as Float64Array, dims: t.dims },
      ]),
    );
  const servedOne = tensorsOf(one.pipeline);
  const servedBatch = tensorsOf(batch.pipeline);
  // The prediction cache's hit path against the model on the same 100 request rows (named columns).
  const requestRows = Array.from({ length: CACHED_ROWS }, (_, r) =>
    Object.fromEntries(
      pipeline.features.map((feature) => {
        const column = servedBatch[feature.column]?.data as Float64Array | undefined;
        const value = column?.[r] ?? Number.NaN;
        return [feature.column, Number.isNaN(value) ? null : value];
      }),
    ),
  );
  const cache = new PredictionCache({ maxBytes: 64 * 1024 * 1024 });
  const cacheSettings = { enabled: true, ...PREDICTION_CACHE_DEFAULTS };
  const cached = () =>
    cache.predict('tree-serving@1#bench', cacheSettings, requestRows, (rows) => served.predict(rows));
  const uncachedAnswer = await served.predict(requestRows);
  if (JSON.stringify((await cached()).result) !== JSON.stringify(uncachedAnswer)) {
    throw new Error('The prediction cache answered differently from the model.');
  }
  const variants: Variant[] = [
    { name: 'served 1 row', iterations: 2000, call: () => served.runTensors(servedOne) },
    {
      name: `served predict, ${CACHED_ROWS} request rows`,
      iterations: 300,
      call: () => served.predict(requestRows),
    },
    {
      name: `served predict, ${CACHED_ROWS} request rows, prediction cache hits`,
      iterations: 300,
      call: cached,
    },
    {
      name: `served ${BATCH} rows, ${threads} threads`,
      iterations: 30,
      call: () => served.runTensors(servedBatch),
    },
  ];
  for (const kind of ['pipeline', 'matrix'] as const) {
    variants.push(
      { name: `${kind} 1 row`, iterations: 2000, call: () => sessions[kind].run(one[kind]) },
      { name: `${kind} ${BATCH} rows`, iterations: 30, call: () => sessions[kind].run(batch[kind]) },
    );
  }
  variants.push(
    {
      name: 'pipeline, float32 sum (XGBoost) 1 row',
      iterations: 2000,
      call: () => sessions.float32Sum.run(one.pipeline),
    },
    {
      name: `pipeline, float32 sum (XGBoost) ${BATCH} rows`,
      iterations: 30,
      call: () => sessions.float32Sum.run(batch.pipeline),
    },
  );
  variants.push({
    name: `pipeline ${BATCH} rows, ${cores} threads`,
    iterations: 30,
    call: () => sessions.threaded.run(batch.pipeline),
  });
  const stats = await benchmark(variants, { runs: 5, warmupIterations: 20 });
  await Promise.all(Object.values(sessions).map((session) => session.release()));
  await served.dispose();

  const oneRow = stats['served 1 row'];
  const batchRows = stats[`served ${BATCH} rows, ${threads} threads`];
  const targets = [
    {
      name: 'exported model, 1 row, OnnxModel.runTensors p50',
      target: `< ${TARGETS.oneRowUs} µs`,
      measured: `${formatNumber(oneRow?.p50Us ?? Number.NaN)} µs`,
      pass: (oneRow?.p50Us ?? Number.POSITIVE_INFINITY) < TARGETS.oneRowUs,
    },
    {
      name: `exported model, ${BATCH} rows, OnnxModel.runTensors p50 (${threads} threads)`,
      target: `< ${TARGETS.batchMs} ms`,
      measured: `${formatNumber((batchRows?.p50Us ?? Number.NaN) / 1000, 2)} ms`,
      pass: (batchRows?.p50Us ?? Number.POSITIVE_INFINITY) / 1000 < TARGETS.batchMs,
    },
  ];
  const depths = model.trees.map((tree) => depthOf(tree));
  const machine = { ...machineInfo(), loadAverageAtStart };
  const report = {
    machine,
    model: {
      trees: TREES,
      leavesPerTree: LEAVES,
      features: FEATURES,
      task: 'binary classification',
      meanDepth: round(depths.reduce((a, b) => a + b, 0) / depths.length, 2),
      maxDepth: Math.max(...depths),
      missingValues: MISSING,
      bytes: { pipeline: exports.pipeline.byteLength, matrix: exports.matrix.byteLength },
    },
    session: {
      ...sessionOptions,
      threadedVariant: { intraOpNumThreads: cores },
      served: { batchThreads: threads, batchRowsFrom: 256, allowSpinning: false },
    },
    results: stats,
    targets,
  };
  await mkdir(dirname(RESULT_FILE), { recursive: true });
  await writeFile(RESULT_FILE, `${JSON.stringify(report, null, 2)}\n`);

  console.log(
    [
      `Tree serving — ${machine.cpuModel}, ${machine.cores} cores, ${machine.os}, Node ${machine.node}, onnxruntime ${machine.onnxruntime}, ${machine.date}`,
      `Load average (1/5/15 min) at start ${loadAverageAtStart.join(' / ')}, at end ${machine.loadAverage.join(' / ')}.`,
      `Model: ${TREES} trees × ${LEAVES} leaves (mean depth ${report.model.meanDepth}, max ${report.model.maxDepth}), ${FEATURES} numeric columns, binary; ${formatNumber(exports.pipeline.byteLength / 1024)} KiB. Session: 1 intra-op thread, sequential, all optimisations (as OnnxModel); "pipeline" takes raw columns, "matrix" the feature matrix.`,
      '',
      table(
        ['session.run', 'p50 µs', 'p99 µs', 'mean µs', 'per row µs (p50)'],
        Object.entries(stats).map(([name, s]) => {
          const rows = name.includes(`${BATCH} rows`)
            ? BATCH
            : name.includes(`${CACHED_ROWS} request rows`)
              ? CACHED_ROWS
              : 1;
          return [
            name,
            formatNumber(s.p50Us),
            formatNumber(s.p99Us),
            formatNumber(s.meanUs),
            formatNumber(s.p50Us / rows, 2),
          ];
        }),
      ),
      '',
      table(
        ['target', 'wanted', 'measured', ''],
        targets.map((t) => [t.name, t.target, t.measured, t.pass ? 'PASS' : 'MISS']),
      ),
      '',
      `Written to ${RESULT_FILE}.`,
    ].join('\n'),
  );
}

await main();
