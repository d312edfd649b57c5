/**
 * The onnxruntime-backed adapters, kept apart from dependencies.ts so that only the functions that
 * run models load the native runtime. Sessions are cached per container by artifact key (a version's
 * file is immutable), bounded by MODEL_CACHE_BYTES; each file is fetched from S3 once per container.
 */
import { config } from '#config';
import { NotFoundError } from '#core/errors.ts';
import { tensorsFromV2Inputs } from '#core/inference/instances.ts';
import { encodeV2Outputs } from '#core/inference/outputs.ts';
import type { ModelRunner } from '#core/inference/predict.ts';
import type { ModelValidator } from '#core/registry/ports.ts';
import { modelsStore } from './dependencies.ts';
import { onnxModelValidator } from './onnxruntime/model-validator.ts';
import { ModelCache } from './onnxruntime/session-cache.ts';

export const modelCache = new ModelCache({
  maxBytes: config().limits.modelCacheBytes,
  loader: async (artifactKey) => {
    const bytes = await modelsStore.get(artifactKey);
    if (bytes === undefined)
      throw new NotFoundError('The model file of this version is missing from storage.');
    return bytes;
  },
});

export const modelRunner: ModelRunner = {
  predict: (artifactKey, instances) => modelCache.use(artifactKey, (model) => model.predict(instances)),
  infer: (artifactKey, inputs, outputNames) =>
    modelCache.use(artifactKey, async (model) => {
      const feeds = tensorsFromV2Inputs(inputs, model.serving.inputs);
      const names = outputNames ?? model.serving.outputs.map((o) => o.name);
      return encodeV2Outputs(await model.runTensors(feeds, names), names);
    }),
  servedSignature: (artifactKey) => modelCache.use(artifactKey, (model) => model.serving),
};

/** Validation on registration: the file must load in onnxruntime. */
export const modelValidator: ModelValidator = onnxModelValidator;
