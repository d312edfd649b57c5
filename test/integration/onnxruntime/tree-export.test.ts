import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxModel } from '../../../functions/adapters/onnxruntime/onnx-model.ts';
import { transformRows } from '../../../functions/core/training/feature-transform.ts';
import type {
  FeaturePipeline,
  RegressionTree,
  TreeEnsembleModel,
} from '../../../functions/core/training/model-contracts.ts';
import {
  exportMatrixModelToOnnx,
  exportPipelineToOnnx,
} from '../../../functions/core/training/onnx-export/export-pipeline.ts';
import { sigmoid, softmaxRows } from '../../../functions/core/training/trainers/linear-model.ts';
import { predictRaw } from '../../../functions/core/training/trainers/trainer.ts';

type Cell = number | string | null;
type Row = Record<string, Cell>;
type Random = () => number;

const TOLERANCE = 1e-5;
const ROWS = 500;
/** Rounds of every generated model: several hundred trees per output, summed in one score. */
const ROUNDS = 300;

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
function randomSource(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ── The TypeScript reference, written from the model contract ─────────────────────────────────────

/** Raw scores [rows × outputs]: baseScores[k] + the leaf value of every tree of output k, in order. */
function referenceScores(model: TreeEnsembleModel, x: Float64Array, rows: number): Float64Array {
  const { outputs, width } = model;
  const scores = new Float64Array(rows * outputs);
  for (let r = 0; r < rows; r += 1) {
    for (let k = 0; k < outputs; k += 1) scores[r * outputs + k] = model.baseScores[k] as number;
  }
  model.trees.forEach((tree, t) => {
    const k = t % outputs;
    for (let r = 0; r < rows; r += 1) {
      let node = 0;
      while ((tree.feature[node] as number) !== -1) {
        const value = x[r * width + (tree.feature[node] as number)] as number;
        let left: boolean;
        if (Number.isNaN(value)) left = tree.missingGoesLeft[node] === 1;
        else {
          const single = Math.fround(value);
          const threshold = tree.threshold[node] as number;
          left = model.comparison === 'leq' ? single <= threshold : single < threshold;
        }
        node = (left ? tree.left[node] : tree.right[node]) as number;
      }
      scores[r * outputs + k] = (scores[r * outputs + k] as number) + (tree.value[node] as number);
    }
  });
  return scores;
}

interface Reference {
  readonly scores: Float64Array;
  readonly values?: Float64Array;
  readonly probabilities?: Float64Array;
  readonly labels?: readonly (string | number)[];
}

/** The raw scores, then the platform's post-processing (as `predictLinear` does it). */
function reference(model: TreeEnsembleModel, x: Float64Array, rows: number): Reference {
  const scores = referenceScores(model, x, rows);
  if (model.task === 'regression') return { scores, values: scores };
  const classes = model.classes ?? [];
  if (model.outputs === 1) {
    const probabilities = new Float64Array(rows * 2);
    const labels: (string | number)[] = [];
    for (let r = 0; r < rows; r += 1) {
      const p = sigmoid(scores[r] as number);
      probabilities[2 * r] = 1 - p;
      probabilities[2 * r + 1] = p;
      labels.push(classes[(scores[r] as number) > 0 ? 1 : 0] as string | number);
    }
    return { scores, probabilities, labels };
  }
  const probabilities = Float64Array.from(scores);
  const indices = softmaxRows(probabilities, rows, model.outputs);
  return { scores, probabilities, labels: Array.from(indices, (i) => classes[i] as string | number) };
}

// ── Generated models ──────────────────────────────────────────────────────────────────────────────

/**
 * A tree grown leaf-wise to `leaves` leaves (1 makes a lone leaf), splitting random leaves on random
 * columns at float32 thresholds drawn from the data's own values (so rows land on thresholds),
 * missing values sent either way; one unreachable node of garbage at the end, which the export skips.
 */
function randomTree(
  random: Random,
  x: Float64Array,
  rows: number,
  width: number,
  leaves: number,
): RegressionTree {
  const feature = [-1];
  const threshold = [0];
  const missingGoesLeft = [0];
  const left = [-1];
  const right = [-1];
  const value = [0];
  const leafNodes = [0];
  const threshold32 = (column: number): number => {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const v = x[Math.floor(random() * rows) * width + column] as number;
      if (Number.isFinite(v)) return Math.fround(v);
    }
    return Math.fround(random() * 2 - 1);
  };
  while (leafNodes.length < leaves) {
    const at = Math.floor(random() * leafNodes.length);
    const node = leafNodes[at] as number;
    const column = Math.floor(random() * width);
    feature[node] = column;
    threshold[node] = threshold32(column);
    missingGoesLeft[node] = random() < 0.5 ? 1 : 0;
    left[node] = feature.length;
    right[node] = feature.length + 1;
    for (let child = 0; child < 2; child += 1) {
      feature.push(-1);
      threshold.push(0);
      missingGoesLeft.push(0);
      left.push(-1);
      right.push(-1);
      value.push(0);
    }
    leafNodes.splice(at, 1, feature.length - 2, feature.length - 1);
  }
  for (const node of leafNodes) value[node] = (random() * 2 - 1) * 0.1;
  // Unreachable garbage: a branch on a column that does not exist.
  feature.push(width + 5);
  threshold.push(Number.NaN);
  missingGoesLeft.push(1);
  left.push(0);
  right.push(0);
  value.push(Number.NaN);
  return {
    feature: Int32Array.from(feature),
    threshold: Float32Array.from(threshold),
    missingGoesLeft: Uint8Array.from(missingGoesLeft),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
  };
}

