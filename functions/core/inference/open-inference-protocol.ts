/**
 * Open Inference Protocol (KServe v2 REST) documents: server and model metadata from a version's
 * served signature. Symbolic dimensions are -1, as the protocol writes variable sizes.
 */
import type { ValueInfo } from './onnx-graph.ts';
import { type TensorElementType, v2Datatype } from './tensors.ts';

export const OIP_PLATFORM = 'onnx_onnxv1';

export interface V2TensorMetadata {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
}

export function tensorMetadata(info: ValueInfo): V2TensorMetadata {
  const datatype = info.isTensor ? (v2Datatype(info.type as TensorElementType) ?? info.type) : info.type;
  return {
    name: info.name,
    datatype,
    shape: (info.shape ?? []).map((dim) => (typeof dim === 'number' ? dim : -1)),
  };
}

export function modelMetadata(
  name: string,
  versions: readonly number[],
  signature: { readonly inputs: readonly ValueInfo[]; readonly outputs: readonly ValueInfo[] },
) {
  return {
    name,
    versions: versions.map(String),
    platform: OIP_PLATFORM,
    inputs: signature.inputs.map(tensorMetadata),
    outputs: signature.outputs.map(tensorMetadata),
  };
}

export function serverMetadata(version: string) {
  return { name: 'ml-platform', version, extensions: [] as string[] };
}
