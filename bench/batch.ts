/**
 * `npm run bench:batch`: batch predictions, locally, on a generated 1M-row CSV of 30 numeric features
 * through a 30-feature logistic regression and a 300-tree gradient-boosted model (both trained by the
 * platform's own trainers, exported to ONNX).
 *
 * Flow: (1) fit both models on the same 5,000 generated rows and export them
 * (`exportMatrixModelToOnnx`: one float64 [N, 30] input); the boosted model has rounds fixed at 300
 * (early stopping off, every row fitted), as a user asking for 300 trees gets; (2) write the 1M-row
 * CSV to a temporary file (generated now, never checked in); (3) per model, in a child process of its
 * own (so each peak memory is that job's alone): start the local platform in a temporary directory,
 * register the model, upload the file through the presigned URL; POST /v1/batch-predictions and poll
 * until SUCCEEDED; the clock runs from the POST to a downloaded output whose line count is checked;
 * CPU time is the child's (the local platform runs every Lambda in that process), so rows per
 * CPU-second is rows per second per core; peak memory is the child's maxRSS; (4) one chunk of the
 * deployed size (32 MiB) through the chunk runner alone, and the planner over the whole file, for
 * the on-paper AWS figures (linear model).
 * Prints tables, writes bench-results/batch.json; the target is PASS/MISS, a miss never fails.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { batchModelOf } from '../functions/adapters/onnxruntime/batch-model.ts';
import { OnnxModel } from '../functions/adapters/onnxruntime/onnx-model.ts';
import { planChunks } from '../functions/core/batch/chunk-plan.ts';
import { runChunk } from '../functions/core/batch/chunk-runner.ts';
import { instanceMapping } from '../functions/core/batch/row-instances.ts';
import type { TrainingMatrix } from '../functions/core/training/model-contracts.ts';
import { exportMatrixModelToOnnx } from '../functions/core/training/onnx-export/export-pipeline.ts';
import { Random } from '../functions/core/training/random.ts';
import { fitGradientBoosting } from '../functions/core/training/trainers/gradient-boosting/gradient-boosting.ts';
import { fitLogisticRegression } from '../functions/core/training/trainers/logistic-regression.ts';
import { workflows } from '../functions/steps/workflows.ts';
import { startLocalPlatform } from '../local/platform.ts';
import { formatNumber, round, table } from './stats.ts';

const FEATURES = 30;
const ROWS = Number(process.env.BENCH_BATCH_ROWS ?? 1_000_000);
const TRAIN_ROWS = 5_000;
const SEED = 20_261_204;
const DEPLOYED_CHUNK_BYTES = Number(workflows.batchPredictions.parameters.TargetChunkBytes.deployed);
const TARGET_ROWS_PER_MINUTE_PER_CORE = 1_000_000;
const TREES = 300;
const CHILD_FLAG = '--local-job';

/** On-paper AWS constants (us-east-1 list prices, x86; check the current pricing pages). */
const AWS = {
  lambdaMemoryGb: 2,
  /** A Lambda function gets one full vCPU at 1,769 MB: a 2 GB chunk function has about one core. */
  lambdaGbSecondUsd: 0.0000166667,
  lambdaRequestUsd: 0.2 / 1_000_000,
  /** Standard workflow state transitions; a chunk's child execution takes about 3. */
  transitionUsd: 0.000025,
  transitionsPerChunk: 3,
  sageMakerM5LargeHourUsd: 0.115,
  sageMakerM5LargeVcpus: 2,
  /** What a Batch Transform job spends before the first row (instance launch, container pull). */
  sageMakerStartupMinutes: 5,
} as const;

const random = new Random(SEED);
const weights = Array.from({ length: FEATURES }, () => random.next() * 2 - 1);

function featureValue(): number {
  return Math.round((random.next() * 20 - 10) * 1000) / 1000;
}

