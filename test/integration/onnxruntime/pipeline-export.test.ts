import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxModel } from '../../../functions/adapters/onnxruntime/onnx-model.ts';
import { transformRows } from '../../../functions/core/training/feature-transform.ts';
import type { FeaturePipeline, LinearModel } from '../../../functions/core/training/model-contracts.ts';
import { exportPipelineToOnnx } from '../../../functions/core/training/onnx-export/export-pipeline.ts';
import { predictRaw } from '../../../functions/core/training/trainers/trainer.ts';

type Cell = number | string | null;
type Row = Record<string, Cell>;

const TOLERANCE = 1e-5;
const ROWS = 400;

/**
 * Numeric columns of very different magnitudes (a Unix time in seconds and an account balance near
 * a million with a small spread: float32 inputs would miss the 1e-5 parity on both), categorical
 * ones with a missing fill, an empty category list and a fill that is not a kept category.
 */
const pipeline: FeaturePipeline = {
  features: [
    { kind: 'numeric', column: 'age', fill: 29.75, mean: 42.25, scale: 12.5 },
    { kind: 'categorical', column: 'plan', fill: 'basic', categories: ['basic', 'pro', 'enterprise'] },
    { kind: 'numeric', column: 'signup_time', fill: 1_700_000_000, mean: 1_690_000_123.5, scale: 31_000_000 },
    { kind: 'numeric', column: 'balance', fill: 1_000_250, mean: 1_000_230.75, scale: 25.5 },
    { kind: 'categorical', column: 'region', fill: 'us', categories: ['us', 'eu'] },
    { kind: 'categorical', column: 'channel', fill: 'web', categories: [] },
    { kind: 'numeric', column: 'constant', fill: 0, mean: 5, scale: 1 },
    { kind: 'categorical', column: 'zip code', fill: '99999', categories: ['10001', '94105'] },
  ],
  width: 1 + 4 + 1 + 1 + 3 + 1 + 1 + 3,
};

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

function linearModel(
  task: LinearModel['task'],
  outputs: number,
  classes: readonly (string | number)[] | undefined,
  seed: number,
): LinearModel {
  const random = randomSource(seed);
  const width = pipeline.width;
  return {
    kind: 'linear',
    algorithm: task === 'regression' ? 'ridge' : 'logistic-regression',
    task,
    weights: Float64Array.from({ length: outputs * width }, () => random() * 3 - 1.5),
    intercepts: Float64Array.from({ length: outputs }, () => random() * 2 - 1),
    outputs,
    width,
    ...(classes === undefined ? {} : { classes }),
    hyperParameters: {},
  };
}

/** Rows with missing values in every column (null, NaN, ''), unseen categories and a numeric category. */
function generateRows(count: number, seed: number): Row[] {
  const random = randomSource(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const numeric = (center: number, spread: number): Cell => {
    const roll = random();
    if (roll < 0.08) return null;
    if (roll < 0.12) return Number.NaN;
    return center + (random() * 2 - 1) * spread;
  };
  const categorical = (values: readonly Cell[]): Cell => {
    const roll = random();
    if (roll < 0.08) return null;
    if (roll < 0.12) return '';
    if (roll < 0.2) return `unseen-${Math.floor(random() * 5)}`;
    return pick(values);
  };
  return Array.from({ length: count }, () => ({
    age: numeric(42, 30),
    plan: categorical(['basic', 'pro', 'enterprise', 'Pro', ' pro']),
    signup_time: numeric(1_690_000_000, 60_000_000),
    balance: numeric(1_000_230, 80),
    region: categorical(['us', 'eu']),
    channel: categorical(['web', 'app']),
    constant: numeric(5, 0),
    'zip code': categorical(['10001', '94105', 10001]),
  }));
}

/** What a caller sends the predict endpoint: null for a missing number, '' for a missing string. */
function toInstance(row: Row): Row {
  const instance: Row = {};
  for (const feature of pipeline.features) {
    const value = row[feature.column] ?? null;
    if (feature.kind === 'numeric') instance[feature.column] = Number.isNaN(value) ? null : value;
    else instance[feature.column] = value === null || Number.isNaN(value) ? '' : String(value);
  }
  return instance;
}

/** The same rows as onnxruntime feeds: float64 [N, 1] (NaN missing) and string [N, 1] ('' missing). */
function toFeeds(rows: readonly Row[]): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const feature of pipeline.features) {
    const values = rows.map((row) => toInstance(row)[feature.column] ?? null);
    feeds[feature.column] =
      feature.kind === 'numeric'
        ? new ort.Tensor(
            'float64',
            Float64Array.from(values, (v) => (v === null ? Number.NaN : (v as number))),
            [rows.length, 1],
          )
        : new ort.Tensor('string', values as string[], [rows.length, 1]);
  }
  return feeds;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i += 1) {
    worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)));
  }
  expect(worst).toBeLessThanOrEqual(TOLERANCE);
}

/** The TypeScript reference: the pipeline's transform, then the trainers' own prediction. */
function reference(model: LinearModel, rows: readonly Row[]) {
  const prediction = predictRaw(model, transformRows(pipeline, rows), rows.length);
  if (prediction.task === 'regression') return { values: prediction.values };
  const classes = model.classes ?? [];
  return {
    probabilities: prediction.probabilities,
    labels: Array.from(prediction.labels, (index) => classes[index]),
  };
}

