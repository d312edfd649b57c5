/**
 * The training workflow's SageMaker branch, with in-memory ports: the export step writes the feature set
 * as the built-in XGBoost's CSV channels, and the convert step turns a real SageMaker-shaped artifact
 * (model.tar.gz with XGBoost 1.7's `xgboost-model`, from the fixtures) into the job's candidate.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NotFoundError, UnprocessableError } from '../../../../functions/core/errors.ts';
import {
  type JobRecord,
  newJobRecord,
  type TrainingRequest,
} from '../../../../functions/core/training/jobs.ts';
import { decodeModel } from '../../../../functions/core/training/model-codec.ts';
import type {
  FeaturePipeline,
  TreeEnsembleModel,
} from '../../../../functions/core/training/model-contracts.ts';
import { JobNotActiveError } from '../../../../functions/core/training/pipeline/job-run.ts';
import { encodeArrays } from '../../../../functions/core/training/pipeline/matrix-codec.ts';
import {
  exportForSageMaker,
  formatFloat32,
  recordSageMakerModel,
  type SageMakerDeps,
  xgboostHyperParameters,
} from '../../../../functions/core/training/pipeline/sagemaker.ts';
import { predictTrees } from '../../../../functions/core/training/trainers/tree-predict.ts';
import { InMemoryFeatureSets, InMemoryJobs, InMemoryStore } from '../../../support/in-memory-training.ts';

const fixtures = fileURLToPath(new URL('../../../fixtures/xgboost/', import.meta.url));
const BUCKET = 'mlp-test-datasets';
const NOW = new Date('2026-11-25T12:00:00.000Z');

interface Expected {
  readonly rows: (number | null)[][];
  readonly best: { readonly margin: number[] };
}
const binary = JSON.parse(readFileSync(`${fixtures}binary-logistic.expected.json`, 'utf8')) as Expected;

const owner = { userId: 'u-1', username: 'ada', role: 'admin' as const };

function request(change: Partial<TrainingRequest> = {}): TrainingRequest {
  return {
    datasetName: 'big',
    target: 'label',
    task: 'auto',
    validation: { holdoutFraction: 0.2, seed: 42 },
    modelName: 'big-model',
    ...change,
  };
}

interface Setup {
  readonly deps: SageMakerDeps & {
    jobs: InMemoryJobs;
    store: InMemoryStore;
    featureSets: InMemoryFeatureSets;
  };
  readonly job: JobRecord;
}

/**
 * A running job whose feature set (6 numeric columns) holds `train` rows and, as validation rows, the
 * fixture rows XGBoost predicted (missing values included).
 */
async function setup(
  task: 'classification' | 'regression',
  options: {
    classes?: (string | number)[];
    train?: number[][];
    trainY?: number[];
    change?: Partial<TrainingRequest>;
  } = {},
): Promise<Setup> {
  const jobs = new InMemoryJobs();
  const store = new InMemoryStore();
  const featureSets = new InMemoryFeatureSets();
  const width = 6;
  const pipeline: FeaturePipeline = {
    features: Array.from({ length: width }, (_, c) => ({
      kind: 'numeric' as const,
      column: `x${c}`,
      fill: 0,
      mean: 0,
      scale: 1,
    })),
    width,
  };
  const train = options.train ?? [
    [0.1, -2.5, 3, Number.NaN, 1e-7, 123456789],
    [1, 2, 3, 4, 5, 6],
  ];
  const validationX = binary.rows.flat().map((value) => value ?? Number.NaN);
  const validationY = binary.rows.map((_, r) => r % 2);
  const classes = options.classes ?? (task === 'classification' ? [0, 1] : undefined);
  await store.put('feature-sets/fs-1/pipeline.json', new TextEncoder().encode(JSON.stringify(pipeline)));
  await store.put(
    'feature-sets/fs-1/data.bin',
    encodeArrays(
      {
        trainX: Float64Array.from(train.flat()),
        trainY: Float64Array.from(options.trainY ?? train.map((_, r) => r % 2)),
        validationX: Float64Array.from(validationX),
        validationY: Float64Array.from(validationY),
      },
      { width, classes: classes ?? null },
    ),
  );
  await featureSets.createIfAbsent({
    featureSetId: 'fs-1',
    datasetName: 'big',
    datasetVersion: 1,
    pipelineKey: 'feature-sets/fs-1/pipeline.json',
    dataKey: 'feature-sets/fs-1/data.bin',
    width,
    trainRows: train.length,
    validationRows: binary.rows.length,
    createdAt: NOW.toISOString(),
    createdByJob: 'job-1',
  });
  const job: JobRecord = {
    ...newJobRecord('job-1', owner, request(options.change), NOW.toISOString()),
    status: 'RUNNING',
    step: 'features',
    progress: 25,
    resolved: { datasetVersion: 1, task, metric: task === 'classification' ? 'accuracy' : 'rmse' },
    featureSetId: 'fs-1',
  };
  await jobs.create(job);
  const deps = {
    jobs,
    store,
    featureSets,
    datasets: { load: () => Promise.reject(new Error('not used')) },
    now: () => NOW,
    bucket: BUCKET,
  };
  return { deps, job };
}

