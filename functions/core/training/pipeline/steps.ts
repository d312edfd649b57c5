/**
 * The training workflow's steps. Each reads its inputs from S3 keys named in the state, writes its
 * outputs under keys derived from the job (so a replayed step overwrites, never duplicates), updates
 * the job row, and returns the small state the next step needs.
 *
 * preprocess → features → train → select → register; `markJobFailed` records a caught failure.
 */
import { createHash } from 'node:crypto';
import type { Principal } from '../../auth/principal.ts';
import { NotFoundError, UnprocessableError } from '../../errors.ts';
import { createModel } from '../../registry/models.ts';
import type {
  ArtifactStore,
  ModelRepository,
  ModelValidator,
  VersionRepository,
} from '../../registry/ports.ts';
import { registerVersion, reviewVersion } from '../../registry/versions.ts';
import { categoricalBaseline, type FeatureBaseline, numericBaseline } from '../drift-baseline.ts';
import { transformRows } from '../feature-transform.ts';
import {
  type CandidateResult,
  FINISHED,
  type JobRecord,
  type JobRepository,
  newJobRecord,
  type StepName,
  type TrainingRequest,
} from '../jobs.ts';
import {
  confusionMatrix,
  defaultMetric,
  evaluate,
  isBetter,
  type Metric,
  metricsFor,
  scoreFor,
} from '../metrics.ts';
import { decodeModel, encodeModel } from '../model-codec.ts';
import type {
  CategoricalFeature,
  FeaturePipeline,
  NumericFeature,
  TrainingMatrix,
} from '../model-contracts.ts';
import { exportPipelineToOnnx } from '../onnx-export/export-pipeline.ts';
import { holdOutSplit } from '../split.ts';
import { trainerFor, trainersFor } from '../trainers/index.ts';
import { predictRaw, type Task } from '../trainers/trainer.ts';
import { decodeArrays, encodeArrays } from './matrix-codec.ts';
import type { DatasetSource, FeatureSetRepository, ServingRuntime, WorkingStore } from './ports.ts';

/** Bump when a change to preprocessing or features would make stored feature sets wrong. */
export const FEATURE_CODE_VERSION = 'features-1';
/** Above this many distinct values an integer target is a quantity to regress, not a class. */
const MAX_INTEGER_CLASSES = 20;
const PARITY_TOLERANCE = 1e-5;

export interface StepDeps {
  readonly jobs: JobRepository;
  readonly datasets: DatasetSource;
  readonly store: WorkingStore;
  readonly featureSets: FeatureSetRepository;
  readonly now: () => Date;
}

export class JobNotActiveError extends Error {
  constructor(jobId: string, status: string) {
    super(`Job ${jobId} is ${status}; the step stops here.`);
    this.name = 'JobNotActiveError';
  }
}

type RawRow = Record<string, string | number | null>;

interface PreparedColumn {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
  readonly values: readonly (string | null)[];
}

interface PreparedData {
  readonly task: Task;
  readonly metric: Metric;
  readonly target: string;
  readonly columns: readonly PreparedColumn[];
  readonly dropped: readonly { readonly column: string; readonly reason: string }[];
  /** Regression: the value; classification: the class index. */
  readonly y: readonly number[];
  readonly classes?: readonly (string | number)[];
  readonly train: readonly number[];
  readonly validation: readonly number[];
}

export interface StepState {
  readonly jobId: string;
  readonly preparedKey?: string;
  readonly featureSetId?: string;
  readonly modelKey?: string;
  /** Set by the features step: the Choice between Lambda training and SageMaker reads it. */
  readonly trainRows?: number;
}

const keys = {
  prepared: (jobId: string) => `jobs/${jobId}/prepared.json`,
  candidate: (jobId: string, index: number) => `jobs/${jobId}/candidates/${index}.json`,
  model: (jobId: string) => `jobs/${jobId}/model.onnx`,
  featurePipeline: (id: string) => `feature-sets/${id}/pipeline.json`,
  featureData: (id: string) => `feature-sets/${id}/data.bin`,
};

const json = {
  encode: (value: unknown) => new TextEncoder().encode(JSON.stringify(value)),
  decode: <T>(bytes: Uint8Array | undefined, what: string): T => {
    if (bytes === undefined) throw new NotFoundError(`${what} is missing from storage.`);
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  },
};