interface ModelSpec {
  readonly task: TreeEnsembleModel['task'];
  readonly outputs: number;
  readonly classes?: readonly (string | number)[];
  readonly comparison: TreeEnsembleModel['comparison'];
  readonly seed: number;
}

/** `ROUNDS` rounds of one tree per output, 1 to 31 leaves each, over the data `x` (for thresholds). */
function treeModel(spec: ModelSpec, x: Float64Array, rows: number, width: number, rounds = ROUNDS) {
  const random = randomSource(spec.seed);
  const trees = Array.from({ length: rounds * spec.outputs }, () =>
    randomTree(random, x, rows, width, 1 + Math.floor(random() * 31)),
  );
  const model: TreeEnsembleModel = {
    kind: 'trees',
    algorithm: 'gradient-boosting',
    task: spec.task,
    comparison: spec.comparison,
    trees,
    outputs: spec.outputs,
    baseScores: Float64Array.from({ length: spec.outputs }, () => random() * 4 - 2),
    width,
    ...(spec.classes === undefined ? {} : { classes: spec.classes }),
    hyperParameters: { rounds },
  };
  return model;
}

const specs: readonly (ModelSpec & { readonly name: string })[] = [
  { name: 'regression, x <= t', task: 'regression', outputs: 1, comparison: 'leq', seed: 11 },
  { name: 'regression with 2 outputs, x < t', task: 'regression', outputs: 2, comparison: 'lt', seed: 12 },
  {
    name: 'binary classification, int64 labels, x < t',
    task: 'classification',
    outputs: 1,
    classes: [0, 1],
    comparison: 'lt',
    seed: 13,
  },
  {
    name: 'binary classification, string labels, x <= t',
    task: 'classification',
    outputs: 1,
    classes: ['no', 'yes'],
    comparison: 'leq',
    seed: 14,
  },
  {
    name: 'multiclass classification, string labels, x <= t',
    task: 'classification',
    outputs: 3,
    classes: ['setosa', 'versicolor', 'virginica'],
    comparison: 'leq',
    seed: 15,
  },
  {
    name: 'multiclass classification, int64 labels, x < t',
    task: 'classification',
    outputs: 3,
    classes: [3, 7, 42],
    comparison: 'lt',
    seed: 16,
  },
];

// ── Comparisons ───────────────────────────────────────────────────────────────────────────────────

