/**
 * `npm run bench:training-quality`: what a user gets. For each public dataset (data/public/*.csv):
 * split the rows once 75/25 (stratified by class for classification, seed 42), train through the
 * local platform's API on the 75 % with default settings (upload → commit → POST /v1/training-jobs →
 * poll), then send the 25 % the job never saw, each row minus its target, to the registered version
 * through POST /v1/models/{name}/predict and score the answers. Beside it, scikit-learn's defaults
 * fitted on the same 75 % and scored on the same 25 %: Pipeline(StandardScaler, LogisticRegression())
 * or Pipeline(StandardScaler, Ridge()), and HistGradientBoosting (bench-results/sklearn-baselines.json,
 * made once by `/usr/bin/python3 scripts/sklearn_baselines.py` from the split files this bench writes
 * to bench-results/quality-splits/; CI runs no Python). The extra training time cross-validation
 * costs is read off the job row: the train step's time against one fit of every candidate on 80 %
 * of the rows (a fold's fit, which is what a hold-out would have cost), plus the refit.
 * Writes bench-results/training-quality.json. A miss is reported, never fatal.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_INSTANCES } from '../functions/core/inference/instances.ts';
import { holdOutSplit } from '../functions/core/training/split.ts';
import { repositoryRoot } from '../local/platform.ts';
import { machineInfo } from './report.ts';
import { formatNumber, round, table } from './stats.ts';

interface DatasetCase {
  readonly name: string;
  readonly task: 'classification' | 'regression';
}

const DATASETS: readonly DatasetCase[] = [
  { name: 'iris', task: 'classification' },
  { name: 'wine', task: 'classification' },
  { name: 'breast_cancer', task: 'classification' },
  { name: 'diabetes', task: 'regression' },
  { name: 'digits', task: 'classification' },
];
const TARGET = 'target';
const SPLIT = { testFraction: 0.25, seed: 42 } as const;
/** The issue's target: within this many points (score × 100) of the better scikit-learn model. */
const TARGET_POINTS = 1;
const POLL_MS = 200;
const JOB_TIMEOUT_MS = 15 * 60_000;

const RESULTS_DIR = join(repositoryRoot, 'bench-results');
const SPLITS_DIR = join(RESULTS_DIR, 'quality-splits');
const BASELINES_FILE = join(RESULTS_DIR, 'sklearn-baselines.json');
const RESULT_FILE = join(RESULTS_DIR, 'training-quality.json');

function log(message: string): void {
  process.stderr.write(`[bench:training-quality] ${message}\n`);
}

/** The public CSVs have no quoted cells (checked in `readCsv`): a line is its cells joined by commas. */
interface Csv {
  readonly header: string;
  readonly columns: readonly string[];
  readonly lines: readonly string[];
  readonly cells: readonly (readonly string[])[];
}

function readCsv(name: string): Csv {
  const text = readFileSync(join(repositoryRoot, 'data', 'public', `${name}.csv`), 'utf8');
  if (text.includes('"')) throw new Error(`${name}.csv has quoted cells; this bench reads plain CSV only.`);
  const [header = '', ...lines] = text.split(/\r?\n/).filter((line) => line.length > 0);
  return { header, columns: header.split(','), lines, cells: lines.map((line) => line.split(',')) };
}

export interface SplitFile {
  readonly dataset: string;
  readonly csv: string;
  readonly target: string;
  readonly task: 'classification' | 'regression';
  readonly metric: 'accuracy' | 'r2';
  readonly rowIndexing: string;
  readonly seed: number;
  readonly testFraction: number;
  readonly stratified: boolean;
  readonly train: readonly number[];
  readonly test: readonly number[];
  readonly splitSha256: string;
}

