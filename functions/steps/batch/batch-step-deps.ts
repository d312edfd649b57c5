/**
 * The wiring of the batch workflow's steps. The plan and chunk steps run models (their functions
 * carry the onnxruntime layer) and add the model loader from `batch-model-steps.ts`; finalize and
 * mark-failed import only this file, so they never load onnxruntime-node.
 */
import { batchFiles, batchJobRepository, batchUsage } from '../../adapters/batch-dependencies.ts';

export const batchStepDeps = {
  jobs: batchJobRepository,
  files: batchFiles,
  usage: batchUsage,
  now: () => new Date(),
};
