/**
 * Request rows → input tensors, checked against the model's signature before anything runs.
 * Two request shapes: `instances` (one row per instance: named features or an array) and the Open
 * Inference Protocol v2 `inputs` (named raw tensors). Every refusal is an UnprocessableError whose
 * details name the row (1-based) and the field (an input name, or `X[2]` for a position inside an
 * input), except too many rows (PayloadTooLargeError).
 *
 * Values the model would silently get wrong are refused too: a number beyond float32's range for a
 * float32 input (it would become Infinity), and null for an input whose graph does not handle
 * missing values (see `ServingPlan.inputsAcceptingMissing`).
 */
import { PayloadTooLargeError, UnprocessableError, ValidationError } from '../errors.ts';
import { FLOAT16_MAX, roundBufferToFloat16 } from './float16.ts';
import type { TensorInfo, ValueInfo } from './onnx-graph.ts';
import {
  allocate,
  type Dim,
  elementCount,
  type FeedableElementType,
  FLOAT_TYPES,
  formatShape,
  INTEGER_RANGES,
  isFeedable,
  type TensorBuffer,
  type TensorMap,
  V2_DATATYPES,
  type V2Datatype,
  v2Datatype,
} from './tensors.ts';

/** The most rows one request may carry (for v2 tensors: the size of a batch dimension). */
export const MAX_INSTANCES = 10_000;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const NON_FINITE_TEXT = /^\s*[-+]?(nan|inf|infinity)\s*$/i;
const INTEGER_TEXT = /^\s*[-+]?\d+\s*$/;
/** The largest finite float32, for messages; what overflows is what rounds to Infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;

type Location = {
  /** 1-based row, when the value belongs to a row. */
  readonly row?: number;
  readonly field: string;
};

