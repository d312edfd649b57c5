/**
 * ONNX features a valid model can use that this platform cannot serve, found before onnxruntime
 * reads the file: its own messages for them name server paths and C++ internals, and say nothing
 * about how to fix the model.
 */
import type { ErrorDetails } from '../errors.ts';
import type { OnnxModelInfo } from './onnx-graph.ts';

/**
 * Operator domains onnxruntime-node registers kernels for; any other domain is a custom operator
 * library, which the platform does not load (it would run native code from an upload).
 */
const RUNTIME_DOMAINS: ReadonlySet<string> = new Set([
  '',
  'ai.onnx',
  'ai.onnx.ml',
  'ai.onnx.preview.training',
  'ai.onnx.training',
  'com.microsoft',
  'com.microsoft.nchwc',
  'com.microsoft.mlfeaturizers',
  'com.ms.internal.nhwc',
]);

export interface UnsupportedFeature {
  readonly message: string;
  readonly details: ErrorDetails;
}

/**
 * The first feature of the model the platform cannot serve, as a message that says what to do, or
 * undefined.
 *
 * @example
 * unsupportedFeature(inspectOnnxModel(bytes))?.message;
 * // 'This model keeps its weights in external files (initializer "W"); re-export it …'
 */
export function unsupportedFeature(info: OnnxModelInfo): UnsupportedFeature | undefined {
  const external = info.externalDataTensors;
  if (external.length > 0) {
    const named = external
      .slice(0, 3)
      .map((name) => `"${name}"`)
      .join(', ');
    return {
      message:
        `This model keeps its weights in external files (initializer${external.length > 1 ? 's' : ''} ${named}${external.length > 3 ? ', …' : ''}), ` +
        'and only the .onnx file is uploaded; re-export it with the weights inside the .onnx file: ' +
        'onnx.save_model(model, path, save_as_external_data=False) (models over 2 GB cannot be stored that way).',
      details: { feature: 'external-data', tensors: external.slice(0, 10) },
    };
  }
  const local = new Set(info.localFunctions);
  const custom = info.operators.filter((operator) => {
    const domain = operator.slice(0, operator.lastIndexOf(':'));
    return !RUNTIME_DOMAINS.has(domain) && !local.has(operator);
  });
  if (custom.length > 0) {
    const domains = [...new Set(custom.map((operator) => operator.slice(0, operator.lastIndexOf(':'))))];
    return {
      message:
        `This model uses custom operators (${custom.slice(0, 5).join(', ')}) from the domain${domains.length > 1 ? 's' : ''} ` +
        `${domains.map((d) => `"${d}"`).join(', ')}, which onnxruntime cannot run without their native library, and the platform loads none; ` +
        're-export the model with standard ONNX operators (ai.onnx, ai.onnx.ml) only.',
      details: { feature: 'custom-operators', operators: custom.slice(0, 10) },
    };
  }
  return undefined;
}
