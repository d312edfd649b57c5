/**
 * The training workflow's SageMaker branch, for feature sets too large to train in one Lambda:
 * exportForSageMaker writes the feature set as CSV for SageMaker's built-in XGBoost → (the workflow runs
 * `createTrainingJob.sync`) → recordSageMakerModel reads the job's model.tar.gz, converts the XGBoost
 * model to the platform's tree ensemble, scores it on the validation rows and records it as the job's
 * only candidate, which the select step exports like any other.
 *
 * Both steps belong to the job's `train` step: the export begins it, the conversion ends it.
 */
import { NotFoundError, UnprocessableError } from '../../errors.ts';
import type { CandidateResult } from '../jobs.ts';
import { defaultMetric, type Metric, scoreFor } from '../metrics.ts';
import { encodeModel } from '../model-codec.ts';
import type { TreeEnsembleModel } from '../model-contracts.ts';
import { candidateMetrics } from '../model-selection.ts';
import { predictRaw, type Task } from '../trainers/trainer.ts';
import { convertXgboostModel } from '../xgboost/convert.ts';
import { fileFromModelArchive } from '../xgboost/model-archive.ts';
import { activeJob, beginStep, endStep, loadFeatureSet, reportProgress, type StepDeps } from './job-run.ts';
import { sageMakerKeys } from './sagemaker-keys.ts';

export interface SageMakerDeps extends StepDeps {
  /** The datasets bucket: the step's store writes there, and SageMaker reads and writes there. */
  readonly bucket: string;
}

/** The channel data and settings the workflow passes to `createTrainingJob`. */
export interface SageMakerTrainingInput {
  /** `s3://<bucket>/sagemaker/input/<job>/train/`: CSV, label first, no header. */
  readonly trainUri: string;
  readonly validationUri: string;
  /** `s3://<bucket>/sagemaker/output/<job>/`: SageMaker adds `<training job>/output/model.tar.gz`. */
  readonly outputUri: string;
  /** The built-in algorithm's hyper-parameters (SageMaker wants strings). */
  readonly hyperParameters: Readonly<Record<string, string>>;
  readonly volumeSizeGb: number;
}

export interface SageMakerExportState {
  readonly jobId: string;
  readonly featureSetId: string;
  readonly sageMaker: SageMakerTrainingInput;
}

/** The XGBoost hyper-parameters a request may set for the SageMaker branch (`hyperParameters.xgboost[0]`). */
export const XGBOOST_HYPER_PARAMETERS = [
  'num_round',
  'early_stopping_rounds',
  'eta',
  'max_depth',
  'min_child_weight',
  'subsample',
  'colsample_bytree',
  'lambda',
  'alpha',
  'gamma',
  'max_bin',
] as const;

/** Large shards keep the object count low; small enough to build in memory one at a time. */
const SHARD_BYTES = 64 * 1024 * 1024;

/** The model file the built-in XGBoost container writes into model.tar.gz. */
const MODEL_FILE = 'xgboost-model';

/**
 * A value as XGBoost will read it: the shortest decimal that parses back to the same float32 (XGBoost
 * holds features in float32, so nothing is lost), `nan` for a missing value (XGBoost's missing).
 */
export function formatFloat32(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  const f = Math.fround(value);
  if (Number.isInteger(f) && Math.abs(f) < 1e15) return String(f);
  let text = f.toPrecision(9);
  for (let digits = 6; digits < 9; digits += 1) {
    const shorter = f.toPrecision(digits);
    if (Math.fround(Number(shorter)) === f) {
      text = shorter;
      break;
    }
  }
  // toPrecision pads with zeros ("1.50000", "2.50000e-7"): drop them.
  return text.replace(/(\.\d*?)0+(e|$)/, '$1$2').replace(/\.(e|$)/, '$1');
}