function refuse(message: string, location: Location): UnprocessableError {
  const where = location.row === undefined ? location.field : `row ${location.row}, ${location.field}`;
  return new UnprocessableError(`${capitalize(where)}: ${message}`, location);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string')
    return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  if (typeof value === 'number') return Number.isFinite(value) ? `a number (${value})` : String(value);
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function expectedKind(type: FeedableElementType, acceptsMissing = false): string {
  if (FLOAT_TYPES.has(type))
    return acceptsMissing ? 'a finite number (or null for a missing value)' : 'a finite number';
  if (type === 'bool') return 'a boolean';
  if (type === 'string') return 'a string';
  return `an integer (${type})`;
}

/**
 * The common case without building an error location: a finite number for a float input, an
 * in-range integer for an integer input, a string for a string input, a boolean for a bool input.
 * Returns false when the value needs the full check (null, a wrong type, a refusal).
 */
function writeValid(
  buffer: TensorBuffer,
  offset: number,
  value: unknown,
  type: FeedableElementType,
): boolean {
  switch (typeof value) {
    case 'number': {
      if (type === 'float32' || type === 'float64' || type === 'float16') {
        if (!Number.isFinite(value)) return false;
        (buffer as Float32Array)[offset] = value;
        // Beyond float32's range the stored value is ±Infinity: the full check refuses it.
        return Number.isFinite((buffer as Float32Array)[offset]);
      }
      if (type === 'int64' || type === 'uint64') {
        if (!Number.isSafeInteger(value) || (type === 'uint64' && value < 0)) return false;
        (buffer as BigInt64Array)[offset] = BigInt(value);
        return true;
      }
      const range = INTEGER_RANGES[type];
      if (range === undefined || !Number.isInteger(value) || value < range[0] || value > range[1])
        return false;
      (buffer as Int32Array)[offset] = value;
      return true;
    }
    case 'string':
      if (type !== 'string') return false;
      (buffer as string[])[offset] = value;
      return true;
    case 'boolean':
      if (type !== 'bool') return false;
      (buffer as Uint8Array)[offset] = value ? 1 : 0;
      return true;
    default:
      return false;
  }
}

function refuseMissing(type: FeedableElementType, location: Location): UnprocessableError {
  return refuse(
    `a missing value (null) is not allowed: the model does not declare that it handles missing values for this input; expected ${expectedKind(type, false)}`,
    location,
  );
}

/**
 * Writes one scalar into `buffer[offset]` after checking it against the element type.
 * null means "missing": where the input accepts missing values, NaN for float inputs and '' for
 * string inputs; refused everywhere else.
 */
function writeScalar(
  buffer: TensorBuffer,
  offset: number,
  value: unknown,
  type: FeedableElementType,
  acceptsMissing: boolean,
  location: Location,
): void {
  const missingHint = acceptsMissing ? ' (send null for a missing value)' : '';
  if (FLOAT_TYPES.has(type)) {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) {
        throw refuse(`expected a finite number, got ${value}${missingHint}`, location);
      }
      (buffer as Float32Array)[offset] = value;
      if (!Number.isFinite((buffer as Float32Array)[offset])) {
        throw refuse(
          `${value} is out of range for float32 (its largest magnitude is about ${FLOAT32_MAX.toPrecision(5)})`,
          location,
        );
      }
      return;
    }
    if (value === null) {
      if (!acceptsMissing) throw refuseMissing(type, location);
      (buffer as Float32Array)[offset] = Number.NaN;
      return;
    }
    if (typeof value === 'string' && NON_FINITE_TEXT.test(value)) {
      throw refuse(`expected a finite number, got ${JSON.stringify(value)}${missingHint}`, location);
    }
    throw refuse(`expected ${expectedKind(type, acceptsMissing)}, got ${describe(value)}`, location);
  }
  if (value === null && type === 'string') {
    if (!acceptsMissing) throw refuseMissing(type, location);
    // A missing category is the empty string: the platform's own exports impute it with the most
    // frequent training value.
    (buffer as string[])[offset] = '';
    return;
  }
  if (value === null) {
    throw refuse(
      `a missing value (null) is not allowed for a ${type} input; expected ${expectedKind(type)}`,
      location,
    );
  }
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw refuse(`expected a string, got ${describe(value)}`, location);
      (buffer as string[])[offset] = value;
      return;
    case 'bool':
      if (typeof value !== 'boolean') throw refuse(`expected a boolean, got ${describe(value)}`, location);
      (buffer as Uint8Array)[offset] = value ? 1 : 0;
      return;
    case 'int64':
    case 'uint64': {
      const big = toBigInt(value, type, location);
      const [min, max] = type === 'int64' ? [INT64_MIN, INT64_MAX] : [0n, UINT64_MAX];
      if (big < min || big > max) throw refuse(`${big} is out of range for ${type}`, location);
      (buffer as BigInt64Array)[offset] = big;
      return;
    }
    default: {
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw refuse(`expected ${expectedKind(type)}, got ${value}`, location);
      }
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        throw refuse(`expected ${expectedKind(type)}, got ${describe(value)}`, location);
      }
      const [min, max] = INTEGER_RANGES[type] ?? [0, 0];
      if (value < min || value > max)
        throw refuse(`${value} is out of range for ${type} (${min}…${max})`, location);
      (buffer as Int32Array)[offset] = value;
    }
  }
}

/** int64 values: safe integers, bigints, or (since JSON numbers stop at 2^53) decimal strings. */
function toBigInt(value: unknown, type: 'int64' | 'uint64', location: Location): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw refuse(`expected ${expectedKind(type)}, got ${value}`, location);
    if (!Number.isInteger(value))
      throw refuse(`expected ${expectedKind(type)}, got ${describe(value)}`, location);
    if (!Number.isSafeInteger(value)) {
      throw refuse(
        `${value} is beyond 2^53 and was rounded by JSON; send it as a string of digits`,
        location,
      );
    }
    return BigInt(value);
  }
  if (typeof value === 'string' && INTEGER_TEXT.test(value)) return BigInt(value.trim());
  throw refuse(`expected ${expectedKind(type)}, got ${describe(value)}`, location);
}

// ── instances ────────────────────────────────────────────────────────────────────────────────────

