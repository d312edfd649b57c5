/**
 * Tensor vocabulary shared by the signature reader, the request validators and the output
 * decoders: element type names (onnxruntime's), dimensions, and plain tensors as data + dims.
 */

/** onnxruntime's element type names, plus the ONNX types onnxruntime-node cannot exchange. */
export type TensorElementType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'bfloat16'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool'
  | 'string'
  | 'complex64'
  | 'complex128'
  | 'float8e4m3fn'
  | 'float8e4m3fnuz'
  | 'float8e5m2'
  | 'float8e5m2fnuz'
  | 'uint4'
  | 'int4'
  | 'float4e2m1'
  | 'undefined';

/** ONNX `TensorProto.DataType` numbers → element type names. */
export const ONNX_ELEMENT_TYPES: Readonly<Record<number, TensorElementType>> = {
  0: 'undefined',
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
};

export const ONNX_FLOAT = 1;

/** A fixed size, a symbolic dimension by its `dim_param` name, or null for an unnamed one. */
export type Dim = number | string | null;

/**
 * The data of a tensor, row-major. `bool` tensors hold 0/1 in a Uint8Array (as onnxruntime does);
 * `float16` tensors hold their values, each exactly representable in FP16, in a Float32Array
 * (Node 22 has no Float16Array; the onnxruntime adapter converts to and from FP16 bits).
 */
export type TensorBuffer =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | string[];

/** A tensor as plain data: what the core builds for feeds and reads back from outputs. */
export interface TensorData {
  readonly type: TensorElementType;
  readonly data: TensorBuffer;
  readonly dims: readonly number[];
}

export type TensorMap = Record<string, TensorData>;

/** The element types a request can carry (onnxruntime-node takes these from JS). */
export type FeedableElementType =
  | 'float32'
  | 'float16'
  | 'float64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool'
  | 'string';

export const FLOAT_TYPES: ReadonlySet<TensorElementType> = new Set(['float32', 'float64', 'float16']);

export function isFeedable(type: TensorElementType): type is FeedableElementType {
  return (
    type === 'float32' ||
    type === 'float64' ||
    type === 'float16' ||
    type === 'int8' ||
    type === 'int16' ||
    type === 'int32' ||
    type === 'int64' ||
    type === 'uint8' ||
    type === 'uint16' ||
    type === 'uint32' ||
    type === 'uint64' ||
    type === 'bool' ||
    type === 'string'
  );
}

/** Open Inference Protocol v2 datatypes ↔ element types. */
export const V2_DATATYPES = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  BF16: 'bfloat16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
} as const satisfies Record<string, TensorElementType>;

export type V2Datatype = keyof typeof V2_DATATYPES;

export function v2Datatype(type: TensorElementType): V2Datatype | undefined {
  for (const [datatype, elementType] of Object.entries(V2_DATATYPES)) {
    if (elementType === type) return datatype as V2Datatype;
  }
  return undefined;
}

/** Integer ranges of the integer element types narrower than 64 bits. */
export const INTEGER_RANGES: Readonly<Partial<Record<TensorElementType, readonly [number, number]>>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
};

/** An empty buffer of `length` elements for a feedable type. */
export function allocate(type: FeedableElementType, length: number): TensorBuffer {
  switch (type) {
    case 'float32':
    case 'float16':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
    case 'int8':
      return new Int8Array(length);
    case 'int16':
      return new Int16Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'int64':
      return new BigInt64Array(length);
    case 'uint8':
    case 'bool':
      return new Uint8Array(length);
    case 'uint16':
      return new Uint16Array(length);
    case 'uint32':
      return new Uint32Array(length);
    case 'uint64':
      return new BigUint64Array(length);
    case 'string':
      return new Array<string>(length).fill('');
  }
}

export function elementCount(dims: readonly number[]): number {
  let count = 1;
  for (const dim of dims) count *= dim;
  return count;
}

/** `[N, 3]`, `[batch, 3]`, `[?, 3]`: a shape as people write it. */
export function formatShape(shape: readonly Dim[] | null): string {
  if (shape === null) return '[unknown rank]';
  return `[${shape.map((dim) => (dim === null ? '?' : String(dim))).join(', ')}]`;
}