async function activeJob(jobId: string, deps: Pick<StepDeps, 'jobs'>): Promise<JobRecord> {
  const job = await deps.jobs.get(jobId);
  if (job === undefined) throw new NotFoundError(`No training job ${jobId}.`);
  if (FINISHED.has(job.status)) throw new JobNotActiveError(jobId, job.status);
  return job;
}

/** Marks a step as started (and the job RUNNING), or stops if the job was cancelled meanwhile. */
async function beginStep(
  job: JobRecord,
  step: StepName,
  progress: number,
  deps: Pick<StepDeps, 'jobs' | 'now'>,
) {
  const at = deps.now().toISOString();
  const updated = await deps.jobs.updateIfActive(job.jobId, {
    status: 'RUNNING',
    step,
    progress: Math.max(job.progress, progress),
    updatedAt: at,
    ...(job.startedAt === undefined ? { startedAt: at } : {}),
    stepTimings: { ...job.stepTimings, [step]: { startedAt: at } },
  });
  if (updated === undefined) throw new JobNotActiveError(job.jobId, 'finished');
  return updated;
}

async function endStep(
  job: JobRecord,
  step: StepName,
  progress: number,
  change: Partial<JobRecord>,
  deps: Pick<StepDeps, 'jobs' | 'now'>,
): Promise<JobRecord> {
  const at = deps.now();
  const startedAt = job.stepTimings[step]?.startedAt ?? at.toISOString();
  const updated = await deps.jobs.updateIfActive(job.jobId, {
    ...change,
    progress,
    updatedAt: at.toISOString(),
    stepTimings: {
      ...job.stepTimings,
      [step]: { startedAt, finishedAt: at.toISOString(), ms: at.getTime() - Date.parse(startedAt) },
    },
  });
  if (updated === undefined) throw new JobNotActiveError(job.jobId, 'finished');
  return updated;
}

function isMissingText(value: string | null | undefined): value is null | undefined {
  return value === null || value === undefined || value.trim() === '';
}

/**
 * Classification when the target is categorical or boolean, or an integer with few distinct
 * values; regression for other numbers.
 */
export function inferTask(type: string, distinct: number): Task {
  if (type === 'numeric') return 'regression';
  if (type === 'integer') return distinct <= MAX_INTEGER_CLASSES ? 'classification' : 'regression';
  return 'classification';
}