interface InputLayout {
  readonly info: TensorInfo;
  readonly type: FeedableElementType;
  /** The declared dimensions of one row (the shape after the batch dimension); null: unknown rank. */
  readonly rowShape: readonly Dim[] | null;
  /** True when the input has no batch dimension (a scalar input: one row per request). */
  readonly unbatched: boolean;
  /** The graph handles missing values of this input: null is fed as NaN (floats) or '' (strings). */
  readonly acceptsMissing: boolean;
  /** A row holds exactly one value ([N], [N, 1], [N, 1, 1]…), so a scalar fits. */
  readonly scalar: boolean;
}

function layoutOf(input: ValueInfo, inputsAcceptingMissing: readonly string[]): InputLayout {
  if (!input.isTensor) {
    throw new UnprocessableError(
      `The model's input "${input.name}" is a ${input.type}; only tensor inputs can be fed.`,
      {
        field: input.name,
      },
    );
  }
  if (input.type === 'bfloat16') {
    // Node 22 has no bfloat16 type and onnxruntime-node none to take it from JS: refused with the
    // way out instead of converted.
    throw new UnprocessableError(
      `The model's input "${input.name}" is bfloat16, which requests cannot carry; re-export the model with a float32 input (a Cast to bfloat16 inside the graph).`,
      { field: input.name },
    );
  }
  if (!isFeedable(input.type)) {
    throw new UnprocessableError(
      `The model's input "${input.name}" has element type ${input.type}, which requests cannot carry.`,
      {
        field: input.name,
      },
    );
  }
  const shape = input.shape;
  const rowShape = shape === null ? null : shape.slice(1);
  return {
    info: input,
    type: input.type,
    rowShape,
    unbatched: shape !== null && shape.length === 0,
    acceptsMissing: inputsAcceptingMissing.includes(input.name),
    scalar: rowShape?.every((dim) => dim === 1) ?? false,
  };
}

/**
 * How one model version reads request rows, worked out once when the model loads rather than on
 * every request: each input's layout, in signature order, and the names rows are matched against.
 */
export interface InstancesPlan {
  readonly inputs: readonly ValueInfo[];
  readonly ignored: readonly string[];
  readonly inputsAcceptingMissing: readonly string[];
  /** Undefined when an input cannot be fed: each request then gets that input's refusal. */
  readonly layouts: readonly InputLayout[] | undefined;
  readonly names: readonly string[];
}

/**
 * @example
 * const plan = planInstances(serving.inputs, serving.ignoredInputs, serving.inputsAcceptingMissing);
 * feedsFromPlan([[5.1, 3.5, 1.4, 0.2]], plan);
 */
export function planInstances(
  inputs: readonly ValueInfo[],
  ignored: readonly string[] = [],
  inputsAcceptingMissing: readonly string[] = [],
): InstancesPlan {
  let layouts: InputLayout[] | undefined;
  try {
    layouts = inputs.map((input) => layoutOf(input, inputsAcceptingMissing));
  } catch {
    // Refused per request, after the checks of the rows themselves, as it always was.
    layouts = undefined;
  }
  return { inputs, ignored, inputsAcceptingMissing, layouts, names: inputs.map((input) => input.name) };
}

/**
 * Builds one tensor per model input from request rows.
 *
 * An instance is an array or an object: with several inputs each shaped [N, 1] or [N], an object
 * keyed by input name (or an array in input order); with one input [N, F], an array of F values
 * (an object only as `{ "<input name>": [...] }`); inputs of higher rank take nested arrays.
 * `null` is a missing value: for the inputs in `inputsAcceptingMissing`, NaN for float inputs and
 * '' for string inputs (the graph's imputers handle them); refused everywhere else. A named
 * feature in `ignored` (a training column the model does not read) is accepted and discarded.
 *
 * @throws UnprocessableError naming `{ row, field }`; PayloadTooLargeError above MAX_INSTANCES rows.
 * @example
 * feedsFromInstances([{ tenure_months: 25, contract: 'yearly' }], signature.inputs);
 * // { tenure_months: { type: 'float32', data: Float32Array [25], dims: [1, 1] },
 * //   contract: { type: 'string', data: ['yearly'], dims: [1, 1] } }
 */
