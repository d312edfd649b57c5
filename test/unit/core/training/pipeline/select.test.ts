import { describe, expect, it } from 'vitest';
import { onnxServingRuntime } from '../../../../../functions/adapters/onnxruntime/serving-runtime.ts';
import { prepareForServing } from '../../../../../functions/core/inference/onnx-graph.ts';
import { imputeMissing } from '../../../../../functions/core/training/missing-values.ts';
import { decodeModel } from '../../../../../functions/core/training/model-codec.ts';
import { chooseCandidate } from '../../../../../functions/core/training/model-selection.ts';
import { features } from '../../../../../functions/core/training/pipeline/features.ts';
import { loadFeatureSet } from '../../../../../functions/core/training/pipeline/job-run.ts';
import type { ServingRuntime } from '../../../../../functions/core/training/pipeline/ports.ts';
import { preprocess } from '../../../../../functions/core/training/pipeline/preprocess.ts';
import { selectModel } from '../../../../../functions/core/training/pipeline/select.ts';
import { train } from '../../../../../functions/core/training/pipeline/train.ts';
import { logisticRegressionTrainer } from '../../../../../functions/core/training/trainers/logistic-regression.ts';
import {
  createJob,
  datasetOf,
  separableDataset,
  stepDepsWith,
  trainingRequest,
} from '../../../../support/training-run.ts';

const request = trainingRequest({
  algorithms: ['logistic-regression'],
  hyperParameters: { 'logistic-regression': [{ C: 0.01 }, { C: 1 }] },
});

/** Every row of the feature set as a linear model learns from it (missing values imputed). */
async function allRowsOf(deps: ReturnType<typeof stepDepsWith>, featureSetId: string) {
  const { pipeline, train } = await loadFeatureSet(featureSetId, deps);
  return imputeMissing(train, pipeline);
}

async function trainedJob() {
  const deps = stepDepsWith();
  const jobId = await createJob(deps, request);
  const state = await train(await features(await preprocess({ jobId }, deps), deps), deps);
  return { deps, jobId, state };
}

describe('select step', () => {
  it('refits the chosen candidate on every row and exports it once the served graph answers as it does', async () => {
    const { deps, jobId, state } = await trainedJob();

    const next = await selectModel(state, { ...deps, runtime: onnxServingRuntime });

    const job = deps.jobs.rows.get(jobId);
    expect(next).toEqual({ jobId, featureSetId: state.featureSetId, modelKey: `jobs/${jobId}/model.onnx` });
    const best = chooseCandidate('accuracy', job?.candidates ?? []);
    expect(job?.chosen).toMatchObject({
      algorithm: best?.algorithm,
      score: best?.score,
      crossValidation: best?.crossValidation,
      trainingRows: 40,
      modelKey: `jobs/${jobId}/refit-model.json`,
    });
    const refit = decodeModel(
      new TextDecoder().decode(deps.store.objects.get(`jobs/${jobId}/refit-model.json`)),
    );
    const direct = await logisticRegressionTrainer.train(
      await allRowsOf(deps, state.featureSetId ?? ''),
      { C: best?.hyperParameters.C ?? 0 },
      { seed: 7 },
    );
    expect(refit).toEqual(direct);
    expect(deps.store.objects.get(`jobs/${jobId}/model.onnx`)?.byteLength).toBeGreaterThan(0);
    expect(job).toMatchObject({ step: 'select', progress: 92 });
  });

  it('exports the dropped columns as ignored inputs and checks parity on full rows', async () => {
    const base = separableDataset(40);
    const values = new Map(base.table.values);
    values.set(
      'site',
      Array.from({ length: 40 }, () => 'north'),
    );
    const types = new Map(base.types);
    types.set('site', { type: 'categorical', distinct: 1 });
    const deps = stepDepsWith({
      table: { ...base.table, columns: [...base.table.columns, 'site'], values },
      types,
    });
    const jobId = await createJob(deps, request);
    const state = await train(await features(await preprocess({ jobId }, deps), deps), deps);
    const sent: Record<string, unknown>[] = [];
    const recording: ServingRuntime = {
      predict(onnx, rows) {
        sent.push(...rows);
        return onnxServingRuntime.predict(onnx, rows);
      },
    };

    await selectModel(state, { ...deps, runtime: recording });

    expect(sent[0]).toEqual({ x: expect.any(Number), colour: expect.any(String), site: null });
    const onnx = deps.store.objects.get(`jobs/${jobId}/model.onnx`) ?? new Uint8Array();
    expect(prepareForServing(onnx).serving.ignoredInputs).toEqual(['site']);
  });

  it('refuses a graph whose answers differ from the trained model, and stores no model', async () => {
    const { deps, jobId, state } = await trainedJob();
    const wrong: ServingRuntime = {
      async predict(_onnx, rows) {
        return { predictions: rows.map(() => 'no'), probabilities: rows.map(() => [0.5, 0.5]) };
      },
    };

    await expect(selectModel(state, { ...deps, runtime: wrong })).rejects.toThrow(
      /The exported model differs from the trained one/,
    );
    expect(deps.store.objects.has(`jobs/${jobId}/model.onnx`)).toBe(false);
  });

  it("attaches the chosen regression candidate's out-of-fold predictions (every row once), and none to a classifier", async () => {
    // Prepare: y = 3x + 1 with a wobble, 40 rows, two ridge strengths.
    const x = Array.from({ length: 40 }, (_, i) => i);
    const deps = stepDepsWith(
      datasetOf(
        { x: x.map(String), y: x.map((v) => String(3 * v + 1 + (v % 3) - 1)) },
        { x: 'integer', y: 'numeric' },
      ),
    );
    const jobId = await createJob(
      deps,
      trainingRequest({
        task: 'regression',
        algorithms: ['linear-regression'],
        hyperParameters: { 'linear-regression': [{ alpha: 0 }, { alpha: 10 }] },
      }),
    );
    const state = await train(await features(await preprocess({ jobId }, deps), deps), deps);
    const classifier = await trainedJob();

    // Act
    await selectModel(state, { ...deps, runtime: onnxServingRuntime });
    await selectModel(classifier.state, { ...classifier.deps, runtime: onnxServingRuntime });

    // Assess
    const residuals = deps.jobs.rows.get(jobId)?.chosen?.residuals;
    expect(residuals?.actual).toHaveLength(40);
    expect([...(residuals?.actual ?? [])].sort((a, b) => a - b)).toEqual(
      x.map((v) => 3 * v + 1 + (v % 3) - 1).sort((a, b) => a - b),
    );
    // Out-of-fold predictions of a near-linear target: close, never exact copies of the truth.
    residuals?.predicted.forEach((value, i) => {
      expect(Math.abs(value - (residuals.actual[i] ?? 0))).toBeLessThan(5);
    });
    expect(residuals?.predicted).not.toEqual(residuals?.actual);
    expect(classifier.deps.jobs.rows.get(classifier.jobId)?.chosen?.residuals).toBeUndefined();
  });
});
