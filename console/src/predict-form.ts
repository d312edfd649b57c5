/**
 * The prediction form a version's signature calls for, and the request it makes:
 * - named inputs (one tensor per feature, as the platform's trained models and most scikit-learn
 *   exports with named columns have): one field per input, sent as an object per row;
 * - one tensor input of n columns (`[batch, n]`): n fields, sent as an array in column order.
 * Field kinds follow the element types: numbers for float and int types, text for strings.
 */
import type { Schemas } from './api.ts';

export interface PredictField {
  /** The input's name, or `<input>[i]` for a column of a single tensor. */
  readonly key: string;
  readonly label: string;
  readonly kind: 'number' | 'integer' | 'text' | 'boolean';
}

export type PredictForm =
  | { readonly layout: 'object'; readonly fields: readonly PredictField[] }
  | { readonly layout: 'array'; readonly fields: readonly PredictField[] }
  | { readonly layout: 'unsupported'; readonly reason: string };

function kindOf(type: string): PredictField['kind'] | undefined {
  if (/^float|^double|^bfloat/.test(type)) return 'number';
  if (/^u?int/.test(type)) return 'integer';
  if (type === 'string') return 'text';
  if (type === 'bool') return 'boolean';
  return undefined;
}

export function predictFormFor(signature: Schemas['ModelSignature']): PredictForm {
  const inputs = signature.inputs;
  if (inputs.length === 0) return { layout: 'unsupported', reason: 'The model declares no inputs.' };
  const kinds = inputs.map((input) => kindOf(input.type));
  const unknown = inputs.find((_, i) => kinds[i] === undefined);
  if (unknown !== undefined) {
    return {
      layout: 'unsupported',
      reason: `Input ${unknown.name} has type ${unknown.type}, which a form cannot fill.`,
    };
  }
  const first = inputs[0];
  const columns = first?.shape?.[1];
  if (inputs.length === 1 && first !== undefined && first.shape !== null && first.shape.length > 2) {
    return {
      layout: 'unsupported',
      reason: `Input ${first.name} has shape [${first.shape.map((d) => d ?? '?').join(', ')}]; send it through the API.`,
    };
  }
  if (inputs.length === 1 && first !== undefined && typeof columns === 'number' && columns > 1) {
    const kind = kinds[0] ?? 'number';
    return {
      layout: 'array',
      fields: Array.from({ length: columns }, (_, i) => ({
        key: `${first.name}[${i}]`,
        label: `${first.name} ${i + 1}`,
        kind,
      })),
    };
  }
  return {
    layout: 'object',
    fields: inputs.map((input, i) => ({ key: input.name, label: input.name, kind: kinds[i] ?? 'number' })),
  };
}

export class FormValueError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'FormValueError';
    this.field = field;
  }
}

function fieldValue(field: PredictField, raw: string): unknown {
  const text = raw.trim();
  if (text === '') return null;
  if (field.kind === 'text') return raw;
  if (field.kind === 'boolean') return text === 'true';
  const number = Number(text);
  if (!Number.isFinite(number))
    throw new FormValueError(field.key, `${field.label}: “${raw}” is not a number.`);
  if (field.kind === 'integer' && !Number.isInteger(number)) {
    throw new FormValueError(field.key, `${field.label}: “${raw}” is not a whole number.`);
  }
  return number;
}

/** The one-row `instances` of a predict request; an empty field is a missing value (null). */
export function instanceFrom(form: PredictForm, values: Readonly<Record<string, string>>): unknown {
  if (form.layout === 'unsupported') throw new Error(form.reason);
  const parsed = form.fields.map((field) => fieldValue(field, values[field.key] ?? ''));
  if (form.layout === 'array') return parsed;
  return Object.fromEntries(form.fields.map((field, i) => [field.key, parsed[i]]));
}
