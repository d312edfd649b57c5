/** The batch steps that run models: the step wiring plus the onnxruntime-backed model loader. */
import type { BatchStepDeps } from '#core/batch/pipeline.ts';
import { batchModelLoader } from '../../adapters/onnxruntime/batch-model-loader.ts';
import { batchStepDeps } from './batch-step-deps.ts';

export const batchModelStepDeps: BatchStepDeps = { ...batchStepDeps, models: batchModelLoader };