/** Writes rows as CSV shards under `prefix`; returns the bytes written. */
async function putCsv(
  deps: StepDeps,
  prefix: string,
  x: Float64Array,
  y: Float64Array,
  width: number,
  label: (value: number) => string,
): Promise<number> {
  const encoder = new TextEncoder();
  const rows = y.length;
  let lines: string[] = [];
  let size = 0;
  let shard = 0;
  let total = 0;
  const flush = async () => {
    const bytes = encoder.encode(lines.join(''));
    await deps.store.put(`${prefix}part-${String(shard).padStart(5, '0')}.csv`, bytes);
    total += bytes.byteLength;
    shard += 1;
    lines = [];
    size = 0;
  };
  const values = new Array<string>(width + 1);
  for (let r = 0; r < rows; r += 1) {
    values[0] = label(y[r] as number);
    for (let c = 0; c < width; c += 1) values[c + 1] = formatFloat32(x[r * width + c] as number);
    const line = `${values.join(',')}\n`;
    lines.push(line);
    size += line.length;
    if (size >= SHARD_BYTES) await flush();
  }
  if (lines.length > 0 || shard === 0) await flush();
  return total;
}

/** The built-in algorithm's hyper-parameters for the job's task, with the request's overrides. */
export function xgboostHyperParameters(
  task: Task,
  classCount: number,
  seed: number,
  overrides: Readonly<Record<string, number>> = {},
): Record<string, string> {
  const unknown = Object.keys(overrides).filter(
    (name) => !(XGBOOST_HYPER_PARAMETERS as readonly string[]).includes(name),
  );
  if (unknown.length > 0) {
    throw new UnprocessableError(
      `Unknown XGBoost hyper-parameters ${unknown.join(', ')} (known: ${XGBOOST_HYPER_PARAMETERS.join(', ')}).`,
      { field: 'hyperParameters.xgboost' },
    );
  }
  const objective: Record<string, string> =
    task === 'regression'
      ? { objective: 'reg:squarederror', eval_metric: 'rmse' }
      : classCount > 2
        ? { objective: 'multi:softprob', num_class: String(classCount), eval_metric: 'mlogloss' }
        : { objective: 'binary:logistic', eval_metric: 'logloss' };
  const defaults: Record<string, number> = {
    num_round: 1000,
    early_stopping_rounds: 20,
    eta: 0.1,
    max_depth: 6,
    min_child_weight: 1,
    subsample: 0.8,
    colsample_bytree: 0.8,
  };
  const numbers = { ...defaults, ...overrides };
  return {
    ...objective,
    ...Object.fromEntries(Object.entries(numbers).map(([name, value]) => [name, String(value)])),
    tree_method: 'hist',
    seed: String(seed),
  };
}

/**
 * Step 3 (SageMaker branch), part 1: the feature set's train and validation rows as CSV under the
 * datasets bucket, and the training job's settings for the workflow.
 *
 * @example
 * const next = await exportForSageMaker({ jobId, featureSetId }, { ...stepDeps, bucket });
 * next.sageMaker.trainUri; // 's3://bucket/sagemaker/input/<job>/train/'
 */
export async function exportForSageMaker(
  state: { readonly jobId: string; readonly featureSetId?: string },
  deps: SageMakerDeps,
): Promise<SageMakerExportState> {
  const job = await beginStep(await activeJob(state.jobId, deps), 'train', 26, deps);
  const featureSetId = state.featureSetId ?? job.featureSetId;
  if (featureSetId === undefined) throw new UnprocessableError('The train step got no feature set.');
  const { pipeline, train, validation, classes } = await loadFeatureSet(featureSetId, deps);
  const task = (job.resolved?.task ?? 'classification') as Task;
  const label =
    task === 'classification'
      ? (value: number) => String(Math.round(value))
      : (value: number) => String(value);
  const width = pipeline.width;
  const trainBytes = await putCsv(
    deps,
    sageMakerKeys.channel(job.jobId, 'train'),
    train.x,
    train.y,
    width,
    label,
  );
  const validationBytes = await putCsv(
    deps,
    sageMakerKeys.channel(job.jobId, 'validation'),
    validation.x,
    validation.y,
    width,
    label,
  );
  const overrides = job.request.hyperParameters?.xgboost?.[0] ?? {};
  const hyperParameters = xgboostHyperParameters(
    task,
    classes?.length ?? 0,
    job.request.validation.seed,
    overrides,
  );
  await reportProgress(job.jobId, Math.max(job.progress, 30), deps);
  const uri = (key: string) => `s3://${deps.bucket}/${key}`;
  // File mode copies the channels to the instance's volume: room for both, twice over, and the model.
  const volumeSizeGb = Math.min(
    16_384,
    Math.max(30, Math.ceil((2 * (trainBytes + validationBytes)) / 2 ** 30) + 10),
  );
  return {
    jobId: job.jobId,
    featureSetId,
    sageMaker: {
      trainUri: uri(sageMakerKeys.channel(job.jobId, 'train')),
      validationUri: uri(sageMakerKeys.channel(job.jobId, 'validation')),
      outputUri: uri(sageMakerKeys.output(job.jobId)),
      hyperParameters,
      volumeSizeGb,
    },
  };
}

