/**
 * The one wiring module of the training workflow's steps: every step handler takes its
 * dependencies from here. The onnxruntime adapters load on first use only, so the steps whose
 * functions ship without the onnxruntime layer (all but select and register) never load them.
 */
import { config } from '#config';
import type { RegisterDeps } from '#core/training/pipeline/register.ts';
import type { SageMakerDeps } from '#core/training/pipeline/sagemaker.ts';
import type { SelectDeps } from '#core/training/pipeline/select.ts';
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

export async function selectDeps(): Promise<SelectDeps> {
  const { onnxServingRuntime } = await import('../adapters/onnxruntime/serving-runtime.ts');
  return { ...stepDeps, runtime: onnxServingRuntime };
}

export async function registerDeps(): Promise<RegisterDeps> {
  const { onnxModelValidator } = await import('../adapters/onnxruntime/model-validator.ts');
  return {
    ...stepDeps,
    models: modelRepository,
    versions: versionRepository,
    artifacts: modelsStore,
    validator: onnxModelValidator,
    maxModelBytes: limits.maxModelBytes,
    codeVersion: packageJson.version,
  };
}
