/**
 * The onnxruntime-backed adapters, kept apart from dependencies.ts so that only the functions that
 * run models load the native runtime. Sessions are cached per container by artifact key (a version's
 * file is immutable), bounded by MODEL_CACHE_BYTES; each file is fetched from S3 once per container,
 * at the object version the record pins, and checked against the record's SHA-256 before it loads.
 */
import { availableParallelism } from 'node:os';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { config } from '#config';
import { NotFoundError } from '#core/errors.ts';
import { inferenceThreads } from '#core/inference/inference-threads.ts';
import { tensorsFromV2Inputs, v2RequestRows } from '#core/inference/instances.ts';
import { encodeV2Outputs } from '#core/inference/outputs.ts';
import type { ModelRunner } from '#core/inference/predict.ts';
import {
  type IntegrityFailureReporter,
  MODEL_INTEGRITY_METRIC,
  type ServedArtifact,
  verifiedArtifact,
} from '#core/registry/artifact-integrity.ts';
import type { ModelValidator } from '#core/registry/ports.ts';
import { logger, metrics } from '#observability';
import { modelsStore } from './dependencies.ts';
import { onnxModelValidator } from './onnxruntime/model-validator.ts';
import type { OnnxModel } from './onnxruntime/onnx-model.ts';
import { ModelCache } from './onnxruntime/session-cache.ts';

const reportIntegrityFailure: IntegrityFailureReporter = (artifact, actualSha256) => {
  logger.error('Model file does not match its registered SHA-256; refusing to serve it', {
    model: artifact.modelName,
    version: artifact.version,
    artifactKey: artifact.artifactKey,
    artifactVersionId: artifact.artifactVersionId,
    expectedSha256: artifact.sha256,
    actualSha256,
  });
  // Published at once with the service dimension only, so one alarm covers every function.
  metrics.singleMetric().addMetric(MODEL_INTEGRITY_METRIC, MetricUnit.Count, 1);
};

/** Threads for large batches: the function's vCPUs (its memory on Lambda), or INFERENCE_THREADS. */
export const batchThreads = inferenceThreads({
  cores: availableParallelism(),
  ...(config().functionMemoryMb === undefined ? {} : { memoryMb: config().functionMemoryMb }),
  ...(config().limits.inferenceThreads === undefined ? {} : { override: config().limits.inferenceThreads }),
});

export const modelCache = new ModelCache<OnnxModel, ServedArtifact>({
  maxBytes: config().limits.modelCacheBytes,
  modelOptions: { batchThreads },
  keyOf: (artifact) => artifact.artifactKey,
  loader: async (artifact) => {
    const bytes = await modelsStore.get(artifact.artifactKey, artifact.artifactVersionId);
    if (bytes === undefined)
      throw new NotFoundError('The model file of this version is missing from storage.');
    return verifiedArtifact(artifact, bytes, reportIntegrityFailure);
  },
});

export const modelRunner: ModelRunner = {
  predict: (artifact, instances) => modelCache.use(artifact, (model) => model.predict(instances)),
  infer: (artifact, inputs, outputNames) =>
    modelCache.use(artifact, async (model) => {
      const feeds = tensorsFromV2Inputs(inputs, model.serving.inputs, model.serving.inputsAcceptingMissing);
      const names = outputNames ?? model.serving.outputs.map((o) => o.name);
      return encodeV2Outputs(await model.runTensors(feeds, names), names, v2RequestRows(feeds));
    }),
  servedSignature: (artifact) => modelCache.use(artifact, (model) => model.serving),
};

/** Validation on registration: the file must load in onnxruntime. */
export const modelValidator: ModelValidator = onnxModelValidator;