/** The key of an artifact URI, which must lie under this job's output prefix of the datasets bucket. */
function artifactKey(uri: string, jobId: string, bucket: string): string {
  const prefix = `s3://${bucket}/`;
  const key = uri.startsWith(prefix) ? uri.slice(prefix.length) : undefined;
  if (key === undefined || !key.startsWith(sageMakerKeys.output(jobId)) || key.includes('..')) {
    throw new UnprocessableError(
      `The training job's artifact ${uri} is not under ${prefix}${sageMakerKeys.output(jobId)}.`,
    );
  }
  return key;
}

/**
 * Step 3 (SageMaker branch), part 2: the training job's model, converted, scored on the validation
 * rows and recorded as the job's candidate (the select step exports it with the preprocessing).
 *
 * @example
 * await recordSageMakerModel({ jobId, featureSetId, trainingJob: { name, modelArtifact } }, { ...stepDeps, bucket });
 */
export async function recordSageMakerModel(
  state: {
    readonly jobId: string;
    readonly featureSetId?: string;
    readonly trainingJob: { readonly name: string; readonly modelArtifact: string };
  },
  deps: SageMakerDeps,
): Promise<{ jobId: string; featureSetId: string }> {
  const job = await activeJob(state.jobId, deps);
  const featureSetId = state.featureSetId ?? job.featureSetId;
  if (featureSetId === undefined) throw new UnprocessableError('The train step got no feature set.');
  const key = artifactKey(state.trainingJob.modelArtifact, job.jobId, deps.bucket);
  const archive = await deps.store.get(key);
  if (archive === undefined) throw new NotFoundError(`The training job's model artifact ${key} is missing.`);
  const { pipeline, validation, classes } = await loadFeatureSet(featureSetId, deps);
  const task = (job.resolved?.task ?? 'classification') as Task;
  const model: TreeEnsembleModel = convertXgboostModel(fileFromModelArchive(archive, MODEL_FILE), {
    width: pipeline.width,
    ...(classes ? { classes } : {}),
  });
  if (model.task !== task) {
    throw new UnprocessableError(`The training job made a ${model.task} model for a ${task} job.`);
  }

  const prediction = predictRaw(model, validation.x, validation.rows);
  const metric = (job.resolved?.metric ?? defaultMetric(task)) as Metric;
  const modelKey = sageMakerKeys.candidate(job.jobId);
  await deps.store.put(modelKey, new TextEncoder().encode(encodeModel(model)));

  const now = deps.now();
  const startedAt = job.stepTimings.train?.startedAt ?? now.toISOString();
  const candidate: CandidateResult = {
    algorithm: 'xgboost',
    hyperParameters: model.hyperParameters,
    metrics: candidateMetrics(validation.y, prediction),
    score: scoreFor(metric, validation.y, prediction),
    trainingMs: Math.max(0, now.getTime() - Date.parse(startedAt)),
    modelKey,
  };
  await endStep(job, 'train', 85, { candidates: [candidate] }, deps);
  return { jobId: job.jobId, featureSetId };
}