/** Step 1: resolve the task, drop rows without a target and unusable columns, split deterministically. */
export async function preprocess(
  event: {
    jobId: string;
    input?: {
      request?: TrainingRequest;
      owner?: { userId: string; username: string; role: 'admin' | 'user' };
    };
  },
  deps: StepDeps,
): Promise<StepState> {
  const { jobId } = event;
  if ((await deps.jobs.get(jobId)) === undefined) {
    // Started by hand from the console: the input carries the request, and the job row is made here.
    const request = event.input?.request;
    const owner = event.input?.owner;
    if (request === undefined || owner === undefined) {
      throw new UnprocessableError(
        'The execution input has neither a known jobId nor a request with its owner.',
      );
    }
    await deps.jobs.create(newJobRecord(jobId, owner, request, deps.now().toISOString()));
  }
  let job = await beginStep(await activeJob(jobId, deps), 'preprocess', 2, deps);
  const { request } = job;
  const datasetVersion = request.datasetVersion;
  if (datasetVersion === undefined) throw new UnprocessableError('The job names no dataset version.');
  const { table, types } = await deps.datasets.load(request.datasetName, datasetVersion);

  const targetValues = table.values.get(request.target);
  const targetType = types.get(request.target);
  if (targetValues === undefined || targetType === undefined) {
    throw new UnprocessableError(`The dataset has no column "${request.target}".`, { field: 'target' });
  }
  const task: Task = request.task === 'auto' ? inferTask(targetType.type, targetType.distinct) : request.task;
  const metric = (request.metric ?? defaultMetric(task)) as Metric;
  if (!metricsFor(task).includes(metric)) {
    throw new UnprocessableError(`Metric ${metric} does not apply to ${task}.`, { field: 'metric' });
  }

  const kept: number[] = [];
  for (let row = 0; row < table.rowCount; row += 1) if (!isMissingText(targetValues[row])) kept.push(row);
  if (kept.length < 10) {
    throw new UnprocessableError(
      `Only ${kept.length} rows have a value for "${request.target}"; at least 10 are needed.`,
    );
  }

  let y: number[];
  let classes: (string | number)[] | undefined;
  if (task === 'classification') {
    const labels = kept.map((row) => (targetValues[row] as string).trim());
    const distinct = [...new Set(labels)];
    const allIntegers = distinct.every((label) => /^-?\d+$/.test(label));
    const sorted = allIntegers ? distinct.map(Number).sort((a, b) => a - b) : distinct.sort();
    classes = sorted;
    const index = new Map(sorted.map((label, i) => [String(label), i]));
    y = labels.map((label) => index.get(allIntegers ? String(Number(label)) : label) ?? -1);
    if (classes.length < 2)
      throw new UnprocessableError(`"${request.target}" has a single class; nothing to learn.`);
  } else {
    y = kept.map((row) => Number(targetValues[row]));
    const bad = y.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) {
      throw new UnprocessableError(`"${request.target}" is not a number in row ${(kept[bad] ?? 0) + 1}.`, {
        row: (kept[bad] ?? 0) + 1,
        field: request.target,
      });
    }
  }

  const columns: PreparedColumn[] = [];
  const dropped: { column: string; reason: string }[] = [];
  for (const name of table.columns) {
    if (name === request.target) continue;
    const profile = types.get(name);
    const values = table.values.get(name) ?? [];
    const reason =
      profile === undefined
        ? 'not profiled'
        : profile.type === 'identifier'
          ? 'identifier-like'
          : profile.type === 'empty'
            ? 'empty'
            : profile.distinct <= 1
              ? 'constant'
              : profile.type === 'text'
                ? 'free text'
                : profile.type === 'datetime'
                  ? 'datetime (not used as a feature yet)'
                  : undefined;
    if (reason !== undefined) {
      dropped.push({ column: name, reason });
      continue;
    }
    const kind = profile?.type === 'numeric' || profile?.type === 'integer' ? 'numeric' : 'categorical';
    columns.push({ name, kind, values: kept.map((row) => values[row] ?? null) });
  }
  if (columns.length === 0)
    throw new UnprocessableError('No usable feature columns are left after preprocessing.');

  const split = holdOutSplit(
    { rows: y.length, y: Float64Array.from(y), ...(classes ? { classes } : {}) },
    request.validation.holdoutFraction,
    { seed: request.validation.seed },
  );
  const prepared: PreparedData = {
    task,
    metric,
    target: request.target,
    columns,
    dropped,
    y,
    ...(classes ? { classes } : {}),
    train: Array.from(split.train),
    validation: Array.from(split.validation),
  };
  await deps.store.put(keys.prepared(jobId), json.encode(prepared));
  job = await endStep(job, 'preprocess', 15, { resolved: { datasetVersion, task, metric } }, deps);
  return { jobId, preparedKey: keys.prepared(jobId) };
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  // A typed array sorts numerically without a comparator, several times faster on large columns.
  const sorted = Float64Array.from(values).sort();
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Fits imputation, scaling and one-hot encoding on the training rows only. */
export function fitFeaturePipeline(prepared: PreparedData, maxCategories: number): FeaturePipeline {
  const features = prepared.columns.map((column): NumericFeature | CategoricalFeature => {
    const trainValues = prepared.train.map((row) => column.values[row] ?? null);
    if (column.kind === 'numeric') {
      const present = trainValues
        .filter((v): v is string => !isMissingText(v))
        .map(Number)
        .filter(Number.isFinite);
      const fill = median(present);
      const filled = trainValues.map((v) => {
        const n = isMissingText(v) ? Number.NaN : Number(v);
        return Number.isFinite(n) ? n : fill;
      });
      const mean = filled.reduce((sum, v) => sum + v, 0) / Math.max(1, filled.length);
      const variance = filled.reduce((sum, v) => sum + (v - mean) ** 2, 0) / Math.max(1, filled.length);
      const std = Math.sqrt(variance);
      return { kind: 'numeric', column: column.name, fill, mean, scale: std > 0 ? std : 1 };
    }
    const counts = new Map<string, number>();
    for (const value of trainValues)
      if (!isMissingText(value)) counts.set(value, (counts.get(value) ?? 0) + 1);
    const ranked = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([v]) => v);
    return {
      kind: 'categorical',
      column: column.name,
      fill: ranked[0] ?? '',
      categories: ranked.slice(0, maxCategories),
    };
  });
  const width = features.reduce((sum, f) => sum + (f.kind === 'numeric' ? 1 : f.categories.length + 1), 0);
  return { features, width };
}