const csvOf = (store: InMemoryStore, key: string) => new TextDecoder().decode(store.objects.get(key));

describe('exportForSageMaker', () => {
  it('writes the train and validation rows as CSV channels, label first, and returns the job settings', async () => {
    // Prepare
    const { deps } = await setup('classification');

    // Act
    const state = await exportForSageMaker({ jobId: 'job-1', featureSetId: 'fs-1' }, deps);

    // Assess
    expect(state).toEqual({
      jobId: 'job-1',
      featureSetId: 'fs-1',
      sageMaker: {
        trainUri: `s3://${BUCKET}/sagemaker/input/job-1/train/`,
        validationUri: `s3://${BUCKET}/sagemaker/input/job-1/validation/`,
        outputUri: `s3://${BUCKET}/sagemaker/output/job-1/`,
        hyperParameters: {
          objective: 'binary:logistic',
          eval_metric: 'logloss',
          num_round: '1000',
          early_stopping_rounds: '20',
          eta: '0.1',
          max_depth: '6',
          min_child_weight: '1',
          subsample: '0.8',
          colsample_bytree: '0.8',
          tree_method: 'hist',
          seed: '42',
        },
        volumeSizeGb: 30,
      },
    });
    expect(csvOf(deps.store, 'sagemaker/input/job-1/train/part-00000.csv')).toBe(
      '0,0.1,-2.5,3,nan,1e-7,123456792\n1,1,2,3,4,5,6\n',
    );
    const validation = csvOf(deps.store, 'sagemaker/input/job-1/validation/part-00000.csv')
      .trim()
      .split('\n');
    expect(validation).toHaveLength(binary.rows.length);
    const firstMissing = binary.rows.findIndex((row) => row.includes(null));
    const cells = validation[firstMissing]?.split(',') ?? [];
    expect(cells).toHaveLength(7);
    const read = cells.slice(1).map((cell) => (cell === 'nan' ? null : Math.fround(Number(cell))));
    expect(read).toEqual(
      binary.rows[firstMissing]?.map((value) => (value === null ? null : Math.fround(value))),
    );
  });

  it("begins the job's train step", async () => {
    // Prepare
    const { deps } = await setup('classification');

    // Act
    await exportForSageMaker({ jobId: 'job-1' }, deps);

    // Assess
    expect(deps.jobs.rows.get('job-1')).toMatchObject({
      status: 'RUNNING',
      step: 'train',
      progress: 30,
      stepTimings: { train: { startedAt: NOW.toISOString() } },
    });
  });

  it('asks for multi:softprob with the number of classes, and for regression keeps the target exact', async () => {
    // Prepare
    const multiclass = await setup('classification', { classes: ['a', 'b', 'c'], trainY: [2, 0] });
    const regression = await setup('regression', { trainY: [0.1, 1234.5678901] });

    // Act
    const multi = await exportForSageMaker({ jobId: 'job-1' }, multiclass.deps);
    const reg = await exportForSageMaker({ jobId: 'job-1' }, regression.deps);

    // Assess
    expect(multi.sageMaker.hyperParameters).toMatchObject({
      objective: 'multi:softprob',
      num_class: '3',
      eval_metric: 'mlogloss',
    });
    expect(csvOf(multiclass.deps.store, 'sagemaker/input/job-1/train/part-00000.csv')).toMatch(/^2,.*\n0,/);
    expect(reg.sageMaker.hyperParameters).toMatchObject({
      objective: 'reg:squarederror',
      eval_metric: 'rmse',
    });
    expect(reg.sageMaker.hyperParameters.num_class).toBeUndefined();
    expect(csvOf(regression.deps.store, 'sagemaker/input/job-1/train/part-00000.csv')).toMatch(
      /^0\.1,.*\n1234\.5678901,/,
    );
  });

  it("takes the request's XGBoost hyper-parameters, and refuses names it does not know", async () => {
    // Prepare
    const tuned = await setup('classification', {
      change: { hyperParameters: { xgboost: [{ max_depth: 3, num_round: 50 }] } },
    });
    const unknown = await setup('classification', {
      change: { hyperParameters: { xgboost: [{ booster: 1 }] } },
    });

    // Act
    const state = await exportForSageMaker({ jobId: 'job-1' }, tuned.deps);
    const exporting = exportForSageMaker({ jobId: 'job-1' }, unknown.deps);

    // Assess
    expect(state.sageMaker.hyperParameters).toMatchObject({ max_depth: '3', num_round: '50', eta: '0.1' });
    await expect(exporting).rejects.toThrow(UnprocessableError);
    await expect(exporting).rejects.toThrow(/Unknown XGBoost hyper-parameters booster/);
  });

  it('stops when the job has finished meanwhile', async () => {
    // Prepare
    const { deps, job } = await setup('classification');
    deps.jobs.rows.set('job-1', { ...job, status: 'CANCELLED' });

    // Act
    const exporting = exportForSageMaker({ jobId: 'job-1' }, deps);

    // Assess
    await expect(exporting).rejects.toThrow(JobNotActiveError);
  });
});