/** The training sample both models are fitted on: a noisy linear boundary over the 30 features. */
function trainingSample(): TrainingMatrix {
  const x = new Float64Array(TRAIN_ROWS * FEATURES);
  const y = new Float64Array(TRAIN_ROWS);
  for (let r = 0; r < TRAIN_ROWS; r += 1) {
    let score = 0;
    for (let c = 0; c < FEATURES; c += 1) {
      const value = featureValue();
      x[r * FEATURES + c] = value;
      score += value * (weights[c] as number);
    }
    y[r] = score + (random.next() - 0.5) * 4 > 0 ? 1 : 0;
  }
  return { rows: TRAIN_ROWS, cols: FEATURES, x, y, classes: [0, 1] };
}

async function trainLinear(sample: TrainingMatrix): Promise<Uint8Array> {
  const fit = await fitLogisticRegression(sample, { C: 1 }, { seed: SEED });
  return exportMatrixModelToOnnx(fit.model, { modelName: 'bench-logistic-30' });
}

/** 300 rounds, early stopping off and no validation split: every round is kept, one tree each. */
async function trainTrees(sample: TrainingMatrix) {
  const fit = await fitGradientBoosting(
    sample,
    { maxRounds: TREES, earlyStoppingRounds: 0, validationFraction: 0 },
    { seed: SEED },
  );
  const trees = fit.model.trees;
  if (trees.length !== TREES) throw new Error(`the booster kept ${trees.length} trees, not ${TREES}`);
  const leaves = trees.reduce((sum, tree) => sum + tree.feature.filter((f) => f === -1).length, 0);
  return {
    onnx: exportMatrixModelToOnnx(fit.model, { modelName: `bench-trees-${TREES}` }),
    trees: trees.length,
    meanLeaves: round(leaves / trees.length, 1),
    maxLeaves: fit.model.hyperParameters.maxLeaves as number,
  };
}

async function writeCsv(path: string, rows: number): Promise<number> {
  const header = ['id', ...Array.from({ length: FEATURES }, (_, c) => `x${c + 1}`)].join(',');
  const pieces: string[] = [`${header}\n`];
  let bytes = 0;
  await writeFile(path, '');
  const flush = async () => {
    const text = pieces.join('');
    bytes += Buffer.byteLength(text);
    await writeFile(path, text, { flag: 'a' });
    pieces.length = 0;
  };
  for (let r = 1; r <= rows; r += 1) {
    let line = `r${r}`;
    for (let c = 0; c < FEATURES; c += 1) line += `,${featureValue()}`;
    pieces.push(`${line}\n`);
    if (pieces.length === 20_000) await flush();
  }
  await flush();
  return bytes;
}

async function* fileBytes(path: string, start = 0, end?: number): AsyncGenerator<Uint8Array> {
  for await (const piece of createReadStream(path, { start, ...(end === undefined ? {} : { end: end - 1 }) }))
    yield piece as Buffer;
}

/** The fields of the API's answers this bench reads. */
interface ApiAnswer {
  readonly jobId: string;
  readonly status: string;
  readonly uploadId: string;
  readonly uploadUrl: string;
  readonly chunks: { readonly total: number };
  readonly outputBytes: number;
  readonly rowsPerSecond: number;
  readonly downloads: { readonly output: string };
  readonly error?: unknown;
}