/** The 75/25 split: `holdOutSplit` of the platform (stratified for classification), seed 42. */
function splitOf(dataset: DatasetCase, csv: Csv): SplitFile {
  const targetAt = csv.columns.indexOf(TARGET);
  const labels = csv.cells.map((cells) => (cells[targetAt] ?? '').trim());
  const classes = dataset.task === 'classification' ? [...new Set(labels)].sort() : undefined;
  const y = Float64Array.from(labels, (label) =>
    classes === undefined ? Number(label) : classes.indexOf(label),
  );
  const split = holdOutSplit(
    { rows: labels.length, y, ...(classes ? { classes } : {}) },
    SPLIT.testFraction,
    { seed: SPLIT.seed, stratify: classes !== undefined },
  );
  const train = Array.from(split.train);
  const test = Array.from(split.validation);
  return {
    dataset: dataset.name,
    csv: `data/public/${dataset.name}.csv`,
    target: TARGET,
    task: dataset.task,
    metric: dataset.task === 'classification' ? 'accuracy' : 'r2',
    rowIndexing: "0-based positions among the CSV's data rows (header excluded), in file order.",
    seed: SPLIT.seed,
    testFraction: SPLIT.testFraction,
    stratified: classes !== undefined,
    train,
    test,
    splitSha256: createHash('sha256').update(JSON.stringify({ train, test })).digest('hex'),
  };
}

interface Baseline {
  readonly splitSha256: string;
  readonly linear: { readonly model: string; readonly score: number };
  readonly boosting: { readonly model: string; readonly score: number };
}

interface BaselinesFile {
  readonly sklearn: string;
  readonly python: string;
  readonly datasets: Readonly<Record<string, Baseline>>;
}

type Call = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; headers: Headers; json: Record<string, unknown> }>;

function callerFor(baseUrl: string, token: string): Call {
  return async (method, path, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      json: (text.length > 0 ? JSON.parse(text) : {}) as Record<string, unknown>,
    };
  };
}

function expectStatus(what: string, response: { status: number; json: unknown }, status: number): void {
  if (response.status !== status) {
    throw new Error(`${what} answered ${response.status}: ${JSON.stringify(response.json)}`);
  }
}

interface CrossValidationView {
  readonly folds: number;
  readonly repeats: number;
  readonly mean: number;
  readonly std: number;
  readonly standardError: number;
  readonly rounds?: readonly number[];
  readonly foldTrainingMs?: readonly number[];
}

interface CandidateView {
  readonly algorithm: string;
  readonly hyperParameters: Readonly<Record<string, number>>;
  readonly score: number;
  readonly trainingMs: number;
  readonly crossValidation?: CrossValidationView;
}

interface JobView {
  readonly jobId: string;
  readonly status: string;
  readonly error?: { readonly step?: string; readonly reason: string };
  readonly candidates?: readonly CandidateView[];
  readonly chosen?: CandidateView & { readonly trainingRows?: number; readonly refitMs?: number };
  readonly registered?: { readonly model: string; readonly version: number };
  readonly stepTimings: Readonly<Record<string, { readonly ms?: number }>>;
  readonly resolved?: {
    readonly selection?: { readonly kind: string; readonly folds?: number; readonly repeats?: number };
  };
}

function describeCandidate(c: Pick<CandidateView, 'algorithm' | 'hyperParameters'>): string {
  const shown = ['C', 'alpha', 'maxLeaves', 'l2', 'rounds']
    .filter((k) => c.hyperParameters[k] !== undefined)
    .map((k) => `${k}=${c.hyperParameters[k]}`);
  return `${c.algorithm} ${shown.join(' ')}`.trim();
}

async function uploadAndCommit(call: Call, name: string, csv: string): Promise<void> {
  const created = await call('POST', '/v1/datasets', {
    name,
    format: 'csv',
    sizeBytes: Buffer.byteLength(csv),
  });
  expectStatus('POST /v1/datasets', created, 201);
  const put = await fetch(String(created.json.uploadUrl), { method: 'PUT', body: csv });
  if (put.status !== 200) throw new Error(`The upload answered ${put.status}: ${await put.text()}`);
  const committed = await call('POST', String(created.json.commitPath));
  expectStatus('POST commit', committed, 200);
}