describe('formatFloat32', () => {
  it('writes the shortest decimal that reads back as the same float32', () => {
    // Prepare
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const values = Array.from(
      { length: 5000 },
      () => (random() - 0.5) * 10 ** Math.floor(random() * 20 - 10),
    );

    // Act
    const texts = values.map(formatFloat32);

    // Assess
    texts.forEach((text, i) => {
      expect(Math.fround(Number(text))).toBe(Math.fround(values[i] as number));
      expect(text).not.toMatch(/\.$|\.?0+e|^[^e]*\.\d*0$/);
    });
    expect([0.1, 1e-7, -2.5, 3, 123456789, 1e20, Number.NaN].map(formatFloat32)).toEqual([
      '0.1',
      '1e-7',
      '-2.5',
      '3',
      '123456792',
      '1e+20',
      'nan',
    ]);
  });
});

describe('xgboostHyperParameters', () => {
  it('picks the objective and metric from the task and the number of classes', () => {
    // Assess
    expect(xgboostHyperParameters('classification', 2, 1).objective).toBe('binary:logistic');
    expect(xgboostHyperParameters('classification', 5, 1)).toMatchObject({
      objective: 'multi:softprob',
      num_class: '5',
    });
    expect(xgboostHyperParameters('regression', 0, 1).objective).toBe('reg:squarederror');
  });
});