async function localJob(csvPath: string, onnx: Uint8Array, modelName: string) {
  const dataDir = await mkdtemp(join(tmpdir(), 'mlp-bench-batch-'));
  const platform = await startLocalPlatform({
    dataDir,
    functionEnvironment: { RATE_LIMIT_PER_MINUTE: '1000000000' },
  });
  try {
    const token = (await platform.identity.issueTokens('alice', { expiresInSeconds: 3600 })).accessToken;
    const call = async (method: string, path: string, body?: unknown, raw?: Uint8Array) => {
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (raw !== undefined) headers['content-type'] = 'application/octet-stream';
      const response = await fetch(`${platform.apiUrl}${path}`, {
        method,
        headers,
        body: raw === undefined ? (body === undefined ? undefined : JSON.stringify(body)) : Buffer.from(raw),
      });
      const json = (await response.json().catch(() => undefined)) as ApiAnswer;
      if (response.status >= 400)
        throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
      return json;
    };
    await call('POST', '/v1/models', { name: modelName, task: 'classification' });
    await call('POST', `/v1/models/${modelName}/versions`, undefined, onnx);
    const upload = await call('POST', '/v1/batch-predictions/uploads', {
      format: 'csv',
      sizeBytes: (await stat(csvPath)).size,
    });
    const put = await fetch(upload.uploadUrl, {
      method: 'PUT',
      body: Readable.toWeb(createReadStream(csvPath)) as unknown as ReadableStream,
      headers: { 'content-length': String((await stat(csvPath)).size) },
      duplex: 'half',
    } as RequestInit);
    if (put.status !== 200) throw new Error(`upload: ${put.status}`);

    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const started = await call('POST', '/v1/batch-predictions', {
      model: modelName,
      input: { uploadId: upload.uploadId, format: 'csv' },
      output: { format: 'csv', passthrough: ['id'], probabilities: true },
    });
    let job: ApiAnswer;
    for (;;) {
      job = await call('GET', `/v1/batch-predictions/${started.jobId}`);
      if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (job.status !== 'SUCCEEDED') throw new Error(`job ${job.status}: ${JSON.stringify(job.error)}`);
    const output = await fetch(job.downloads.output);
    let lines = 0;
    for await (const piece of output.body as unknown as AsyncIterable<Uint8Array>) {
      for (const byte of piece) if (byte === 10) lines += 1;
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    if (lines !== ROWS + 1) throw new Error(`the output has ${lines} lines, not ${ROWS + 1}`);
    return {
      seconds: round(seconds, 2),
      cpuSeconds: round(cpuSeconds, 2),
      rowsPerSecond: Math.round(ROWS / seconds),
      rowsPerCpuSecond: Math.round(ROWS / cpuSeconds),
      chunks: job.chunks.total as number,
      outputBytes: job.outputBytes as number,
      jobRowsPerSecond: job.rowsPerSecond as number,
      peakRssMb: round(process.resourceUsage().maxRSS / 1024, 1),
    };
  } finally {
    await platform.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

type LocalJob = Awaited<ReturnType<typeof localJob>>;

/** `localJob` in a fresh process of this file, so its CPU time and peak memory are that job's alone. */
function localJobInChild(csvPath: string, onnxPath: string, modelName: string): Promise<LocalJob> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), CHILD_FLAG, csvPath, onnxPath, modelName],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    child.stdout.on('data', (piece: Buffer) => {
      stdout += piece.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`the ${modelName} job's process exited with ${code}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as LocalJob);
      } catch (error) {
        reject(new Error(`the ${modelName} job's process printed no result: ${stdout}`, { cause: error }));
      }
    });
  });
}

/** One deployed-size chunk through the chunk runner alone (no storage), and the planner over the file. */
async function perChunk(csvPath: string, onnx: Uint8Array) {
  const p0 = performance.now();
  const plan = await planChunks(fileBytes(csvPath), {
    format: 'csv',
    targetChunkBytes: DEPLOYED_CHUNK_BYTES,
  });
  const planSeconds = (performance.now() - p0) / 1000;
  const totalBytes = (await stat(csvPath)).size;
  const chunk = plan.chunks[0];
  if (chunk === undefined || plan.header === undefined) throw new Error('no chunk');
  const model = await OnnxModel.create(onnx, { id: 'bench' });
  try {
    const mapping = instanceMapping(model.serving.inputs, plan.header, { passthrough: ['id'] });
    const c0 = performance.now();
    const result = await runChunk(fileBytes(csvPath, chunk.start, chunk.end), chunk, {
      format: 'csv',
      header: plan.header,
      mapping,
      model: batchModelOf(model),
      output: { format: 'csv', passthrough: ['id'], probabilities: true },
      modelVersion: 1,
      writeHeader: true,
    });
    const chunkSeconds = (performance.now() - c0) / 1000;
    return {
      chunkBytes: chunk.end - chunk.start,
      chunkRows: result.rows,
      chunkSeconds: round(chunkSeconds, 2),
      chunkRowsPerSecond: Math.round(result.rows / chunkSeconds),
      planMbPerSecond: round(totalBytes / 1e6 / planSeconds, 1),
      planSeconds: round(planSeconds, 2),
      bytesPerRow: totalBytes / ROWS,
    };
  } finally {
    await model.dispose();
  }
}

