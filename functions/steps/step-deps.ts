/**
 * The wiring of the training workflow's steps: every step handler takes its dependencies from
 * here, except the onnxruntime adapters, which `onnx-step-deps.ts` adds for the two steps whose
 * functions ship with the onnxruntime layer (select, register). onnxruntime-node is a native module:
 * a function without the layer cannot bundle it, so it must not be reachable from this file.
 */
import { config } from '#config';
import type { RegisterDeps } from '#core/training/pipeline/register.ts';
import type { SageMakerDeps } from '#core/training/pipeline/sagemaker.ts';
import packageJson from '../../package.json' with { type: 'json' };
import { datasetsStore, modelRepository, modelsStore, versionRepository } from '../adapters/dependencies.ts';
import {
  featureSetRepository,
  jobRepository,
  trainingDatasetSource,
} from '../adapters/training-dependencies.ts';

const { buckets, limits } = config();

export const stepDeps = {
  jobs: jobRepository,
  datasets: trainingDatasetSource,
  store: datasetsStore,
  featureSets: featureSetRepository,
  now: () => new Date(),
};

export const sageMakerDeps: SageMakerDeps = { ...stepDeps, bucket: buckets.datasets };

/** The register step's dependencies but the model validator (see `onnx-step-deps.ts`). */
export const registryDeps: Omit<RegisterDeps, 'validator'> = {
  ...stepDeps,
  models: modelRepository,
  versions: versionRepository,
  artifacts: modelsStore,
  maxModelBytes: limits.maxModelBytes,
  codeVersion: packageJson.version,
};