function rawRows(prepared: PreparedData, rows: readonly number[]): RawRow[] {
  return rows.map((row) => {
    const raw: RawRow = {};
    for (const column of prepared.columns) {
      const value = column.values[row] ?? null;
      if (column.kind === 'categorical') raw[column.name] = value;
      else {
        // A request row carries numbers; unparsable text is missing, as the feature transform treats it.
        const n = isMissingText(value) ? Number.NaN : Number(value);
        raw[column.name] = Number.isFinite(n) ? n : null;
      }
    }
    return raw;
  });
}

export function featureSetIdFor(job: JobRecord, prepared: PreparedData, maxCategories: number): string {
  const settings = {
    code: FEATURE_CODE_VERSION,
    dataset: job.request.datasetName,
    version: job.resolved?.datasetVersion,
    target: prepared.target,
    task: prepared.task,
    columns: prepared.columns.map((c) => [c.name, c.kind]),
    validation: job.request.validation,
    maxCategories,
  };
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 32);
}

/** Step 2: the feature set, fitted and saved, or reused when an earlier job made the same one. */
export async function features(state: StepState, deps: StepDeps): Promise<StepState> {
  let job = await beginStep(await activeJob(state.jobId, deps), 'features', 16, deps);
  const prepared = json.decode<PreparedData>(await deps.store.get(keys.prepared(job.jobId)), 'Prepared data');
  const maxCategories = job.request.featureSettings?.maxCategories ?? 50;
  const featureSetId = featureSetIdFor(job, prepared, maxCategories);
  const existing = await deps.featureSets.get(featureSetId);
  if (existing === undefined) {
    const pipeline = fitFeaturePipeline(prepared, maxCategories);
    const matrix = (rows: readonly number[]) => transformRows(pipeline, rawRows(prepared, rows));
    const target = (rows: readonly number[]) =>
      Float64Array.from(rows.map((row) => prepared.y[row] ?? Number.NaN));
    await deps.store.put(keys.featurePipeline(featureSetId), json.encode(pipeline));
    await deps.store.put(
      keys.featureData(featureSetId),
      encodeArrays(
        {
          trainX: matrix(prepared.train),
          trainY: target(prepared.train),
          validationX: matrix(prepared.validation),
          validationY: target(prepared.validation),
        },
        { width: pipeline.width, classes: prepared.classes ?? null },
      ),
    );
    await deps.featureSets.createIfAbsent({
      featureSetId,
      datasetName: job.request.datasetName,
      datasetVersion: job.resolved?.datasetVersion ?? 0,
      pipelineKey: keys.featurePipeline(featureSetId),
      dataKey: keys.featureData(featureSetId),
      width: pipeline.width,
      trainRows: prepared.train.length,
      validationRows: prepared.validation.length,
      createdAt: deps.now().toISOString(),
      createdByJob: job.jobId,
    });
  }
  job = await endStep(job, 'features', 25, { featureSetId, featureSetReused: existing !== undefined }, deps);
  return { jobId: job.jobId, featureSetId, trainRows: prepared.train.length };
}

interface LoadedFeatureSet {
  readonly pipeline: FeaturePipeline;
  readonly train: TrainingMatrix;
  readonly validation: TrainingMatrix;
}