describe('recordSageMakerModel', () => {
  const artifact = `s3://${BUCKET}/sagemaker/output/job-1/mlp-test-1234/output/model.tar.gz`;
  const putArtifact = (store: InMemoryStore, file = 'sagemaker-model.tar.gz') =>
    store.put(
      'sagemaker/output/job-1/mlp-test-1234/output/model.tar.gz',
      new Uint8Array(readFileSync(`${fixtures}${file}`)),
    );

  it("converts the job's model and records it as the only candidate, scored on the validation rows", async () => {
    // Prepare
    const { deps, job } = await setup('classification', { classes: ['no', 'yes'] });
    await deps.jobs.updateIfActive('job-1', {
      step: 'train',
      stepTimings: { ...job.stepTimings, train: { startedAt: '2026-11-25T11:00:00.000Z' } },
    });
    await putArtifact(deps.store);

    // Act
    const state = await recordSageMakerModel(
      {
        jobId: 'job-1',
        featureSetId: 'fs-1',
        trainingJob: { name: 'mlp-test-1234', modelArtifact: artifact },
      },
      deps,
    );

    // Assess
    expect(state).toEqual({ jobId: 'job-1', featureSetId: 'fs-1' });
    const row = deps.jobs.rows.get('job-1');
    expect(row?.progress).toBe(85);
    expect(row?.stepTimings.train).toEqual({
      startedAt: '2026-11-25T11:00:00.000Z',
      finishedAt: NOW.toISOString(),
      ms: 3_600_000,
    });
    expect(row?.candidates).toHaveLength(1);
    const candidate = row?.candidates?.[0];
    expect(candidate).toMatchObject({
      algorithm: 'xgboost',
      modelKey: 'jobs/job-1/candidates/xgboost-sagemaker.json',
      trainingMs: 3_600_000,
      hyperParameters: { rounds: 18, trainedRounds: 23, bestIteration: 17 },
    });
    expect(candidate?.score).toBe(candidate?.metrics.accuracy);
    expect(candidate?.metrics.confusion_matrix).toHaveLength(2);
    const stored = decodeModel(
      new TextDecoder().decode(deps.store.objects.get(candidate?.modelKey ?? '')),
    ) as TreeEnsembleModel;
    expect(stored).toMatchObject({ kind: 'trees', algorithm: 'xgboost', width: 6, classes: ['no', 'yes'] });
    // The recorded model predicts what XGBoost predicted (best iteration) for the validation rows.
    const x = Float64Array.from(binary.rows.flat().map((value) => value ?? Number.NaN));
    const margins = predictTrees(stored, x, binary.rows.length);
    binary.best.margin.forEach((margin, r) => {
      expect(Math.abs((margins[r] as number) - margin)).toBeLessThan(1e-5);
    });
  });

  it.each([
    ['in another bucket', 's3://elsewhere/sagemaker/output/job-1/x/output/model.tar.gz'],
    ["under another job's prefix", `s3://${BUCKET}/sagemaker/output/job-2/x/output/model.tar.gz`],
    ['climbing out of the prefix', `s3://${BUCKET}/sagemaker/output/job-1/../../feature-sets/fs-1/data.bin`],
  ])('refuses an artifact %s', async (_case, modelArtifact) => {
    // Prepare
    const { deps } = await setup('classification');

    // Act
    const recording = recordSageMakerModel(
      { jobId: 'job-1', trainingJob: { name: 'x', modelArtifact } },
      deps,
    );

    // Assess
    await expect(recording).rejects.toThrow(UnprocessableError);
    await expect(recording).rejects.toThrow(
      /is not under s3:\/\/mlp-test-datasets\/sagemaker\/output\/job-1\//,
    );
  });

  it('says so when the artifact is missing', async () => {
    // Prepare
    const { deps } = await setup('classification');

    // Act
    const recording = recordSageMakerModel(
      { jobId: 'job-1', trainingJob: { name: 'x', modelArtifact: artifact } },
      deps,
    );

    // Assess
    await expect(recording).rejects.toThrow(NotFoundError);
  });

  it('refuses a model for another task than the job', async () => {
    // Prepare
    const { deps } = await setup('regression');
    await putArtifact(deps.store);

    // Act
    const recording = recordSageMakerModel(
      { jobId: 'job-1', trainingJob: { name: 'x', modelArtifact: artifact } },
      deps,
    );

    // Assess
    await expect(recording).rejects.toThrow(
      'The training job made a classification model for a regression job.',
    );
  });
});