export function feedsFromInstances(
  instances: unknown,
  inputs: readonly ValueInfo[],
  ignored: readonly string[] = [],
  inputsAcceptingMissing: readonly string[] = [],
): TensorMap {
  return feedsFromPlan(instances, planInstances(inputs, ignored, inputsAcceptingMissing));
}

/** {@link feedsFromInstances} with the model's plan made beforehand (see {@link planInstances}). */
export function feedsFromPlan(instances: unknown, plan: InstancesPlan): TensorMap {
  const { inputs, ignored } = plan;
  if (!Array.isArray(instances)) {
    throw new UnprocessableError('instances must be an array of rows.', { field: 'instances' });
  }
  if (instances.length === 0) {
    throw new UnprocessableError('instances must hold at least one row.', { field: 'instances' });
  }
  if (instances.length > MAX_INSTANCES) {
    throw new PayloadTooLargeError(
      `A request may carry at most ${MAX_INSTANCES} rows; this one has ${instances.length}. Split it into smaller batches.`,
      { field: 'instances', limit: MAX_INSTANCES, received: instances.length },
    );
  }
  if (inputs.length === 0) throw new UnprocessableError('The model has no inputs to feed.');
  const layouts = plan.layouts ?? inputs.map((input) => layoutOf(input, plan.inputsAcceptingMissing));
  const rows = instances.length;

  for (const layout of layouts) {
    const batch = layout.info.shape?.[0];
    if (layout.unbatched && rows !== 1) {
      throw new UnprocessableError(
        `The model's input "${layout.info.name}" is a single value with no batch dimension: send exactly 1 row (got ${rows}).`,
        { field: 'instances' },
      );
    }
    if (typeof batch === 'number' && batch !== rows) {
      throw new UnprocessableError(
        `The model's input "${layout.info.name}" has a fixed batch size of ${batch} (shape ${formatShape(layout.info.shape)}): send exactly ${batch} row${batch === 1 ? '' : 's'} (got ${rows}).`,
        { field: 'instances' },
      );
    }
  }

  // Per input, the value each row gives for it.
  const values: unknown[][] = layouts.map(() => new Array<unknown>(rows));
  for (let r = 0; r < rows; r += 1) {
    splitInstance(instances[r], r + 1, layouts, plan.names, values, ignored);
  }

  const feeds: TensorMap = {};
  layouts.forEach((layout, i) => {
    feeds[layout.info.name] = buildTensor(layout, values[i] as unknown[]);
  });
  return feeds;
}