async function trainOn(call: Call, name: string): Promise<JobView> {
  const started = await call('POST', '/v1/training-jobs', { dataset: name, target: TARGET, modelName: name });
  expectStatus('POST /v1/training-jobs', started, 202);
  const location = started.headers.get('location') ?? `/v1/training-jobs/${String(started.json.jobId)}`;
  const deadline = Date.now() + JOB_TIMEOUT_MS;
  for (;;) {
    const polled = await call('GET', location);
    expectStatus(`GET ${location}`, polled, 200);
    const job = polled.json as unknown as JobView;
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`The job on ${name} is still ${job.status}.`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The test rows through predict, as a user sends them: every column but the target, numbers as numbers. */
async function predictRows(
  call: Call,
  model: string,
  version: number,
  csv: Csv,
  rows: readonly number[],
): Promise<{ predictions: unknown[]; refused: string[]; textColumns: string[] }> {
  const targetAt = csv.columns.indexOf(TARGET);
  const instances = rows.map((row) => {
    const cells = csv.cells[row] ?? [];
    const instance: Record<string, string | number | null> = {};
    csv.columns.forEach((column, i) => {
      if (i === targetAt) return;
      const cell = cells[i] ?? '';
      const n = Number(cell);
      instance[column] = cell.trim() === '' ? null : Number.isFinite(n) ? n : cell;
    });
    return instance;
  });
  const predictions: unknown[] = [];
  const refused: string[] = [];
  const textColumns: string[] = [];
  for (let start = 0; start < instances.length; start += MAX_INSTANCES) {
    for (;;) {
      const answer = await call('POST', `/v1/models/${model}/predict?version=${version}`, {
        instances: instances.slice(start, start + MAX_INSTANCES),
      });
      const field = String(answer.json.field ?? '');
      if (answer.status === 422 && /unknown feature/.test(String(answer.json.detail)) && field !== '') {
        // A model that refuses a column of its own training data: say so, and send the rest.
        refused.push(field);
        for (const instance of instances) delete instance[field];
        continue;
      }
      if (answer.status === 422 && /expected a string/.test(String(answer.json.detail)) && field !== '') {
        // A 0/1 column profiled as boolean is a categorical input: the graph takes its text.
        textColumns.push(field);
        for (const instance of instances) {
          const value = instance[field];
          if (typeof value === 'number') instance[field] = String(value);
        }
        continue;
      }
      expectStatus(`POST /v1/models/${model}/predict`, answer, 200);
      predictions.push(...(answer.json.predictions as unknown[]));
      break;
    }
  }
  return { predictions, refused, textColumns };
}

function scoreOf(split: SplitFile, csv: Csv, predictions: readonly unknown[]): number {
  const targetAt = csv.columns.indexOf(TARGET);
  const truth = split.test.map((row) => (csv.cells[row]?.[targetAt] ?? '').trim());
  if (split.metric === 'accuracy') {
    let correct = 0;
    truth.forEach((label, i) => {
      const predicted = predictions[i];
      const same =
        typeof predicted === 'number' ? Number(label) === predicted : String(predicted).trim() === label;
      if (same) correct += 1;
    });
    return correct / truth.length;
  }
  const values = truth.map(Number);
  const predicted = predictions.map((p) => Number(Array.isArray(p) ? p[0] : p));
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  let residual = 0;
  let total = 0;
  values.forEach((v, i) => {
    residual += (v - (predicted[i] as number)) ** 2;
    total += (v - mean) ** 2;
  });
  return 1 - residual / total;
}

interface CrossValidationCost {
  /** The train step's wall time (every candidate on every fold). */
  readonly trainStepMs: number;
  /** One fold fit per candidate: the time the same candidates take fitted once on 80 % of the rows. */
  readonly holdOutEquivalentMs: number;
  readonly refitMs: number | null;
  readonly extraMs: number;
  readonly fits: number;
}

function crossValidationCost(job: JobView): CrossValidationCost | null {
  const candidates = job.candidates ?? [];
  if (!candidates.every((c) => c.crossValidation !== undefined) || candidates.length === 0) return null;
  const trainStepMs = job.stepTimings.train?.ms ?? Number.NaN;
  let holdOutEquivalentMs = 0;
  let fits = 0;
  for (const c of candidates) {
    const cv = c.crossValidation as CrossValidationView;
    const splits = cv.folds * cv.repeats;
    fits += splits;
    holdOutEquivalentMs += c.trainingMs / splits;
  }
  const refitMs = job.chosen?.refitMs ?? null;
  return {
    trainStepMs,
    holdOutEquivalentMs: round(holdOutEquivalentMs, 0),
    refitMs,
    extraMs: round(trainStepMs - holdOutEquivalentMs + (refitMs ?? 0), 0),
    fits,
  };
}

// ---------------------------------------------------------------------------------------------------
// Main.

const startedAt = performance.now();
const loadAverageAtStart = loadavg().map((v) => round(v, 2));
await mkdir(SPLITS_DIR, { recursive: true });
const baselines: BaselinesFile | undefined = existsSync(BASELINES_FILE)
  ? (JSON.parse(readFileSync(BASELINES_FILE, 'utf8')) as BaselinesFile)
  : undefined;
const notes: string[] = [];
if (baselines === undefined) {
  notes.push(
    `No ${BASELINES_FILE}: run /usr/bin/python3 scripts/sklearn_baselines.py (scikit-learn columns empty).`,
  );
}

const cases = DATASETS.map((dataset) => {
  const csv = readCsv(dataset.name);
  return { dataset, csv, split: splitOf(dataset, csv) };
});
for (const { split } of cases) {
  await writeFile(join(SPLITS_DIR, `${split.dataset}.json`), `${JSON.stringify(split)}\n`);
}
if (process.argv.includes('--splits-only')) {
  log(`wrote ${SPLITS_DIR}/*.json`);
  process.exit(0);
}

const dataDir = await mkdtemp(join(tmpdir(), 'mlp-bench-quality-'));
const { startLocalPlatform } = await import('../local/platform.ts');
const platform = await startLocalPlatform({
  dataDir,
  functionEnvironment: { RATE_LIMIT_PER_MINUTE: '1000000000' },
});
const results = [];
try {
  const { accessToken } = await platform.identity.issueTokens('admin', { expiresInSeconds: 3600 });
  const call = callerFor(platform.apiUrl, accessToken);
  for (const { dataset, csv, split } of cases) {
    const name = `quality-${dataset.name.replaceAll('_', '-')}`;
    log(`${dataset.name}: ${split.train.length} rows to train on, ${split.test.length} held back`);
    const trainCsv = `${[csv.header, ...split.train.map((row) => csv.lines[row])].join('\n')}\n`;
    await uploadAndCommit(call, name, trainCsv);
    const job = await trainOn(call, name);
    if (job.status !== 'SUCCEEDED' || job.registered === undefined) {
      throw new Error(`The job on ${dataset.name} ended ${job.status}: ${job.error?.reason ?? ''}`);
    }
    const { predictions, refused, textColumns } = await predictRows(
      call,
      name,
      job.registered.version,
      csv,
      split.test,
    );
    if (textColumns.length > 0) {
      notes.push(
        `${dataset.name}: predict wanted ${textColumns.length} numeric column(s) as text (${textColumns.join(', ')}: 0/1 columns profiled as boolean); sent as text.`,
      );
    }
    if (refused.length > 0) {
      notes.push(
        `${dataset.name}: predict refused ${refused.length} column(s) of the training data (${refused.join(', ')}); the test rows were sent without them.`,
      );
    }
    const score = scoreOf(split, csv, predictions);
    const baseline = baselines?.datasets[dataset.name];
    if (baseline !== undefined && baseline.splitSha256 !== split.splitSha256) {
      throw new Error(
        `${dataset.name}: the baselines were made on another split; rerun scripts/sklearn_baselines.py.`,
      );
    }
    const better = baseline ? Math.max(baseline.linear.score, baseline.boosting.score) : Number.NaN;
    const differencePoints = round((score - better) * 100, 2);
    log(
      `${dataset.name}: ${split.metric} ${formatNumber(score * 100, 2)} (${describeCandidate(job.chosen ?? { algorithm: '?', hyperParameters: {} })})`,
    );
    results.push({
      dataset: dataset.name,
      task: dataset.task,
      metric: split.metric,
      trainRows: split.train.length,
      testRows: split.test.length,
      refusedColumns: refused,
      platform: {
        score,
        chosen: job.chosen ? describeCandidate(job.chosen) : null,
        chosenCrossValidation: job.chosen?.crossValidation ?? null,
        trainingRows: job.chosen?.trainingRows ?? null,
        selection: job.resolved?.selection ?? null,
        candidates: (job.candidates ?? []).map((c) => ({
          candidate: describeCandidate(c),
          score: c.score,
          trainingMs: c.trainingMs,
          ...(c.crossValidation
            ? { mean: c.crossValidation.mean, std: c.crossValidation.std, rounds: c.crossValidation.rounds }
            : {}),
        })),
        stepMs: Object.fromEntries(Object.entries(job.stepTimings).map(([step, t]) => [step, t.ms ?? null])),
        crossValidationCost: crossValidationCost(job),
      },
      sklearn: baseline ? { linear: baseline.linear, boosting: baseline.boosting } : null,
      differencePoints: Number.isFinite(differencePoints) ? differencePoints : null,
      pass: Number.isFinite(differencePoints) ? differencePoints >= -TARGET_POINTS : null,
    });
  }
} finally {
  await platform.close();
  await rm(dataDir, { recursive: true, force: true });
}

const pts = (score: number) => formatNumber(score * 100, 2);
const signed = (value: number | null) =>
  value === null ? '–' : `${value > 0 ? '+' : ''}${formatNumber(value, 2)}`;
const secs = (ms: number | null | undefined) => formatNumber((ms ?? Number.NaN) / 1000, 2);

const qualityTable = table(
  [
    'dataset',
    'metric',
    'train / test rows',
    'platform, chosen',
    'platform ×100',
    'sklearn linear ×100',
    'sklearn HistGB ×100',
    'diff vs better pts',
    `≥ −${TARGET_POINTS} pt`,
  ],
  results.map((r) => [
    r.dataset,
    r.metric,
    `${r.trainRows} / ${r.testRows}`,
    r.platform.chosen ?? '–',
    pts(r.platform.score),
    r.sklearn ? pts(r.sklearn.linear.score) : 'run scripts/sklearn_baselines.py',
    r.sklearn ? pts(r.sklearn.boosting.score) : '–',
    signed(r.differencePoints),
    r.pass === null ? '–' : r.pass ? 'PASS' : 'MISS',
  ]),
);
const costTable = table(
  ['dataset', 'fits', 'train step s', 'hold-out equivalent s', 'refit s', 'extra s'],
  results.map((r) => {
    const cost = r.platform.crossValidationCost;
    return [
      r.dataset,
      cost ? String(cost.fits) : '–',
      secs(cost?.trainStepMs),
      secs(cost?.holdOutEquivalentMs),
      secs(cost?.refitMs),
      secs(cost?.extraMs),
    ];
  }),
);

const machine = { ...machineInfo(), loadAverageAtStart };
const report = {
  machine,
  setup: {
    split: SPLIT,
    targetPoints: TARGET_POINTS,
    splits: 'bench-results/quality-splits/<dataset>.json',
    sklearn: baselines
      ? { version: baselines.sklearn, python: baselines.python, file: BASELINES_FILE }
      : null,
    notes: [
      'Platform: the local platform (emulators, local Step Functions running the training ASL) through its HTTP API; default request (dataset, target, modelName only); the 25 % test rows scored through POST /v1/models/{name}/predict?version=<registered>.',
      'scikit-learn: make_pipeline(StandardScaler(), LogisticRegression()) or make_pipeline(StandardScaler(), Ridge()), and HistGradientBoostingClassifier/Regressor(random_state=0), all defaults, fitted on the same 75 % and scored on the same 25 %.',
      'PASS: platform ≥ max(scikit-learn linear, HistGradientBoosting) − 1 point (score × 100).',
      'Cross-validation cost: train step time − Σ over candidates of (its fold fits’ time ÷ folds·repeats), i.e. minus what one fit per candidate on 80 % of the rows (a hold-out) costs; plus the refit on all rows.',
      ...notes,
    ],
  },
  datasets: results,
  durationSeconds: round((performance.now() - startedAt) / 1000, 1),
};
await writeFile(RESULT_FILE, `${JSON.stringify(report, null, 2)}\n`);

process.stdout.write(
  [
    `Training quality benchmark — ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, ${machine.date}`,
    `75/25 split (stratified for classification), seed ${SPLIT.seed}; scikit-learn ${baselines?.sklearn ?? '(no baselines file)'}; scores × 100 on the 25 % (accuracy %, R² × 100).`,
    '',
    qualityTable,
    '',
    'Extra training time of cross-validation (seconds):',
    costTable,
    '',
    ...notes,
    ...(notes.length > 0 ? [''] : []),
    `Finished in ${formatNumber(report.durationSeconds, 1)} s. Wrote ${RESULT_FILE} and ${SPLITS_DIR}/*.json.`,
    '',
  ].join('\n'),
);
