/**
 * From XGBoost's file to a served model: the fixtures XGBoost 1.7 wrote (JSON, UBJSON, the deprecated
 * binary format, and SageMaker's model.tar.gz), converted by the TypeScript converter, exported with a
 * feature pipeline to ONNX as the select step does, and run by the platform's OnnxModel on raw rows.
 * The served probabilities and values must be XGBoost's own within 1e-5, missing values and rows on
 * split thresholds included (numeric columns left missing, so the trees' default directions decide).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxModel } from '../../../functions/adapters/onnxruntime/onnx-model.ts';
import type { FeaturePipeline } from '../../../functions/core/training/model-contracts.ts';
import { exportPipelineToOnnx } from '../../../functions/core/training/onnx-export/export-pipeline.ts';
import { convertXgboostModel } from '../../../functions/core/training/xgboost/convert.ts';
import { fileFromModelArchive } from '../../../functions/core/training/xgboost/model-archive.ts';

const directory = fileURLToPath(new URL('../../fixtures/xgboost/', import.meta.url));
const fixture = (file: string) => new Uint8Array(readFileSync(`${directory}${file}`));

interface Outputs {
  readonly probabilities?: number[] | number[][];
  readonly values?: number[];
  readonly labels?: number[];
}
interface Expected {
  readonly rows: (number | null)[][];
  readonly all: Outputs;
  readonly best?: Outputs;
}

/** Six numeric columns passed through as they are: no scaling, and missing values stay missing. */
const pipeline: FeaturePipeline = {
  features: Array.from({ length: 6 }, (_, c) => ({
    kind: 'numeric' as const,
    column: `x${c}`,
    fill: Number.NaN,
    mean: 0,
    scale: 1,
  })),
  width: 6,
};

const models: OnnxModel[] = [];
afterAll(async () => {
  await Promise.all(models.map((model) => model.dispose()));
});

const worstGap = (actual: readonly number[], expected: readonly number[]) => {
  expect(actual).toHaveLength(expected.length);
  return Math.max(0, ...actual.map((value, i) => Math.abs(value - (expected[i] as number))));
};

const worstRelativeGap = (actual: readonly number[], expected: readonly number[]) => {
  expect(actual).toHaveLength(expected.length);
  return Math.max(
    0,
    ...actual.map((value, i) => Math.abs(value - (expected[i] as number)) / Math.abs(expected[i] as number)),
  );
};

describe("an XGBoost regression model's float32 sums through onnxruntime", () => {
  // 400 rounds around 200: one float64 sum misses XGBoost's float32 one by up to 1.4e-6 relative.
  const expected = JSON.parse(readFileSync(`${directory}regression-200.expected.json`, 'utf8')) as Expected;
  const instances = expected.rows.map((row) => Object.fromEntries(row.map((value, c) => [`x${c}`, value])));

  it.each(['xgb-json', 'bin'])("serves XGBoost's values within relative 1e-6 (%s file)", async (suffix) => {
    // Prepare
    const model = convertXgboostModel(fixture(`regression-200.${suffix}`));
    const served = await OnnxModel.create(exportPipelineToOnnx(pipeline, model), {
      id: `regression-200-${suffix}@1`,
    });
    models.push(served);

    // Act
    const result = await served.predict(instances);

    // Assess
    const values = (result.predictions as (number | number[])[]).flat();
    expect(worstRelativeGap(values, expected.all.values ?? [])).toBeLessThanOrEqual(1e-6);
  });

  it('misses them by more than that when the same trees are summed in float64', async () => {
    // Prepare
    const model = {
      ...convertXgboostModel(fixture('regression-200.xgb-json')),
      sumPrecision: 'float64' as const,
    };
    const served = await OnnxModel.create(exportPipelineToOnnx(pipeline, model), {
      id: 'regression-200-f64@1',
    });
    models.push(served);

    // Act
    const result = await served.predict(instances);

    // Assess
    const values = (result.predictions as (number | number[])[]).flat();
    expect(worstRelativeGap(values, expected.all.values ?? [])).toBeGreaterThan(1e-6);
  });
});

describe('an XGBoost model converted and exported to ONNX', () => {
  const cases = [
    ['binary-logistic', 'xgb-json', 'all'],
    ['binary-logistic', 'sagemaker-model.tar.gz', 'best'],
    ['multiclass-softprob', 'ubj', 'all'],
    ['multiclass-softmax-forest', 'bin', 'all'],
    ['regression', 'ubj', 'all'],
  ] as const;

  it.each(cases)('serves %s (%s) as XGBoost predicted it, %s trees', async (name, file, iterations) => {
    // Prepare
    const expected = JSON.parse(readFileSync(`${directory}${name}.expected.json`, 'utf8')) as Expected;
    const bytes = file.endsWith('.tar.gz')
      ? fileFromModelArchive(fixture(file), 'xgboost-model')
      : fixture(`${name}.${file}`);
    const model = convertXgboostModel(bytes, { iterations });
    const served = await OnnxModel.create(exportPipelineToOnnx(pipeline, model, { modelName: name }), {
      id: `${name}@1`,
    });
    models.push(served);
    const instances = expected.rows.map((row) => Object.fromEntries(row.map((value, c) => [`x${c}`, value])));
    const want = expected[iterations] as Outputs;

    // Act
    const result = await served.predict(instances);

    // Assess
    if (want.values !== undefined) {
      expect(worstGap((result.predictions as (number | number[])[]).flat(), want.values)).toBeLessThanOrEqual(
        1e-5,
      );
      return;
    }
    const probabilities = (result.probabilities ?? []).map((row) => [...row]);
    const xgboostProbabilities =
      model.outputs === 1
        ? (want.probabilities as number[]).map((p) => [1 - p, p])
        : (want.probabilities as number[][]);
    expect(worstGap(probabilities.flat(), xgboostProbabilities.flat())).toBeLessThanOrEqual(1e-5);
    if (want.labels) expect(result.predictions).toEqual(want.labels);
  });
});