/** A scalar fits where a row holds exactly one value ([N], [N, 1], [N, 1, 1]…). */
function takesScalar(layout: InputLayout): boolean {
  return layout.scalar;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function splitInstance(
  instance: unknown,
  row: number,
  layouts: readonly InputLayout[],
  names: readonly string[],
  values: unknown[][],
  ignored: readonly string[],
): void {
  if (layouts.length === 1) {
    const layout = layouts[0] as InputLayout;
    const name = layout.info.name;
    const target = values[0] as unknown[];
    if (isPlainObject(instance)) {
      const keys = Object.keys(instance).filter((key) => !ignored.includes(key));
      if (keys.length === 1 && keys[0] === name) {
        target[row - 1] = instance[name];
        return;
      }
      if (takesScalar(layout)) {
        const unknown = keys.find((key) => key !== name);
        throw refuse(
          unknown === undefined
            ? `missing feature "${name}"`
            : `unknown feature "${unknown}" (the model's one input is "${name}")`,
          { row, field: unknown ?? name },
        );
      }
      throw refuse(
        `the model's one input "${name}" takes ${rowDescription(layout)} per row, not an object of named features`,
        { row, field: name },
      );
    }
    target[row - 1] = instance;
    return;
  }

  if (isPlainObject(instance)) {
    for (const key of Object.keys(instance)) {
      if (!names.includes(key) && !ignored.includes(key)) {
        throw refuse(`unknown feature "${key}" (expected ${names.join(', ')})`, { row, field: key });
      }
    }
    layouts.forEach((layout, i) => {
      const name = layout.info.name;
      if (!Object.hasOwn(instance, name) || instance[name] === undefined) {
        throw refuse(`missing feature "${name}" (expected ${names.join(', ')})`, { row, field: name });
      }
      (values[i] as unknown[])[row - 1] = instance[name];
    });
    return;
  }
  if (Array.isArray(instance)) {
    if (instance.length !== layouts.length) {
      throw refuse(`expected ${layouts.length} values (${names.join(', ')}), got ${instance.length}`, {
        row,
        field: 'instances',
      });
    }
    layouts.forEach((_, i) => {
      (values[i] as unknown[])[row - 1] = instance[i];
    });
    return;
  }
  throw refuse(
    `expected an object with ${names.join(', ')} or an array of ${layouts.length} values, got ${describe(instance)}`,
    {
      row,
      field: 'instances',
    },
  );
}

function rowDescription(layout: InputLayout): string {
  const shape = layout.rowShape;
  if (shape === null) return 'a value or an array';
  if (shape.length === 1) {
    const size = shape[0];
    return typeof size === 'number' ? `an array of ${size} values` : 'an array of values';
  }
  return `a nested array shaped ${formatShape(shape)}`;
}

/** The concrete dimensions of one row: declared fixed sizes, the rest read from the first row. */
function resolveRowDims(layout: InputLayout, first: unknown): number[] {
  const declared = layout.rowShape;
  if (declared !== null && takesScalar(layout)) return declared as number[];
  const dims: number[] = [];
  let probe: unknown = first;
  const rank = declared === null ? Number.POSITIVE_INFINITY : declared.length;
  for (let depth = 0; depth < rank; depth += 1) {
    const fixed = declared?.[depth];
    if (!Array.isArray(probe)) {
      if (declared === null) break;
      const field = `${layout.info.name}${'[0]'.repeat(depth)}`;
      throw refuse(
        depth === 0
          ? `expected ${rowDescription(layout)} for input "${layout.info.name}", got ${describe(probe)}`
          : `expected an array, got ${describe(probe)}`,
        { row: 1, field: depth === 0 ? layout.info.name : field },
      );
    }
    dims.push(typeof fixed === 'number' ? fixed : probe.length);
    probe = probe[0];
  }
  return dims;
}

function buildTensor(layout: InputLayout, rowValues: readonly unknown[]) {
  const rows = rowValues.length;
  const rowDims = resolveRowDims(layout, rowValues[0]);
  const rowSize = elementCount(rowDims);
  const buffer = allocate(layout.type, rows * rowSize);
  const scalarRows = takesScalar(layout);
  const name = layout.info.name;
  for (let r = 0; r < rows; r += 1) {
    const value = rowValues[r];
    const row = r + 1;
    if (scalarRows && !Array.isArray(value)) {
      if (!writeValid(buffer, r * rowSize, value, layout.type)) {
        writeScalar(buffer, r * rowSize, value, layout.type, layout.acceptsMissing, { row, field: name });
      }
    } else {
      writeNested(buffer, r * rowSize, value, rowDims, 0, layout, row, name);
    }
  }
  if (layout.type === 'float16') {
    const overflow = roundBufferToFloat16(buffer as Float32Array);
    if (overflow >= 0) {
      throw refuseFloat16Overflow(buffer, overflow, {
        row: Math.floor(overflow / Math.max(rowSize, 1)) + 1,
        field: name,
      });
    }
  }
  const dims = layout.unbatched ? rowDims : [rows, ...rowDims];
  return { type: layout.type, data: buffer, dims };
}

/** A value past FP16's range: rounding would make it ±Infinity. */
function refuseFloat16Overflow(buffer: TensorBuffer, index: number, location: Location): UnprocessableError {
  return refuse(
    `${(buffer as Float32Array)[index]} is out of range for float16 (its largest magnitude is ${FLOAT16_MAX})`,
    location,
  );
}

/** Writes a nested array of shape `dims[depth…]` row-major; returns nothing, throws on the first bad value. */
function writeNested(
  buffer: TensorBuffer,
  offset: number,
  value: unknown,
  dims: readonly number[],
  depth: number,
  layout: InputLayout,
  row: number,
  field: string,
): void {
  const type = layout.type;
  if (depth === dims.length) {
    writeScalar(buffer, offset, value, type, layout.acceptsMissing, { row, field });
    return;
  }
  const size = dims[depth] as number;
  if (!Array.isArray(value)) {
    throw refuse(`expected an array of ${size} values, got ${describe(value)}`, { row, field });
  }
  if (value.length !== size) {
    throw refuse(`expected ${size} values, got ${value.length}`, { row, field });
  }
  const stride = elementCount(dims.slice(depth + 1));
  if (depth === dims.length - 1) {
    for (let i = 0; i < size; i += 1) {
      const item: unknown = value[i];
      if (!writeValid(buffer, offset + i, item, type)) {
        writeScalar(buffer, offset + i, item, type, layout.acceptsMissing, { row, field: `${field}[${i}]` });
      }
    }
    return;
  }
  for (let i = 0; i < size; i += 1) {
    writeNested(buffer, offset + i * stride, value[i], dims, depth + 1, layout, row, `${field}[${i}]`);
  }
}

// ── Open Inference Protocol v2 ───────────────────────────────────────────────────────────────────

/** One entry of a v2 request's `inputs`. */
export interface V2InputTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly datatype: V2Datatype;
  /** Row-major, flat or nested. */
  readonly data: readonly unknown[];
}

