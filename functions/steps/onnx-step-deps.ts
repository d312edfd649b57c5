/**
 * The wiring of the two steps that run models in onnxruntime (select: the parity check; register:
 * validation of the file). Only their functions carry the onnxruntime layer, so only their handlers
 * import this module.
 */
import type { RegisterDeps } from '#core/training/pipeline/register.ts';
import type { SelectDeps } from '#core/training/pipeline/select.ts';
import { onnxModelValidator } from '../adapters/onnxruntime/model-validator.ts';
import { onnxServingRuntime } from '../adapters/onnxruntime/serving-runtime.ts';
import { registryDeps, stepDeps } from './step-deps.ts';

export const selectDeps: SelectDeps = { ...stepDeps, runtime: onnxServingRuntime };

export const registerDeps: RegisterDeps = { ...registryDeps, validator: onnxModelValidator };
