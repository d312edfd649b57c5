import { describe, expect, it } from 'vitest';
import { onnxServingRuntime } from '../../../../../functions/adapters/onnxruntime/serving-runtime.ts';
import { prepareForServing } from '../../../../../functions/core/inference/onnx-graph.ts';
import type { CandidateResult } from '../../../../../functions/core/training/jobs.ts';
import { features } from '../../../../../functions/core/training/pipeline/features.ts';
import type { ServingRuntime } from '../../../../../functions/core/training/pipeline/ports.ts';
import { preprocess } from '../../../../../functions/core/training/pipeline/preprocess.ts';
import { bestCandidate, selectModel } from '../../../../../functions/core/training/pipeline/select.ts';
import { train } from '../../../../../functions/core/training/pipeline/train.ts';
import {
  createJob,
  separableDataset,
  stepDepsWith,
  trainingRequest,
} from '../../../../support/training-run.ts';

const request = trainingRequest({
  algorithms: ['logistic-regression'],
  hyperParameters: { 'logistic-regression': [{ C: 0.01 }, { C: 1 }] },
});

async function trainedJob() {
  const deps = stepDepsWith();
  const jobId = await createJob(deps, request);
  const state = await train(await features(await preprocess({ jobId }, deps), deps), deps);
  return { deps, jobId, state };
}

describe('select step', () => {
  it('exports the best candidate once the served graph answers as the trained model does', async () => {
    const { deps, jobId, state } = await trainedJob();

    const next = await selectModel(state, { ...deps, runtime: onnxServingRuntime });

    const job = deps.jobs.rows.get(jobId);
    expect(next).toEqual({ jobId, featureSetId: state.featureSetId, modelKey: `jobs/${jobId}/model.onnx` });
    expect(job?.chosen).toEqual(bestCandidate(job?.candidates ?? [], 'accuracy'));
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

  it('keeps the first of equally scored candidates and reads lower as better for error metrics', () => {
    const candidate = (score: number, algorithm: string): CandidateResult => ({
      algorithm,
      hyperParameters: {},
      metrics: {},
      score,
      trainingMs: 1,
      modelKey: algorithm,
    });
    const candidates = [candidate(0.5, 'a'), candidate(0.9, 'b'), candidate(0.9, 'c')];
    expect(bestCandidate(candidates, 'accuracy')?.algorithm).toBe('b');
    expect(bestCandidate(candidates, 'rmse')?.algorithm).toBe('a');
    expect(bestCandidate([], 'accuracy')).toBeUndefined();
  });
});
