/**
 * Step 1, preprocess: resolve the task and metric, keep the rows that have a target, encode the
 * target, drop the columns no model can use (and say why), and split train/validation
 * deterministically. Refuses data with nothing to learn (too few rows, a single class, a regression
 * target with a single value).
 */
import { UnprocessableError } from '../../errors.ts';
import { validationPlanFor } from '../cross-validation.ts';
import { isMissingValue } from '../feature-transform.ts';
import { newJobRecord, type TrainingRequest } from '../jobs.ts';
import { defaultMetric, type Metric, metricsFor } from '../metrics.ts';
import { holdOutSplit } from '../split.ts';
import { trainerFor, trainersFor } from '../trainers/index.ts';
import type { Task } from '../trainers/trainer.ts';
import { activeJob, beginStep, endStep, jsonCodec, runKeys, type StepDeps } from './job-run.ts';
import type { LoadedDataset } from './ports.ts';
import type { DroppedColumn, PreparedColumn, PreparedData } from './prepared-data.ts';
import type { StepState } from './step-state.ts';

/** Above this many distinct values an integer target is a quantity to regress, not a class. */
const MAX_INTEGER_CLASSES = 20;
/** Fewer rows with a target than this and there is nothing to split. */
const MIN_ROWS = 10;

/**
 * Classification when the target is categorical or boolean, or an integer with few distinct
 * values; regression for other numbers.
 */
export function inferTask(type: string, distinct: number): Task {
  if (type === 'numeric') return 'regression';
  if (type === 'integer') return distinct <= MAX_INTEGER_CLASSES ? 'classification' : 'regression';
  return 'classification';
}

export interface PreprocessEvent {
  readonly jobId: string;
  /** An execution started by hand carries the request and its owner; the step makes the job row. */
  readonly input?: {
    readonly request?: TrainingRequest;
    readonly owner?: { userId: string; username: string; role: 'admin' | 'user' };
  };
}

interface EncodedTarget {
  readonly y: number[];
  readonly classes?: (string | number)[];
}

/** Class labels sort as numbers when they are all integers, else as text; y holds the class index. */
function encodeClasses(labels: readonly string[], target: string): EncodedTarget {
  const distinct = [...new Set(labels)];
  const allIntegers = distinct.every((label) => /^-?\d+$/.test(label));
  const classes = allIntegers ? distinct.map(Number).sort((a, b) => a - b) : distinct.sort();
  if (classes.length < 2) throw new UnprocessableError(`"${target}" has a single class; nothing to learn.`);
  const index = new Map(classes.map((label, i) => [String(label), i]));
  return {
    y: labels.map((label) => index.get(allIntegers ? String(Number(label)) : label) ?? -1),
    classes,
  };
}

function encodeValues(values: readonly string[], kept: readonly number[], target: string): EncodedTarget {
  const y = values.map(Number);
  const bad = y.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) {
    const row = (kept[bad] ?? 0) + 1;
    throw new UnprocessableError(`"${target}" is not a number in row ${row}.`, { row, field: target });
  }
  // Every model fits a constant exactly (R² = 1 on any split): a "perfect" model that learned nothing.
  if (y.every((value) => value === y[0])) {
    throw new UnprocessableError(`"${target}" has a single value (${y[0]}); nothing to learn.`, {
      field: target,
    });
  }
  return { y };
}

/** Why a column cannot be a feature, or undefined when it can. */
function dropReason(profile: { type: string; distinct: number } | undefined): string | undefined {
  if (profile === undefined) return 'not profiled';
  if (profile.type === 'identifier') return 'identifier-like';
  if (profile.type === 'empty') return 'empty';
  if (profile.distinct <= 1) return 'constant';
  if (profile.type === 'text') return 'free text';
  if (profile.type === 'datetime') return 'datetime (not used as a feature yet)';
  return undefined;
}

function featureColumns(
  dataset: LoadedDataset,
  target: string,
  kept: readonly number[],
): { columns: PreparedColumn[]; dropped: DroppedColumn[] } {
  const columns: PreparedColumn[] = [];
  const dropped: DroppedColumn[] = [];
  for (const name of dataset.table.columns) {
    if (name === target) continue;
    const profile = dataset.types.get(name);
    const reason = dropReason(profile);
    if (reason !== undefined) {
      dropped.push({ column: name, reason });
      continue;
    }
    const values = dataset.table.values.get(name) ?? [];
    const kind = profile?.type === 'numeric' || profile?.type === 'integer' ? 'numeric' : 'categorical';
    columns.push({ name, kind, values: kept.map((row) => values[row] ?? null) });
  }
  if (columns.length === 0) {
    throw new UnprocessableError('No usable feature columns are left after preprocessing.');
  }
  return { columns, dropped };
}

