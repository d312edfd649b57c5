/**
 * Input rows → the `instances` the real-time predict core takes, so a batch row is checked by the
 * same rules (instances.ts) as a row sent to the endpoint. A model whose inputs are one value each
 * ([N], [N, 1]) takes them from the columns of the same names; a model with one vector input
 * ([N, F]) takes the feature columns in order. CSV text becomes a number for numeric inputs when it
 * reads as one, null when it is a missing-value token, and stays text otherwise (which the core then
 * refuses with its own message); JSON values are passed as they are.
 *
 * @example
 * const mapping = instanceMapping(signature.inputs, ['id', 'x1', 'x2'], { passthrough: ['id'] });
 * mapping.fromCsv(['7', '0.5', '']); // [0.5, null]
 */
import { isMissing } from '../datasets/column-types.ts';
import { UnprocessableError } from '../errors.ts';
import type { ValueInfo } from '../inference/onnx-graph.ts';
import { FLOAT_TYPES, INTEGER_RANGES } from '../inference/tensors.ts';

const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const INTEGER = /^[-+]?\d+$/;

export interface InstanceMapping {
  /** The columns the model reads, in the order it reads them. */
  readonly featureColumns: readonly string[];
  /** One CSV record (fields in header order) → one instance. */
  fromCsv(fields: readonly string[]): unknown;
  /** One JSON Lines object → one instance. */
  fromObject(object: Readonly<Record<string, unknown>>): unknown;
}

export interface MappingOptions {
  /** Input columns copied to the output; never fed to a vector input. */
  readonly passthrough: readonly string[];
  /** A vector input's columns, in order (default: every column not passed through). */
  readonly features?: readonly string[];
}

type Convert = (text: string) => unknown;

function converterFor(type: string): Convert {
  if (FLOAT_TYPES.has(type as never)) {
    return (raw) => {
      const text = raw.trim();
      if (isMissing(text)) return null;
      return DECIMAL.test(text) ? Number(text) : raw;
    };
  }
  if (type === 'int64' || type === 'uint64') {
    return (raw) => {
      const text = raw.trim();
      if (isMissing(text)) return null;
      // Beyond 2^53 the core takes the digits as text.
      if (INTEGER.test(text)) return Number.isSafeInteger(Number(text)) ? Number(text) : text;
      return raw;
    };
  }
  if (INTEGER_RANGES[type as never] !== undefined) {
    return (raw) => {
      const text = raw.trim();
      if (isMissing(text)) return null;
      return INTEGER.test(text) ? Number(text) : raw;
    };
  }
  if (type === 'bool') {
    return (raw) => {
      const text = raw.trim().toLowerCase();
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      return isMissing(text) ? null : raw;
    };
  }
  // A string input gets the text as it is; an empty field is a missing category.
  return (raw) => (isMissing(raw.trim()) ? null : raw);
}

function takesOneValue(input: ValueInfo): boolean {
  const shape = input.shape;
  return shape !== null && shape.length <= 2 && shape.slice(1).every((dim) => dim === 1);
}

function vectorWidth(input: ValueInfo): number | 'any' | undefined {
  const shape = input.shape;
  if (shape === null || shape.length !== 2) return undefined;
  const width = shape[1];
  return typeof width === 'number' ? width : 'any';
}

function missingColumns(wanted: readonly string[], columns: readonly string[]): string[] {
  const present = new Set(columns);
  return wanted.filter((name) => !present.has(name));
}

/**
 * @param columns the input's columns: a CSV header, or for JSON Lines the names rows are read by
 * (the model's inputs, or the feature list).
 * @throws UnprocessableError when the file cannot feed the model (a column missing, the wrong
 * number of features, an input shape a row cannot fill).
 */
export function instanceMapping(
  inputs: readonly ValueInfo[],
  columns: readonly string[] | undefined,
  options: MappingOptions,
): InstanceMapping {
  const missingPassthrough = columns === undefined ? [] : missingColumns(options.passthrough, columns);
  if (missingPassthrough.length > 0) {
    throw new UnprocessableError(
      `The input has no column ${missingPassthrough.map((c) => `"${c}"`).join(', ')} to pass through.`,
      { field: 'body.output.passthrough' },
    );
  }
  if (inputs.length === 0) throw new UnprocessableError('The model has no inputs to feed.');
  if (inputs.every(takesOneValue)) return namedMapping(inputs, columns);
  const only = inputs[0];
  if (inputs.length === 1 && only !== undefined && vectorWidth(only) !== undefined) {
    return vectorMapping(only, columns, options);
  }
  throw new UnprocessableError(
    'Batch predictions feed each input one value per row ([N] or [N, 1]) or one model with a single vector input ([N, F]); this model has other input shapes.',
    { field: 'body.model' },
  );
}

function namedMapping(inputs: readonly ValueInfo[], columns: readonly string[] | undefined): InstanceMapping {
  const names = inputs.map((input) => input.name);
  if (columns !== undefined) {
    const missing = missingColumns(names, columns);
    if (missing.length > 0) {
      throw new UnprocessableError(
        `The input has no column ${missing.map((c) => `"${c}"`).join(', ')} for the model's input${missing.length === 1 ? '' : 's'}.`,
        { field: 'body.input' },
      );
    }
  }
  const converters = inputs.map((input) => converterFor(input.type));
  const positions = columns === undefined ? [] : names.map((name) => columns.indexOf(name));
  return {
    featureColumns: names,
    fromCsv(fields) {
      const instance: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i += 1) {
        const field = fields[positions[i] as number];
        instance[names[i] as string] = field === undefined ? null : (converters[i] as Convert)(field);
      }
      return instance;
    },
    fromObject(object) {
      const instance: Record<string, unknown> = {};
      // Absent is missing; extra keys (an id, say) are not the model's business.
      for (const name of names) instance[name] = object[name] === undefined ? null : object[name];
      return instance;
    },
  };
}

function vectorMapping(
  input: ValueInfo,
  columns: readonly string[] | undefined,
  options: MappingOptions,
): InstanceMapping {
  const width = vectorWidth(input);
  const features =
    options.features ??
    (columns === undefined ? undefined : columns.filter((c) => !options.passthrough.includes(c)));
  if (features === undefined) {
    throw new UnprocessableError(
      `The model's one input "${input.name}" is a vector: name its columns in input.features.`,
      { field: 'body.input.features' },
    );
  }
  if (columns !== undefined) {
    const missing = missingColumns(features, columns);
    if (missing.length > 0) {
      throw new UnprocessableError(`The input has no column ${missing.map((c) => `"${c}"`).join(', ')}.`, {
        field: 'body.input.features',
      });
    }
  }
  if (typeof width === 'number' && features.length !== width) {
    throw new UnprocessableError(
      `The model's input "${input.name}" takes ${width} features per row; the input gives ${features.length} (${features.join(', ')}).`,
      { field: 'body.input.features' },
    );
  }
  const convert = converterFor(input.type);
  const positions = columns === undefined ? [] : features.map((name) => columns.indexOf(name));
  return {
    featureColumns: features,
    fromCsv(fields) {
      const row = new Array<unknown>(positions.length);
      for (let i = 0; i < positions.length; i += 1) {
        const field = fields[positions[i] as number];
        row[i] = field === undefined ? null : convert(field);
      }
      return row;
    },
    fromObject(object) {
      const vector = object[input.name];
      if (Array.isArray(vector)) return vector;
      return features.map((name) => (object[name] === undefined ? null : object[name]));
    },
  };
}