const sessions: ort.InferenceSession[] = [];
const models: OnnxModel[] = [];
afterAll(async () => {
  await Promise.all([...sessions.map((s) => s.release()), ...models.map((m) => m.dispose())]);
});

async function runDirect(bytes: Uint8Array, rows: readonly Row[]) {
  const session = await ort.InferenceSession.create(bytes);
  sessions.push(session);
  return session.run(toFeeds(rows));
}

async function loadServed(bytes: Uint8Array): Promise<OnnxModel> {
  const model = await OnnxModel.create(bytes, { id: 'exported@1' });
  models.push(model);
  return model;
}

const rows = generateRows(ROWS, 20_241_125);

const cases = [
  {
    name: 'regression',
    model: linearModel('regression', 1, undefined, 1),
  },
  {
    name: 'binary classification with int64 labels',
    model: linearModel('classification', 1, [0, 1], 2),
  },
  {
    name: 'binary classification with string labels',
    model: linearModel('classification', 1, ['no', 'yes'], 3),
  },
  {
    name: 'multiclass classification with string labels',
    model: linearModel('classification', 3, ['setosa', 'versicolor', 'virginica'], 4),
  },
  {
    name: 'multiclass classification with int64 labels',
    model: linearModel('classification', 4, [3, 7, 11, 42], 5),
  },
] as const;

describe('exportPipelineToOnnx on onnxruntime', () => {
  for (const { name, model } of cases) {
    it(`matches the TypeScript reference within 1e-5 on ${ROWS} rows: ${name}`, async () => {
      // Prepare
      const bytes = exportPipelineToOnnx(pipeline, model, { modelName: 'parity', targetName: 'y' });
      const expected = reference(model, rows);

      // Act
      const outputs = await runDirect(bytes, rows);

      // Assess
      if (expected.values !== undefined) {
        expect(outputs.variable?.type).toBe('float32');
        expect(outputs.variable?.dims).toEqual([ROWS, 1]);
        expectClose(outputs.variable?.data as Float32Array, expected.values);
      } else {
        const classes = model.classes?.length ?? 0;
        expect(outputs.probabilities?.type).toBe('float32');
        expect(outputs.probabilities?.dims).toEqual([ROWS, classes]);
        expectClose(outputs.probabilities?.data as Float32Array, expected.probabilities);
        expect(outputs.label?.dims).toEqual([ROWS]);
        const labels = Array.from(outputs.label?.data as ArrayLike<bigint | string>, (label) =>
          typeof label === 'bigint' ? Number(label) : label,
        );
        expect(labels).toEqual(expected.labels);
      }
    });

    it(`predicts through the platform's OnnxModel like the predict endpoint: ${name}`, async () => {
      // Prepare
      const bytes = exportPipelineToOnnx(pipeline, model, { modelName: 'served' });
      const served = await loadServed(bytes);
      const expected = reference(model, rows);

      // Act
      const result = await served.predict(rows.map(toInstance));

      // Assess
      expect(served.serving.inputs.map((input) => [input.name, input.type])).toEqual(
        pipeline.features.map((f) => [f.column, f.kind === 'numeric' ? 'float64' : 'string']),
      );
      if (expected.values !== undefined) {
        expect(served.serving.valueOutput).toBe('variable');
        expect(served.serving.kind).toBe('regressor');
        expectClose(result.predictions as number[], expected.values);
        expect(result.probabilities).toBeUndefined();
      } else {
        expect(served.serving).toMatchObject({
          kind: 'classifier',
          labelOutput: 'label',
          probabilityOutput: 'probabilities',
        });
        expect(result.predictions).toEqual(expected.labels);
        expect(result.classLabels).toEqual(model.classes);
        expectClose((result.probabilities ?? []).flat(), expected.probabilities);
      }
    });
  }

  it('imputes missing values and sends unseen categories to the unknown column', async () => {
    // Prepare: weights pick single pipeline columns, so each output is one feature value.
    const width = pipeline.width;
    // age, plan=basic, plan unknown, region=us, channel unknown, constant, zip code unknown
    const select = [0, 1, 4, 7, 10, 11, 14];
    const weights = new Float64Array(select.length * width);
    select.forEach((column, output) => {
      weights[output * width + column] = 1;
    });
    const model: LinearModel = {
      kind: 'linear',
      algorithm: 'linear-regression',
      task: 'regression',
      weights,
      intercepts: new Float64Array(select.length),
      outputs: select.length,
      width,
      hyperParameters: {},
    };
    const served = await loadServed(exportPipelineToOnnx(pipeline, model));
    const missing = {
      age: null,
      plan: '',
      signup_time: null,
      balance: null,
      region: '',
      channel: '',
      constant: null,
      'zip code': '',
    };
    const unseen = { ...missing, age: 54.75, plan: 'PRO', channel: 'web', 'zip code': '10001' };

    // Act
    const result = await served.predict([missing, unseen]);

    // Assess: missing → the fills (zip code's fill 99999 is not kept: unknown); 'PRO' ≠ 'pro'
    expect(result.predictions).toEqual([
      [-1, 1, 0, 1, 1, -5, 1],
      [1, 0, 1, 1, 1, -5, 0],
    ]);
  });
});