/**
 * Checks named raw tensors (Open Inference Protocol v2 `inputs`) against the model's inputs and
 * returns them as tensors. Every model input must be given once; datatypes must match exactly;
 * fixed dimensions must match, symbolic ones take any size (the same size wherever a name repeats);
 * the data must hold exactly shape-product values.
 *
 * A refusal is a ValidationError (400), as KServe and Triton answer a request that does not fit
 * the model: the protocol's clients treat 4xx other than 400 as something other than a bad request.
 *
 * @throws ValidationError with `field` = `inputs[i].<part>`.
 * @example
 * tensorsFromV2Inputs([{ name: 'X', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }], signature.inputs);
 */
export function tensorsFromV2Inputs(
  inputs: unknown,
  signatureInputs: readonly ValueInfo[],
  inputsAcceptingMissing: readonly string[] = [],
): TensorMap {
  try {
    return readV2Inputs(inputs, signatureInputs, inputsAcceptingMissing);
  } catch (error) {
    if (!(error instanceof UnprocessableError)) throw error;
    const field = typeof error.details.field === 'string' ? error.details.field : 'inputs';
    throw new ValidationError(error.message, [{ field, message: error.message }], { cause: error });
  }
}

function readV2Inputs(
  inputs: unknown,
  signatureInputs: readonly ValueInfo[],
  inputsAcceptingMissing: readonly string[],
): TensorMap {
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw new UnprocessableError('inputs must be a non-empty array of named tensors.', { field: 'inputs' });
  }
  const layouts = new Map(
    signatureInputs.map((input) => [input.name, layoutOf(input, inputsAcceptingMissing)]),
  );
  const expected = [...layouts.keys()];
  const tensors: TensorMap = {};
  const symbols = new Map<string, { size: number; input: string }>();

  inputs.forEach((entry: unknown, index) => {
    const at = `inputs[${index}]`;
    if (!isPlainObject(entry))
      throw refuse(`expected an object {name, shape, datatype, data}, got ${describe(entry)}`, { field: at });
    const { name, shape, datatype, data } = entry;
    if (typeof name !== 'string')
      throw refuse(`expected a string, got ${describe(name)}`, { field: `${at}.name` });
    const layout = layouts.get(name);
    if (layout === undefined) {
      throw refuse(`the model has no input "${name}" (its inputs: ${expected.join(', ')})`, {
        field: `${at}.name`,
      });
    }
    if (Object.hasOwn(tensors, name)) throw refuse(`input "${name}" is given twice`, { field: `${at}.name` });

    if (typeof datatype !== 'string' || !Object.hasOwn(V2_DATATYPES, datatype)) {
      throw refuse(
        `unknown datatype ${describe(datatype)} (one of ${Object.keys(V2_DATATYPES).join(', ')})`,
        {
          field: `${at}.datatype`,
        },
      );
    }
    const wanted = v2Datatype(layout.type);
    if (datatype !== wanted) {
      throw refuse(`input "${name}" is ${layout.type}: its datatype is ${wanted}, not ${datatype}`, {
        field: `${at}.datatype`,
      });
    }

    if (!Array.isArray(shape) || !shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0)) {
      throw refuse('shape must be an array of non-negative integers', { field: `${at}.shape` });
    }
    const dims = shape as number[];
    const declared = layout.info.shape;
    if (declared !== null) {
      if (declared.length !== dims.length) {
        throw refuse(
          `input "${name}" has rank ${declared.length} ${formatShape(declared)}, got shape ${formatShape(dims)}`,
          {
            field: `${at}.shape`,
          },
        );
      }
      declared.forEach((dim, axis) => {
        const size = dims[axis] as number;
        if (typeof dim === 'number' && dim !== size) {
          throw refuse(
            `dimension ${axis} of input "${name}" is fixed at ${dim} ${formatShape(declared)}, got ${size}`,
            {
              field: `${at}.shape`,
            },
          );
        }
        if (typeof dim === 'string') {
          const seen = symbols.get(dim);
          if (seen !== undefined && seen.size !== size) {
            throw refuse(`dimension "${dim}" is ${seen.size} in input "${seen.input}" but ${size} here`, {
              field: `${at}.shape`,
            });
          }
          symbols.set(dim, { size, input: name });
        }
      });
      if (declared.length > 0 && typeof declared[0] !== 'number' && (dims[0] as number) > MAX_INSTANCES) {
        throw new PayloadTooLargeError(
          `A request may carry at most ${MAX_INSTANCES} rows; input "${name}" has ${dims[0]}. Split it into smaller batches.`,
          { field: `${at}.shape`, limit: MAX_INSTANCES, received: dims[0] },
        );
      }
    }

    if (!Array.isArray(data))
      throw refuse(`expected an array, got ${describe(data)}`, { field: `${at}.data` });
    const flat = data.flat(Number.POSITIVE_INFINITY) as unknown[];
    const count = elementCount(dims);
    if (flat.length !== count) {
      throw refuse(`shape ${formatShape(dims)} needs ${count} values, data has ${flat.length}`, {
        field: `${at}.data`,
      });
    }
    const buffer = allocate(layout.type, count);
    for (let i = 0; i < count; i += 1) {
      if (!writeValid(buffer, i, flat[i], layout.type)) {
        writeScalar(buffer, i, flat[i], layout.type, layout.acceptsMissing, { field: `${at}.data[${i}]` });
      }
    }
    if (layout.type === 'float16') {
      const overflow = roundBufferToFloat16(buffer as Float32Array);
      if (overflow >= 0) throw refuseFloat16Overflow(buffer, overflow, { field: `${at}.data[${overflow}]` });
    }
    tensors[name] = { type: layout.type, data: buffer, dims };
  });

  const missing = expected.filter((name) => !Object.hasOwn(tensors, name));
  if (missing.length > 0) {
    throw new UnprocessableError(
      `Missing input${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}.`,
      {
        field: 'inputs',
        missing,
      },
    );
  }
  return tensors;
}

/**
 * The rows of a v2 request, to blame a non-finite output on one: the size of the fed tensors'
 * first (batch) dimension when every input agrees on it (1 for inputs without one), else undefined.
 */
export function v2RequestRows(feeds: TensorMap): { rows: number; field: string } | undefined {
  let rows: number | undefined;
  for (const tensor of Object.values(feeds)) {
    const size = tensor.dims.length === 0 ? 1 : (tensor.dims[0] as number);
    if (rows !== undefined && rows !== size) return undefined;
    rows = size;
  }
  return rows === undefined ? undefined : { rows, field: 'inputs' };
}