/** End-to-end seconds on AWS for `rows` at `concurrency` chunks: the plan's pass, then waves of chunks. */
function awsSeconds(chunk: Awaited<ReturnType<typeof perChunk>>, rows: number, concurrency: number): number {
  const rowsPerChunk = DEPLOYED_CHUNK_BYTES / chunk.bytesPerRow;
  const planSeconds = (rows * chunk.bytesPerRow) / (chunk.planMbPerSecond * 1e6);
  const chunks = Math.ceil(rows / rowsPerChunk);
  const waves = Math.ceil(chunks / concurrency);
  const chunkSeconds = Math.min(rows, rowsPerChunk) / chunk.chunkRowsPerSecond;
  return planSeconds + waves * chunkSeconds;
}

function onPaper(chunk: Awaited<ReturnType<typeof perChunk>>) {
  const rowsPerChunk = DEPLOYED_CHUNK_BYTES / chunk.bytesPerRow;
  const chunksPerMillion = 1_000_000 / rowsPerChunk;
  const chunkSecondsPerMillion = 1_000_000 / chunk.chunkRowsPerSecond;
  const planSecondsPerMillion = (1_000_000 * chunk.bytesPerRow) / (chunk.planMbPerSecond * 1e6);
  const planMemoryGb = 1;
  const lambdaUsd =
    chunkSecondsPerMillion * AWS.lambdaMemoryGb * AWS.lambdaGbSecondUsd +
    planSecondsPerMillion * planMemoryGb * AWS.lambdaGbSecondUsd +
    chunksPerMillion * (AWS.lambdaRequestUsd + AWS.transitionsPerChunk * AWS.transitionUsd);
  const sageMakerRowsPerSecond = chunk.chunkRowsPerSecond * AWS.sageMakerM5LargeVcpus;
  const sageMakerHours = (1_000_000 / sageMakerRowsPerSecond + AWS.sageMakerStartupMinutes * 60) / 3600;
  return {
    rowsPerChunk: Math.round(rowsPerChunk),
    at: [100, 1000].map((concurrency) => ({
      concurrency,
      chunkRowsPerSecond: Math.round(concurrency * chunk.chunkRowsPerSecond),
      endToEnd: [1_000_000, 50_000_000].map((rows) => ({
        rows,
        seconds: round(awsSeconds(chunk, rows, concurrency), 1),
        rowsPerSecond: Math.round(rows / awsSeconds(chunk, rows, concurrency)),
      })),
    })),
    planRowsPerSecond: Math.round((chunk.planMbPerSecond * 1e6) / chunk.bytesPerRow),
    lambdaUsdPerMillionRows: round(lambdaUsd, 4),
    sageMakerUsdPerMillionRows: round(sageMakerHours * AWS.sageMakerM5LargeHourUsd, 4),
    sageMakerMinutesPerMillionRows: round(sageMakerHours * 60, 1),
    assumptions: AWS,
  };
}

