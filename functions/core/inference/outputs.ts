/**
 * Output tensors → predictions. A classifier gives its labels (int64 as numbers while exactly
 * representable, else decimal strings; or strings), its probabilities as one row per instance and
 * the class of each column; a regressor (or any other model) gives its value output per row:
 * a number for [N] and [N, 1], an array for [N, K], nested arrays beyond. Also the v2 encoding.
 * Neither ever returns NaN or ±Infinity (JSON would show them as null, a silent non-answer): see
 * {@link assertFiniteOutputs}.
 */
import { ModelOutputError, UnprocessableError } from '../errors.ts';
import type { ClassLabel, ServingPlan } from './onnx-graph.ts';
import {
  elementCount,
  FLOAT_TYPES,
  type TensorData,
  type TensorMap,
  type V2Datatype,
  v2Datatype,
} from './tensors.ts';

export type OutputScalar = number | string | boolean;
export type OutputValue = OutputScalar | OutputValue[];

export interface PredictionResult {
  /** One per row: a label, a number, or an array for multi-output models. */
  readonly predictions: OutputValue[];
  /** Classifiers: one row of class probabilities per instance, columns in `classLabels` order. */
  readonly probabilities?: number[][];
  readonly classLabels?: ClassLabel[];
}

/** One entry of a v2 response's `outputs`. */
export interface V2OutputTensor {
  readonly name: string;
  readonly shape: number[];
  readonly datatype: V2Datatype;
  readonly data: OutputScalar[];
}

/** One element as JSON-friendly data: int64 beyond 2^53 as its decimal string, bool as boolean. */
function scalarAt(tensor: TensorData, index: number): OutputScalar {
  const value = tensor.data[index];
  if (typeof value === 'bigint') {
    const number = Number(value);
    return Number.isSafeInteger(number) ? number : value.toString();
  }
  if (tensor.type === 'bool') return value === 1;
  return value as number | string;
}

function outputOf(outputs: TensorMap, name: string): TensorData {
  const tensor = outputs[name];
  if (tensor === undefined) throw new Error(`The model returned no output named "${name}".`);
  return tensor;
}

/** Values row by row: a scalar per row when a row holds one value, else nested arrays. */
export function rowsOf(tensor: TensorData): OutputValue[] {
  const dims = tensor.dims;
  if (dims.length === 0) return [scalarAt(tensor, 0)];
  const rows = dims[0] as number;
  const rowDims = dims.slice(1);
  const rowSize = elementCount(rowDims);
  const result: OutputValue[] = new Array(rows);
  const scalarRows = rowDims.every((dim) => dim === 1);
  for (let r = 0; r < rows; r += 1) {
    result[r] = scalarRows ? scalarAt(tensor, r * rowSize) : nested(tensor, r * rowSize, rowDims, 0);
  }
  return result;
}

function nested(tensor: TensorData, offset: number, dims: readonly number[], depth: number): OutputValue[] {
  const size = dims[depth] as number;
  const out: OutputValue[] = new Array(size);
  if (depth === dims.length - 1) {
    for (let i = 0; i < size; i += 1) out[i] = scalarAt(tensor, offset + i);
    return out;
  }
  const stride = elementCount(dims.slice(depth + 1));
  for (let i = 0; i < size; i += 1) out[i] = nested(tensor, offset + i * stride, dims, depth + 1);
  return out;
}

/** How the rows of a request map onto the outputs, to blame a non-finite output on its row. */
export interface RequestRows {
  /** Rows in the request (instances, or the size of v2 inputs' batch dimension). */
  readonly rows: number;
  /** The request field the row belongs to: `instances` (v1) or `inputs` (v2). */
  readonly field: string;
}

/**
 * Refuses outputs holding NaN or ±Infinity. Where the value lies in the part of an output that
 * belongs to one request row (the request has one row, or the output's first dimension is the
 * request's rows) the row made the model produce it: 422 naming that row. Otherwise no row can be
 * blamed: ModelOutputError (502), whose message says nothing about the model's internals.
 *
 * @throws UnprocessableError `{ row, field, output }`; ModelOutputError.
 * @example
 * assertFiniteOutputs(outputs, ['probabilities'], { rows: 3, field: 'instances' });
 */