function worstGap(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i += 1) {
    const gap = Math.abs((actual[i] as number) - (expected[i] as number));
    worst = Number.isNaN(gap) ? Number.POSITIVE_INFINITY : Math.max(worst, gap);
  }
  return worst;
}

/**
 * Each value is the float64 reference rounded to float32 once (the ensemble sums in float64): within
 * half a float32 step of it, a float64 summation order apart. A float32 sum of hundreds of leaves is
 * many steps away.
 */
function expectRoundedOnce(actual: Float32Array, expected: Float64Array): void {
  const outside: string[] = [];
  expected.forEach((value, i) => {
    const halfStep = Math.abs(value) * 2 ** -24 * (1 + 1e-9) + 1e-40;
    if (!(Math.abs((actual[i] as number) - value) <= halfStep))
      outside.push(`${i}: ${actual[i]} vs ${value}`);
  });
  expect(outside).toEqual([]);
}

function labelsOf(tensor: ort.OnnxValue | undefined): (string | number)[] {
  return Array.from((tensor as ort.Tensor).data as ArrayLike<bigint | string>, (label) =>
    typeof label === 'bigint' ? Number(label) : label,
  );
}

/** The graph's outputs against the reference, every row: values/probabilities within 1e-5, labels equal. */
function expectParity(outputs: ort.InferenceSession.OnnxValueMapType, expected: Reference, rows: number) {
  if (expected.values !== undefined) {
    const variable = outputs.variable as ort.Tensor;
    expect(variable.type).toBe('float32');
    expect(variable.dims[0]).toBe(rows);
    expect(worstGap(variable.data as Float32Array, expected.values)).toBeLessThanOrEqual(TOLERANCE);
    expectRoundedOnce(variable.data as Float32Array, expected.values);
    return;
  }
  const probabilities = outputs.probabilities as ort.Tensor;
  expect(probabilities.type).toBe('float32');
  expect(worstGap(probabilities.data as Float32Array, expected.probabilities ?? [])).toBeLessThanOrEqual(
    TOLERANCE,
  );
  expect(labelsOf(outputs.label ?? outputs.output_label)).toEqual(expected.labels);
}

const sessions: ort.InferenceSession[] = [];
const models: OnnxModel[] = [];
afterAll(async () => {
  await Promise.all([...sessions.map((s) => s.release()), ...models.map((m) => m.dispose())]);
});

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>) {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all' });
  sessions.push(session);
  return session.run(feeds);
}

// ── Matrix level: raw NaN, ±Infinity, values on and next to the thresholds ──────────────────────

const MATRIX_WIDTH = 8;

/**
 * Rows of the feature matrix: columns of float32 values (rows land exactly on thresholds drawn from
 * them), of doubles (which float32 rounding moves), a 0/1 column; 15 % NaN, a few ±Infinity.
 */
function generateMatrix(rows: number, seed: number): Float64Array {
  const random = randomSource(seed);
  const x = new Float64Array(rows * MATRIX_WIDTH);
  for (let r = 0; r < rows; r += 1) {
    for (let j = 0; j < MATRIX_WIDTH; j += 1) {
      const roll = random();
      let value: number;
      if (roll < 0.15) value = Number.NaN;
      else if (roll < 0.17) value = random() < 0.5 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
      else if (j === 0) value = random() < 0.5 ? 0 : 1;
      else if (j % 2 === 1) value = Math.fround(Math.round((random() * 2 - 1) * 40) / 8);
      else value = (random() * 2 - 1) * 10 ** (j - 3);
      x[r * MATRIX_WIDTH + j] = value;
    }
  }
  return x;
}

/**
 * Rows that put every column of a row exactly on some tree's threshold t, on the doubles just
 * above and below it (float32 rounding takes them back to t), and on float32's neighbours of t.
 */