async function main() {
  const workDir = await mkdtemp(join(tmpdir(), 'mlp-bench-batch-data-'));
  try {
    const sample = trainingSample();
    const onnx = await trainLinear(sample);
    const fitted = performance.now();
    const trees = await trainTrees(sample);
    console.log(
      `Trained ${trees.trees} trees (mean ${trees.meanLeaves} leaves, at most ${trees.maxLeaves}) on ${formatNumber(TRAIN_ROWS, 0)} rows in ${round((performance.now() - fitted) / 1000, 1)} s`,
    );
    const linearPath = join(workDir, 'linear.onnx');
    const treesPath = join(workDir, 'trees.onnx');
    await writeFile(linearPath, onnx);
    await writeFile(treesPath, trees.onnx);
    const csvPath = join(workDir, 'input.csv');
    const generated = performance.now();
    const inputBytes = await writeCsv(csvPath, ROWS);
    console.log(
      `Generated ${formatNumber(ROWS, 0)} rows × ${FEATURES} features (${round(inputBytes / 1e6, 1)} MB) in ${round((performance.now() - generated) / 1000, 1)} s`,
    );
    const jobs = [
      {
        model: 'logistic regression, 30 features',
        ...(await localJobInChild(csvPath, linearPath, 'bench-logistic-30')),
      },
      {
        model: `gradient boosting, ${TREES} trees × ≤ ${trees.maxLeaves} leaves`,
        ...(await localJobInChild(csvPath, treesPath, `bench-trees-${TREES}`)),
      },
    ].map((job) => {
      const rowsPerMinutePerCore = job.rowsPerCpuSecond * 60;
      return { ...job, rowsPerMinutePerCore };
    });
    const job = jobs[0] as (typeof jobs)[number];
    const chunk = await perChunk(csvPath, onnx);
    const paper = onPaper(chunk);
    const verdict = job.rowsPerMinutePerCore >= TARGET_ROWS_PER_MINUTE_PER_CORE ? 'PASS' : 'MISS';

    console.log('\nLocal job, commit → downloadable output (the whole platform in one process per model)');
    console.log(
      table(
        [
          'model',
          'rows',
          'chunks',
          'wall s',
          'rows/s',
          'CPU s',
          'rows/CPU-s (per core)',
          'rows/min/core',
          'target ≥ 1M (linear)',
          'peak RSS MB',
        ],
        jobs.map((j, at) => [
          j.model,
          formatNumber(ROWS, 0),
          String(j.chunks),
          String(j.seconds),
          formatNumber(j.rowsPerSecond, 0),
          String(j.cpuSeconds),
          formatNumber(j.rowsPerCpuSecond, 0),
          formatNumber(j.rowsPerMinutePerCore, 0),
          at === 0 ? verdict : '-',
          String(j.peakRssMb),
        ]),
      ),
    );
    console.log(
      `\nOne deployed-size chunk (${round(chunk.chunkBytes / 1e6, 1)} MB) through the chunk runner alone`,
    );
    console.log(
      table(
        ['rows', 's', 'rows/s', 'plan MB/s (whole file)'],
        [
          [
            formatNumber(chunk.chunkRows, 0),
            String(chunk.chunkSeconds),
            formatNumber(chunk.chunkRowsPerSecond, 0),
            String(chunk.planMbPerSecond),
          ],
        ],
      ),
    );
    console.log('\nOn paper, AWS (one chunk per Lambda of 2 GB ≈ 1 vCPU; list prices us-east-1)');
    console.log(
      table(
        ['concurrent chunks', 'chunks alone rows/s', '1M rows: s (rows/s)', '50M rows: s (rows/s)'],
        paper.at.map((a) => [
          String(a.concurrency),
          formatNumber(a.chunkRowsPerSecond, 0),
          ...a.endToEnd.map((e) => `${e.seconds} (${formatNumber(e.rowsPerSecond, 0)})`),
        ]),
      ),
    );
    console.log(
      `The plan step reads the whole file once first, at ${formatNumber(paper.planRowsPerSecond, 0)} rows/s: past a few chunks it is the limit.`,
    );
    console.log(
      table(
        ['per million rows', 'USD', 'minutes'],
        [
          ['Lambda + Step Functions', String(paper.lambdaUsdPerMillionRows), '-'],
          [
            'SageMaker Batch Transform, 1 × ml.m5.large',
            String(paper.sageMakerUsdPerMillionRows),
            String(paper.sageMakerMinutesPerMillionRows),
          ],
        ],
      ),
    );

    await mkdir(new URL('../bench-results/', import.meta.url), { recursive: true });
    const result = {
      generatedAt: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg() },
      rows: ROWS,
      features: FEATURES,
      inputBytes,
      localJob: { ...job, target: TARGET_ROWS_PER_MINUTE_PER_CORE, verdict },
      localJobTrees: {
        ...(jobs[1] as (typeof jobs)[number]),
        trees: trees.trees,
        meanLeaves: trees.meanLeaves,
      },
      deployedChunk: chunk,
      onPaperAws: paper,
    };
    await writeFile(
      new URL('../bench-results/batch.json', import.meta.url),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    console.log('\nWrote bench-results/batch.json');
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === CHILD_FLAG) {
  const [csvPath, onnxPath, modelName] = process.argv.slice(3) as [string, string, string];
  const result = await localJob(csvPath, new Uint8Array(await readFile(onnxPath)), modelName);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  await main();
}