/**
 * The request's algorithms and grids against the task it resolved to (checked at creation already
 * when the task was given, not when it was `auto`): an algorithm that cannot do the task, or a grid
 * for one the job would not train, stops the job here instead of at the train step or silently.
 */
function checkAlgorithmsFit(request: TrainingRequest, task: Task): void {
  const trained = (request.algorithms ?? trainersFor(task).map((t) => t.algorithm)).map(
    (algorithm) => trainerFor(algorithm, task).algorithm,
  );
  for (const algorithm of Object.keys(request.hyperParameters ?? {})) {
    if (algorithm !== 'xgboost' && !trained.includes(algorithm)) {
      throw new UnprocessableError(
        `hyperParameters names ${algorithm}, which this ${task} job does not train (it trains ${trained.join(', ')}).`,
        { field: `hyperParameters.${algorithm}` },
      );
    }
  }
}

/** Makes the job row for an execution started by hand, whose input carries the request. */
async function ensureJob(event: PreprocessEvent, deps: StepDeps): Promise<void> {
  if ((await deps.jobs.get(event.jobId)) !== undefined) return;
  const request = event.input?.request;
  const owner = event.input?.owner;
  if (request === undefined || owner === undefined) {
    throw new UnprocessableError(
      'The execution input has neither a known jobId nor a request with its owner.',
    );
  }
  await deps.jobs.create(newJobRecord(event.jobId, owner, request, deps.now().toISOString()));
}

export async function preprocess(event: PreprocessEvent, deps: StepDeps): Promise<StepState> {
  const { jobId } = event;
  await ensureJob(event, deps);
  const job = await beginStep(await activeJob(jobId, deps), 'preprocess', 2, deps);
  const { request } = job;
  const datasetVersion = request.datasetVersion;
  if (datasetVersion === undefined) throw new UnprocessableError('The job names no dataset version.');
  const dataset = await deps.datasets.load(request.datasetName, datasetVersion);

  const targetValues = dataset.table.values.get(request.target);
  const targetType = dataset.types.get(request.target);
  if (targetValues === undefined || targetType === undefined) {
    throw new UnprocessableError(`The dataset has no column "${request.target}".`, { field: 'target' });
  }
  const task: Task = request.task === 'auto' ? inferTask(targetType.type, targetType.distinct) : request.task;
  const metric = (request.metric ?? defaultMetric(task)) as Metric;
  if (!metricsFor(task).includes(metric)) {
    throw new UnprocessableError(`Metric ${metric} does not apply to ${task}.`, { field: 'metric' });
  }

  checkAlgorithmsFit(request, task);

  const kept: number[] = [];
  for (let row = 0; row < dataset.table.rowCount; row += 1) {
    if (!isMissingValue(targetValues[row])) kept.push(row);
  }
  if (kept.length < MIN_ROWS) {
    throw new UnprocessableError(
      `Only ${kept.length} rows have a value for "${request.target}"; at least ${MIN_ROWS} are needed.`,
    );
  }
  const targetText = kept.map((row) => targetValues[row] as string);
  const { y, classes } =
    task === 'classification'
      ? encodeClasses(targetText, request.target)
      : encodeValues(targetText, kept, request.target);
  const { columns, dropped } = featureColumns(dataset, request.target, kept);

  // Small data is cross-validated on every row; large data keeps the hold-out split.
  const selection = validationPlanFor(y.length, classes?.length ?? 0);
  const split =
    selection.kind === 'cross-validation'
      ? { train: Int32Array.from(y, (_, row) => row), validation: new Int32Array(0) }
      : holdOutSplit(
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
    selection,
  };
  await deps.store.put(runKeys.prepared(jobId), jsonCodec.encode(prepared));
  await endStep(job, 'preprocess', 15, { resolved: { datasetVersion, task, metric, selection } }, deps);
  return { jobId, preparedKey: runKeys.prepared(jobId) };
}