function thresholdRows(model: TreeEnsembleModel, count: number, seed: number): Float64Array {
  const random = randomSource(seed);
  const thresholds: number[][] = Array.from({ length: model.width }, () => []);
  for (const tree of model.trees) {
    tree.feature.forEach((column, node) => {
      if (column >= 0 && column < model.width) thresholds[column]?.push(tree.threshold[node] as number);
    });
  }
  const x = new Float64Array(count * model.width);
  for (let r = 0; r < count; r += 1) {
    for (let j = 0; j < model.width; j += 1) {
      const pool = thresholds[j] ?? [];
      const t = pool.length === 0 ? 0 : (pool[Math.floor(random() * pool.length)] as number);
      const ulp32 = Math.max(Math.abs(t) * 2 ** -23, 2 ** -149);
      const nudges = [0, ulp32 / 8, -ulp32 / 8, ulp32, -ulp32, Number.EPSILON * Math.abs(t)];
      x[r * model.width + j] = t + (nudges[Math.floor(random() * nudges.length)] as number);
    }
  }
  return x;
}

describe('exportMatrixModelToOnnx with a tree ensemble on onnxruntime', () => {
  const data = generateMatrix(ROWS, 2_024);

  for (const spec of specs) {
    it(`matches the reference within 1e-5 on ${ROWS} rows with NaN and ±Infinity, ${ROUNDS} rounds: ${spec.name}`, async () => {
      // Prepare
      const model = treeModel(spec, data, ROWS, MATRIX_WIDTH);
      const expected = reference(model, data, ROWS);

      // Act
      const outputs = await run(exportMatrixModelToOnnx(model), {
        features: new ort.Tensor('float64', data, [ROWS, MATRIX_WIDTH]),
      });

      // Assess
      expectParity(outputs, expected, ROWS);
    });

    it(`compares in float32 on and next to the thresholds: ${spec.name}`, async () => {
      // Prepare
      const model = treeModel(spec, data, ROWS, MATRIX_WIDTH);
      const x = thresholdRows(model, ROWS, spec.seed + 100);
      const expected = reference(model, x, ROWS);

      // Act
      const outputs = await run(exportMatrixModelToOnnx(model), {
        features: new ort.Tensor('float64', x, [ROWS, MATRIX_WIDTH]),
      });

      // Assess
      expectParity(outputs, expected, ROWS);
    });
  }

  it("agrees with the trainers' own predictRaw, so the parity above is the pipeline's", () => {
    for (const spec of specs) {
      // Prepare
      const model = treeModel(spec, data, ROWS, MATRIX_WIDTH);
      const x = Float64Array.from([...data, ...thresholdRows(model, 50, spec.seed)]);
      const rows = ROWS + 50;
      const expected = reference(model, x, rows);

      // Act
      const prediction = predictRaw(model, x, rows);

      // Assess
      if (prediction.task === 'regression') expect(prediction.values).toEqual(expected.values);
      else {
        expect(prediction.probabilities).toEqual(expected.probabilities);
        expect(Array.from(prediction.labels, (i) => model.classes?.[i])).toEqual(expected.labels);
      }
    }
  });

  it('sends a missing value left or right as each branch learned, and compares as the model says', async () => {
    // Prepare: one stump per output of a 4-output regressor: x0 (<= or <) 0.5, NaN left or right.
    const stump = (missingGoesLeft: number): RegressionTree => ({
      feature: Int32Array.of(0, -1, -1),
      threshold: Float32Array.of(0.5, 0, 0),
      missingGoesLeft: Uint8Array.of(missingGoesLeft, 0, 0),
      left: Int32Array.of(1, -1, -1),
      right: Int32Array.of(2, -1, -1),
      value: Float64Array.of(0, -1, 1),
    });
    const model = (comparison: 'leq' | 'lt'): TreeEnsembleModel => ({
      kind: 'trees',
      algorithm: 'xgboost',
      task: 'regression',
      comparison,
      trees: [stump(1), stump(0)],
      outputs: 2,
      baseScores: Float64Array.of(0, 0),
      width: 1,
      hyperParameters: {},
    });
    const x = Float64Array.of(Number.NaN, 0.5, 0.5000000001, 0.4999999999, 0.6);
    const feeds = { features: new ort.Tensor('float64', x, [5, 1]) };

    // Act
    const leq = await run(exportMatrixModelToOnnx(model('leq')), feeds);
    const lt = await run(exportMatrixModelToOnnx(model('lt')), feeds);

    // Assess: rows × [missing-left tree, missing-right tree]; 0.5 ± 1e-10 is 0.5 in float32
    expect(Array.from(leq.variable?.data as Float32Array)).toEqual([-1, 1, -1, -1, -1, -1, -1, -1, 1, 1]);
    expect(Array.from(lt.variable?.data as Float32Array)).toEqual([-1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('serves the base scores alone when the model has no trees', async () => {
    // Prepare
    const model: TreeEnsembleModel = {
      kind: 'trees',
      algorithm: 'gradient-boosting',
      task: 'classification',
      comparison: 'leq',
      trees: [],
      outputs: 3,
      baseScores: Float64Array.of(0.25, -1, 2),
      width: 2,
      classes: ['a', 'b', 'c'],
      hyperParameters: {},
    };
    const x = Float64Array.of(1, Number.NaN, 3, 4);

    // Act
    const outputs = await run(exportMatrixModelToOnnx(model), {
      features: new ort.Tensor('float64', x, [2, 2]),
    });

    // Assess
    expectParity(outputs, reference(model, x, 2), 2);
  });

  it('sums in float64 on a large base score: the float32 output is the float64 sum rounded once', async () => {
    // Prepare: 600 trees of small leaves on a base score of a million (float32 steps are 0.0625)
    const spec: ModelSpec = { task: 'regression', outputs: 1, comparison: 'leq', seed: 21 };
    const model = {
      ...treeModel(spec, data, ROWS, MATRIX_WIDTH, 600),
      baseScores: Float64Array.of(1_000_000.03),
    };
    const expected = referenceScores(model, data, ROWS);

    // Act
    const outputs = await run(exportMatrixModelToOnnx(model), {
      features: new ort.Tensor('float64', data, [ROWS, MATRIX_WIDTH]),
    });

    // Assess
    expectRoundedOnce(outputs.variable?.data as Float32Array, expected);
  });
});

// ── Pipeline level: raw columns, imputation or not, one-hot, then the trees ───────────────────────

/** Numeric columns of very different magnitudes, categorical ones with unknown values. */
const imputing: FeaturePipeline = {
  features: [
    { kind: 'numeric', column: 'age', fill: 29.75, mean: 42.25, scale: 12.5 },
    { kind: 'categorical', column: 'plan', fill: 'basic', categories: ['basic', 'pro', 'enterprise'] },
    { kind: 'numeric', column: 'signup_time', fill: 1_700_000_000, mean: 1_690_000_123.5, scale: 31_000_000 },
    { kind: 'numeric', column: 'balance', fill: 1_000_250, mean: 1_000_230.75, scale: 25.5 },
    { kind: 'categorical', column: 'region', fill: 'us', categories: ['us', 'eu'] },
    { kind: 'numeric', column: 'label', fill: 0, mean: 0.5, scale: 2 },
  ],
  width: 1 + 4 + 1 + 1 + 3 + 1,
};

/** The same columns, but `age` and `balance` are not imputed: their missing values reach the trees. */
const notImputing: FeaturePipeline = {
  ...imputing,
  features: imputing.features.map((feature) =>
    feature.kind === 'numeric' && (feature.column === 'age' || feature.column === 'balance')
      ? { ...feature, fill: Number.NaN }
      : feature,
  ),
};

function generateRows(count: number, seed: number): Row[] {
  const random = randomSource(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const numeric = (center: number, spread: number, step?: number): Cell => {
    const roll = random();
    if (roll < 0.15) return null;
    const v = center + (random() * 2 - 1) * spread;
    return step === undefined ? v : Math.round(v / step) * step;
  };
  const categorical = (values: readonly string[]): Cell => {
    const roll = random();
    if (roll < 0.08) return null;
    if (roll < 0.16) return `unseen-${Math.floor(random() * 5)}`;
    return pick(values);
  };
  return Array.from({ length: count }, () => ({
    age: numeric(42, 30, 0.25),
    plan: categorical(['basic', 'pro', 'enterprise']),
    signup_time: numeric(1_690_000_000, 60_000_000),
    balance: numeric(1_000_230, 80),
    region: categorical(['us', 'eu']),
    label: numeric(0, 5, 1),
  }));
}

/** What a caller sends the predict endpoint: null for a missing number, '' for a missing string. */
function toInstance(pipeline: FeaturePipeline, row: Row): Row {
  const instance: Row = {};
  for (const feature of pipeline.features) {
    const value = row[feature.column] ?? null;
    instance[feature.column] = feature.kind === 'numeric' ? value : (value ?? '');
  }
  return instance;
}

function toFeeds(pipeline: FeaturePipeline, rows: readonly Row[]): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const feature of pipeline.features) {
    const values = rows.map((row) => toInstance(pipeline, row)[feature.column] ?? null);
    feeds[feature.column] =
      feature.kind === 'numeric'
        ? new ort.Tensor(
            'float64',
            Float64Array.from(values, (v) => (v === null ? Number.NaN : Number(v))),
            [rows.length, 1],
          )
        : new ort.Tensor('string', values as string[], [rows.length, 1]);
  }
  return feeds;
}

describe('exportPipelineToOnnx with a tree ensemble on onnxruntime', () => {
  const rows = generateRows(ROWS, 77);

  for (const [pipelineName, pipeline] of [
    ['imputed numeric columns', imputing],
    ['numeric columns left missing', notImputing],
  ] as const) {
    const x = transformRows(pipeline, rows);

    for (const spec of specs) {
      it(`matches the reference within 1e-5 on ${ROWS} raw rows, ${pipelineName}: ${spec.name}`, async () => {
        // Prepare
        const model = treeModel(spec, x, ROWS, pipeline.width);
        const expected = reference(model, x, ROWS);

        // Act
        const outputs = await run(
          exportPipelineToOnnx(pipeline, model, { modelName: 'parity', targetName: 'y' }),
          toFeeds(pipeline, rows),
        );

        // Assess
        expectParity(outputs, expected, ROWS);
      });
    }
  }

  for (const spec of specs) {
    it(`predicts through the platform's OnnxModel like the linear exports: ${spec.name}`, async () => {
      // Prepare
      const x = transformRows(notImputing, rows);
      const model = treeModel(spec, x, ROWS, notImputing.width);
      const expected = reference(model, x, ROWS);
      const served = await OnnxModel.create(
        exportPipelineToOnnx(notImputing, model, { modelName: 'served' }),
        {
          id: 'trees@1',
        },
      );
      models.push(served);

      // Act
      const result = await served.predict(rows.map((row) => toInstance(notImputing, row)));

      // Assess
      expect(served.info.framework).toBe('ml-platform');
      expect(served.serving.inputs.map((input) => [input.name, input.type])).toEqual(
        notImputing.features.map((f) => [f.column, f.kind === 'numeric' ? 'float64' : 'string']),
      );
      if (expected.values !== undefined) {
        expect(served.serving).toMatchObject({ kind: 'regressor', valueOutput: 'variable' });
        const predictions = (result.predictions as (number | number[])[]).flat();
        expect(worstGap(predictions, expected.values)).toBeLessThanOrEqual(TOLERANCE);
        expect(result.probabilities).toBeUndefined();
      } else {
        // `label` is a feature column here: the label output is `output_label`.
        expect(served.serving).toMatchObject({
          kind: 'classifier',
          labelOutput: 'output_label',
          probabilityOutput: 'probabilities',
          classLabels: model.classes,
        });
        expect(result.predictions).toEqual(expected.labels);
        expect(result.classLabels).toEqual(model.classes);
        expect(
          worstGap((result.probabilities ?? []).flat(), expected.probabilities ?? []),
        ).toBeLessThanOrEqual(TOLERANCE);
      }
    });
  }
});