async function loadFeatureSet(featureSetId: string, deps: StepDeps): Promise<LoadedFeatureSet> {
  const record = await deps.featureSets.get(featureSetId);
  if (record === undefined) throw new NotFoundError(`Feature set ${featureSetId} is missing.`);
  const pipeline = json.decode<FeaturePipeline>(
    await deps.store.get(record.pipelineKey),
    'The feature pipeline',
  );
  const data = await deps.store.get(record.dataKey);
  if (data === undefined) throw new NotFoundError(`The data of feature set ${featureSetId} is missing.`);
  const { arrays, meta } = decodeArrays(data);
  const classes = (meta.classes as (string | number)[] | null) ?? undefined;
  const matrix = (x: Float64Array | undefined, y: Float64Array | undefined): TrainingMatrix => ({
    rows: y?.length ?? 0,
    cols: pipeline.width,
    x: x ?? new Float64Array(),
    y: y ?? new Float64Array(),
    ...(classes ? { classes } : {}),
  });
  return {
    pipeline,
    train: matrix(arrays.trainX, arrays.trainY),
    validation: matrix(arrays.validationX, arrays.validationY),
  };
}

function withConfusionMatrix(
  metrics: Record<string, unknown>,
  y: Float64Array,
  prediction: ReturnType<typeof predictRaw>,
): Record<string, unknown> {
  if (prediction.task !== 'classification') return metrics;
  const classes = prediction.probabilities.length / Math.max(1, y.length);
  return { ...metrics, confusion_matrix: confusionMatrix(y, prediction.labels, classes) };
}

/** Step 3: every candidate (algorithm × grid) trained on train and scored on validation. */
export async function train(state: StepState, deps: StepDeps): Promise<StepState> {
  let job = await beginStep(await activeJob(state.jobId, deps), 'train', 26, deps);
  const featureSetId = state.featureSetId ?? job.featureSetId;
  if (featureSetId === undefined) throw new UnprocessableError('The train step got no feature set.');
  const { train: trainMatrix, validation } = await loadFeatureSet(featureSetId, deps);
  const task = (job.resolved?.task ?? 'classification') as Task;
  const metric = (job.resolved?.metric ?? defaultMetric(task)) as Metric;
  const trainers = job.request.algorithms?.map((a) => trainerFor(a, task)) ?? trainersFor(task);
  const plan = trainers.flatMap((trainer) =>
    (job.request.hyperParameters?.[trainer.algorithm] ?? trainer.defaultGrid(task)).map((hp) => ({
      trainer,
      hp,
    })),
  );
  const candidates: CandidateResult[] = [];
  let lastWrite = 0;
  for (const [index, { trainer, hp }] of plan.entries()) {
    const started = performance.now();
    const model = await trainer.train(trainMatrix, hp, {
      seed: job.request.validation.seed,
      onProgress: async (fraction) => {
        // Progress moves 26 → 85 across candidates; written at most twice a second.
        const now = Date.now();
        if (now - lastWrite < 500) return;
        lastWrite = now;
        const progress = Math.round(26 + (59 * (index + Math.min(1, fraction))) / plan.length);
        const updated = await deps.jobs.updateIfActive(job.jobId, {
          progress,
          updatedAt: new Date(now).toISOString(),
        });
        if (updated === undefined) throw new JobNotActiveError(job.jobId, 'finished');
      },
    });
    const trainingMs = Math.round(performance.now() - started);
    const prediction = predictRaw(model, validation.x, validation.rows);
    const metrics = withConfusionMatrix(evaluate(validation.y, prediction), validation.y, prediction);
    const modelKey = keys.candidate(job.jobId, index);
    await deps.store.put(modelKey, new TextEncoder().encode(encodeModel(model)));
    candidates.push({
      algorithm: trainer.algorithm,
      hyperParameters: model.hyperParameters,
      metrics,
      score: scoreFor(metric, validation.y, prediction),
      trainingMs,
      modelKey,
    });
    const updated = await deps.jobs.updateIfActive(job.jobId, {
      candidates,
      progress: Math.round(26 + (59 * (index + 1)) / plan.length),
      updatedAt: deps.now().toISOString(),
    });
    if (updated === undefined) throw new JobNotActiveError(job.jobId, 'finished');
    job = updated;
  }
  job = await endStep(job, 'train', 85, { candidates }, deps);
  return { jobId: job.jobId, featureSetId };
}