export function assertFiniteOutputs(
  outputs: TensorMap,
  names: readonly string[],
  request: RequestRows | undefined,
): void {
  for (const name of names) {
    const tensor = outputs[name];
    if (tensor === undefined || !FLOAT_TYPES.has(tensor.type)) continue;
    const data = tensor.data as Float32Array | Float64Array;
    let index = -1;
    for (let i = 0; i < data.length; i += 1) {
      if (!Number.isFinite(data[i] as number)) {
        index = i;
        break;
      }
    }
    if (index < 0) continue;
    const row = rowOfElement(tensor.dims, index, request);
    if (row === undefined || request === undefined) {
      throw new ModelOutputError(
        'The model returned a value that is not a finite number, and no single request row caused it; no prediction is returned. Quote the request id when reporting this.',
        // For the log only: which output and where.
        { cause: new Error(`Output "${name}" ${formatDims(tensor.dims)}, element ${index}: ${data[index]}`) },
      );
    }
    throw new UnprocessableError(
      `Row ${row}: the model's output "${name}" is ${describeNonFinite(data[index] as number)} for this row, so there is no prediction to return. Check the row's values (e.g. one far outside what the model was trained on).`,
      { row, field: request.field, output: name },
    );
  }
}

function rowOfElement(
  dims: readonly number[],
  index: number,
  request: RequestRows | undefined,
): number | undefined {
  if (request === undefined) return undefined;
  if (request.rows === 1) return 1;
  if (dims.length === 0 || dims[0] !== request.rows) return undefined;
  return Math.floor(index / elementCount(dims.slice(1))) + 1;
}

function formatDims(dims: readonly number[]): string {
  return `[${dims.join(', ')}]`;
}

function describeNonFinite(value: number): string {
  return Number.isNaN(value) ? 'not a number (NaN)' : `${value > 0 ? '+' : '-'}Infinity`;
}

/** [N, C] (or a single [C] row) as number rows. */
function probabilityRows(tensor: TensorData): number[][] {
  const dims = tensor.dims;
  const columns = dims.length === 0 ? 1 : (dims[dims.length - 1] as number);
  const rows = columns === 0 ? 0 : elementCount(dims) / columns;
  const data = tensor.data;
  const result: number[][] = new Array(rows);
  for (let r = 0; r < rows; r += 1) {
    const row: number[] = new Array(columns);
    for (let c = 0; c < columns; c += 1) row[c] = Number(data[r * columns + c]);
    result[r] = row;
  }
  return result;
}

/**
 * Decodes the served model's outputs into predictions, following the serving plan. Every output
 * it reads must be finite (see {@link assertFiniteOutputs}; `request` blames a row).
 *
 * @example
 * decodePredictions(outputs, serving);
 * // { predictions: [2], probabilities: [[0.0000063, 0.0203, 0.9797]], classLabels: [0, 1, 2] }
 */
export function decodePredictions(
  outputs: TensorMap,
  plan: ServingPlan,
  request?: RequestRows,
): PredictionResult {
  if (plan.kind !== 'classifier') {
    const name = plan.valueOutput ?? plan.outputs[0]?.name;
    if (name === undefined) return { predictions: [] };
    assertFiniteOutputs(outputs, [name], request);
    return { predictions: rowsOf(outputOf(outputs, name)) };
  }
  const read = [plan.labelOutput, plan.probabilityOutput].filter((name) => name !== null);
  assertFiniteOutputs(outputs, read, request);

  const probabilities =
    plan.probabilityOutput === null ? undefined : probabilityRows(outputOf(outputs, plan.probabilityOutput));
  const classLabels = plan.classLabels === null ? undefined : [...plan.classLabels];
  let predictions: OutputValue[];
  if (plan.labelOutput !== null) {
    predictions = rowsOf(outputOf(outputs, plan.labelOutput));
  } else {
    // No label output: the most probable class.
    predictions = (probabilities ?? []).map((row) => {
      let best = 0;
      for (let c = 1; c < row.length; c += 1) if ((row[c] as number) > (row[best] as number)) best = c;
      return classLabels?.[best] ?? best;
    });
  }
  return {
    predictions,
    ...(probabilities === undefined ? {} : { probabilities }),
    ...(classLabels === undefined ? {} : { classLabels }),
  };
}

/**
 * Encodes output tensors for a v2 response (flat row-major data), in the order of `names`
 * (default: every output given). Every one must be finite (see {@link assertFiniteOutputs}).
 *
 * @example
 * encodeV2Outputs(outputs, ['output_probability']);
 * // [{ name: 'output_probability', shape: [1, 3], datatype: 'FP32', data: [0.0000063, 0.0203, 0.9797] }]
 */
export function encodeV2Outputs(
  outputs: TensorMap,
  names: readonly string[] = Object.keys(outputs),
  request?: RequestRows,
): V2OutputTensor[] {
  assertFiniteOutputs(outputs, names, request);
  return names.map((name) => {
    const tensor = outputOf(outputs, name);
    const datatype = v2Datatype(tensor.type);
    if (datatype === undefined)
      throw new Error(`Output "${name}" has element type ${tensor.type}, which v2 cannot carry.`);
    const count = elementCount(tensor.dims);
    const data: OutputScalar[] = new Array(count);
    for (let i = 0; i < count; i += 1) data[i] = scalarAt(tensor, i);
    return { name, shape: [...tensor.dims], datatype, data };
  });
}