/** Step 4: the best candidate, exported with its preprocessing as one ONNX graph, checked in the serving runtime. */
export async function selectModel(
  state: StepState,
  deps: StepDeps & { readonly runtime: ServingRuntime },
): Promise<StepState> {
  let job = await beginStep(await activeJob(state.jobId, deps), 'select', 86, deps);
  const metric = (job.resolved?.metric ?? 'accuracy') as Metric;
  const candidates = job.candidates ?? [];
  let best: CandidateResult | undefined;
  for (const candidate of candidates)
    if (best === undefined || isBetter(metric, candidate.score, best.score)) best = candidate;
  if (best === undefined) throw new UnprocessableError('No candidate could be trained.');
  const featureSetId = state.featureSetId ?? job.featureSetId ?? '';
  const { pipeline, validation } = await loadFeatureSet(featureSetId, deps);
  const modelBytes = await deps.store.get(best.modelKey);
  if (modelBytes === undefined) throw new NotFoundError('The chosen model is missing from storage.');
  const model = decodeModel(new TextDecoder().decode(modelBytes));
  const onnx = exportPipelineToOnnx(pipeline, model, {
    modelName: job.request.modelName,
    targetName: job.request.target,
    producerVersion: FEATURE_CODE_VERSION,
  });

  // Parity: the served graph must answer as the TypeScript model does, on the validation rows.
  const prepared = json.decode<PreparedData>(await deps.store.get(keys.prepared(job.jobId)), 'Prepared data');
  const expected = predictRaw(model, validation.x, validation.rows);
  const served = await deps.runtime.predict(onnx, rawRows(prepared, prepared.validation));
  const worst = parityGap(expected, served);
  if (!(worst <= PARITY_TOLERANCE)) {
    throw new Error(
      `The exported model differs from the trained one by ${worst} (tolerance ${PARITY_TOLERANCE}).`,
    );
  }
  await deps.store.put(keys.model(job.jobId), onnx);
  job = await endStep(job, 'select', 92, { chosen: best }, deps);
  return { jobId: job.jobId, featureSetId, modelKey: keys.model(job.jobId) };
}

function parityGap(
  expected: ReturnType<typeof predictRaw>,
  served: { predictions: readonly unknown[]; probabilities?: readonly (readonly number[])[] },
): number {
  let worst = 0;
  if (expected.task === 'regression') {
    expected.values.forEach((value, i) => {
      const got = served.predictions[i];
      const v = Array.isArray(got) ? Number(got[0]) : Number(got);
      worst = Math.max(worst, Math.abs(v - value) / Math.max(1, Math.abs(value)));
    });
    return worst;
  }
  const classes = expected.probabilities.length / Math.max(1, expected.labels.length);
  for (let row = 0; row < expected.labels.length; row += 1) {
    for (let c = 0; c < classes; c += 1) {
      const got = served.probabilities?.[row]?.[c] ?? Number.NaN;
      worst = Math.max(worst, Math.abs(got - (expected.probabilities[row * classes + c] ?? Number.NaN)));
    }
  }
  return Number.isNaN(worst) ? Number.POSITIVE_INFINITY : worst;
}

/** What the training rows looked like, per raw input column, for later drift checks. */
function driftBaselineOf(prepared: PreparedData, pipeline: FeaturePipeline): FeatureBaseline[] {
  const train = (column: PreparedColumn) => prepared.train.map((row) => column.values[row] ?? null);
  return prepared.columns.map((column) => {
    const feature = pipeline.features.find((f) => f.column === column.name);
    return feature?.kind === 'categorical'
      ? categoricalBaseline(column.name, train(column), feature.categories)
      : numericBaseline(column.name, train(column));
  });
}

export interface RegisterDeps extends StepDeps {
  readonly models: ModelRepository;
  readonly versions: VersionRepository;
  readonly artifacts: ArtifactStore;
  readonly validator: ModelValidator;
  readonly maxModelBytes: number;
  readonly codeVersion: string;
}

/** Step 5: a new model version with metrics and lineage; approved at once when an admin's threshold is met. */
export async function registerModel(state: StepState, deps: RegisterDeps): Promise<StepState> {
  let job = await beginStep(await activeJob(state.jobId, deps), 'register', 93, deps);
  const owner: Principal = {
    userId: job.ownerId,
    username: job.ownerUsername,
    role: job.ownerRole,
    via: 'token',
    scope: 'full',
  };
  const chosen = job.chosen;
  if (chosen === undefined) throw new UnprocessableError('No model was selected.');
  const name = job.request.modelName;

  // A replayed step finds the version it registered before instead of making a second one.
  let version = (await deps.versions.list(name, { limit: 20 })).items.find(
    (v) => v.lineage?.trainingJobId === job.jobId,
  );
  if (version === undefined) {
    const model = await deps.models.get(name);
    if (model === undefined) {
      await createModel(
        owner,
        {
          name,
          description: `Trained on ${job.request.datasetName} to predict ${job.request.target}.`,
          task: job.resolved?.task ?? 'other',
          tags: ['trained'],
          teamVisible: false,
        },
        deps,
      );
    }
    const prepared = json.decode<PreparedData>(
      await deps.store.get(keys.prepared(job.jobId)),
      'Prepared data',
    );
    const { pipeline } = await loadFeatureSet(state.featureSetId ?? job.featureSetId ?? '', deps);
    const bytes = await deps.store.get(state.modelKey ?? keys.model(job.jobId));
    if (bytes === undefined) throw new NotFoundError('The exported model is missing from storage.');
    version = await registerVersion(
      owner,
      name,
      bytes,
      {
        metrics: chosen.metrics,
        metadata: {
          target: job.request.target,
          task: job.resolved?.task,
          metric: job.resolved?.metric,
          trainingRows: prepared.train.length,
          validationRows: prepared.validation.length,
          droppedColumns: prepared.dropped,
          driftBaseline: driftBaselineOf(prepared, pipeline),
        },
        lineage: {
          datasetName: job.request.datasetName,
          ...(job.resolved ? { datasetVersion: job.resolved.datasetVersion } : {}),
          trainingJobId: job.jobId,
          ...(job.featureSetId ? { featureSetId: job.featureSetId } : {}),
          algorithm: chosen.algorithm,
          parameters: chosen.hyperParameters,
          codeVersion: deps.codeVersion,
        },
      },
      deps,
    );
  }
  const threshold = job.request.autoApprove?.threshold;
  const metric = (job.resolved?.metric ?? 'accuracy') as Metric;
  if (
    threshold !== undefined &&
    owner.role === 'admin' &&
    version.status === 'pending' &&
    !isBetter(metric, threshold, chosen.score)
  ) {
    version = await reviewVersion(
      owner,
      name,
      version.version,
      { to: 'approved', comment: `auto-approved: ${metric} ${chosen.score} reached ${threshold}` },
      deps,
    );
  }
  job = await endStep(
    job,
    'register',
    100,
    {
      status: 'SUCCEEDED',
      finishedAt: deps.now().toISOString(),
      registered: { model: name, version: version.version, status: version.status },
    },
    deps,
  );
  return { jobId: job.jobId };
}

/** The Catch path: the failed step's reason, in words, on the job row (unless it already finished). */
export async function markJobFailed(
  event: { jobId: string; error?: { Error?: string; Cause?: string } },
  deps: Pick<StepDeps, 'jobs' | 'now'>,
): Promise<{ jobId: string }> {
  const job = await deps.jobs.get(event.jobId);
  if (job === undefined || FINISHED.has(job.status)) return { jobId: event.jobId };
  let reason = event.error?.Cause ?? event.error?.Error ?? 'The step failed without a reason.';
  try {
    // A Lambda task's Cause carries `errorMessage`; a SageMaker training job's carries the
    // DescribeTrainingJob answer, whose `FailureReason` says why.
    const cause = JSON.parse(reason) as {
      errorMessage?: string;
      FailureReason?: string;
      TrainingJobName?: string;
    };
    if (typeof cause.errorMessage === 'string') reason = cause.errorMessage;
    else if (typeof cause.FailureReason === 'string') {
      reason = `SageMaker training job ${cause.TrainingJobName ?? ''} failed: ${cause.FailureReason}`.replace(
        '  ',
        ' ',
      );
    }
  } catch {
    // A plain-text cause is the reason itself.
  }
  const at = deps.now().toISOString();
  await deps.jobs.updateIfActive(event.jobId, {
    status: 'FAILED',
    finishedAt: at,
    updatedAt: at,
    error: { ...(job.step ? { step: job.step } : {}), reason },
  });
  return { jobId: event.jobId };
}
