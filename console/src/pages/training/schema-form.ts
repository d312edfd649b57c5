/**
 * A form built from a JSON Schema (the OpenAPI document's request schema): the schema's properties
 * become fields (text, number, one choice, several choices, a group of fields, or JSON for free-form
 * objects), their defaults the initial values, their bounds the inputs' constraints; the values
 * entered become a request body, checked against the same constraints first so a mistake is named
 * next to its field before the API says it again. Pure: the page renders what this describes.
 */

/** The JSON Schema keywords the request schemas use. */
export interface JsonSchema {
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly additionalProperties?: boolean | JsonSchema;
  readonly default?: unknown;
  readonly description?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minItems?: number;
  readonly maxItems?: number;
}

interface FieldBase {
  /** Dotted path of the property in the body: `validation.seed`. */
  readonly path: string;
  /** The property's own name: `seed`. */
  readonly name: string;
  readonly label: string;
  readonly description?: string;
  readonly required: boolean;
}

export type FormField =
  | (FieldBase & {
      readonly kind: 'text';
      readonly pattern?: string;
      readonly minLength?: number;
      readonly maxLength?: number;
    })
  | (FieldBase & {
      readonly kind: 'number';
      readonly integer: boolean;
      /** Inclusive bounds as an input takes them; exclusive ones are checked on submit. */
      readonly min?: number;
      readonly max?: number;
      readonly exclusiveMin?: number;
      readonly exclusiveMax?: number;
    })
  | (FieldBase & { readonly kind: 'choice'; readonly options: readonly string[] })
  | (FieldBase & {
      readonly kind: 'choices';
      readonly options: readonly string[];
      readonly minItems?: number;
      readonly maxItems?: number;
    })
  | (FieldBase & { readonly kind: 'json' })
  | (FieldBase & { readonly kind: 'group'; readonly fields: readonly FormField[] });

/** What the inputs hold, by field path: text for most, a list for several choices. */
export type FormValues = Readonly<Record<string, string | readonly string[]>>;

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** `holdoutFraction` → `Holdout fraction`. */
export function labelOf(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The largest safe integer is zod's stand-in for "no upper bound"; an input needs none. */
const bound = (value: number | undefined) =>
  value === undefined || Math.abs(value) >= Number.MAX_SAFE_INTEGER ? undefined : value;

function fieldOf(name: string, schema: JsonSchema, path: string, required: boolean): FormField {
  const base = {
    path,
    name,
    label: labelOf(name),
    required,
    ...(schema.description ? { description: schema.description } : {}),
  };
  if (schema.type === 'string' && schema.enum) {
    return { ...base, kind: 'choice', options: schema.enum.map(String) };
  }
  if (schema.type === 'array' && schema.items?.enum) {
    return {
      ...base,
      kind: 'choices',
      options: schema.items.enum.map(String),
      ...(schema.minItems === undefined ? {} : { minItems: schema.minItems }),
      ...(schema.maxItems === undefined ? {} : { maxItems: schema.maxItems }),
    };
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    const min = bound(schema.minimum);
    const max = bound(schema.maximum);
    const exclusiveMin = bound(schema.exclusiveMinimum);
    const exclusiveMax = bound(schema.exclusiveMaximum);
    return {
      ...base,
      kind: 'number',
      integer: schema.type === 'integer',
      ...(min === undefined ? {} : { min }),
      ...(max === undefined ? {} : { max }),
      ...(exclusiveMin === undefined ? {} : { exclusiveMin }),
      ...(exclusiveMax === undefined ? {} : { exclusiveMax }),
    };
  }
  if (schema.type === 'object' && schema.properties && !schema.additionalProperties) {
    return { ...base, kind: 'group', fields: formFields(schema, `${path}.`) };
  }
  if (schema.type === 'object' || schema.type === 'array') return { ...base, kind: 'json' };
  return {
    ...base,
    kind: 'text',
    ...(schema.pattern ? { pattern: schema.pattern } : {}),
    ...(schema.minLength === undefined ? {} : { minLength: schema.minLength }),
    ...(schema.maxLength === undefined ? {} : { maxLength: schema.maxLength }),
  };
}

/**
 * The fields of an object schema, in the schema's order.
 *
 * @example
 * formFields(document.components.schemas.CreateTrainingJobRequest).map((f) => f.path);
 * // ['dataset', 'datasetVersion', 'target', 'task', …, 'validation.holdoutFraction', …]
 */
export function formFields(schema: JsonSchema, prefix = ''): FormField[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, property]) =>
    fieldOf(name, property, `${prefix}${name}`, required.has(name)),
  );
}

/** Every field, groups opened, as a flat list. */
export function leafFields(fields: readonly FormField[]): FormField[] {
  return fields.flatMap((field) => (field.kind === 'group' ? leafFields(field.fields) : [field]));
}

function defaultAt(schema: JsonSchema, path: string): unknown {
  let node: JsonSchema | undefined = schema;
  let value: unknown;
  for (const part of path.split('.')) {
    const parent: unknown = value;
    node = node?.properties?.[part];
    value =
      node?.default ??
      (parent !== null && typeof parent === 'object' ? (parent as Record<string, unknown>)[part] : undefined);
  }
  return value;
}

/** The schema's defaults as input values (a number as text, a JSON default as JSON). */
export function initialValues(schema: JsonSchema, fields: readonly FormField[]): FormValues {
  const values: Record<string, string | readonly string[]> = {};
  for (const field of leafFields(fields)) {
    const value = defaultAt(schema, field.path);
    if (field.kind === 'choices') values[field.path] = Array.isArray(value) ? value.map(String) : [];
    else if (value === undefined) values[field.path] = '';
    else if (field.kind === 'json') values[field.path] = JSON.stringify(value, null, 2);
    else values[field.path] = String(value);
  }
  return values;
}

/** The field's value as the body takes it, or an error message; undefined when left empty. */
function fieldValue(
  field: FormField,
  raw: string | readonly string[] | undefined,
): { value?: unknown; error?: string } {
  if (field.kind === 'choices') {
    const list = Array.isArray(raw) ? raw : [];
    if (list.length === 0) return field.required ? { error: 'Choose at least one.' } : {};
    if (field.minItems !== undefined && list.length < field.minItems) {
      return { error: `Choose at least ${field.minItems}.` };
    }
    if (field.maxItems !== undefined && list.length > field.maxItems) {
      return { error: `Choose at most ${field.maxItems}.` };
    }
    return { value: [...list] };
  }
  const text = (typeof raw === 'string' ? raw : '').trim();
  if (text === '') return field.required ? { error: 'Required.' } : {};
  switch (field.kind) {
    case 'number': {
      const value = Number(text);
      if (!Number.isFinite(value)) return { error: 'Enter a number.' };
      if (field.integer && !Number.isInteger(value)) return { error: 'Enter a whole number.' };
      if (field.min !== undefined && value < field.min) return { error: `At least ${field.min}.` };
      if (field.max !== undefined && value > field.max) return { error: `At most ${field.max}.` };
      if (field.exclusiveMin !== undefined && value <= field.exclusiveMin) {
        return { error: `More than ${field.exclusiveMin}.` };
      }
      if (field.exclusiveMax !== undefined && value >= field.exclusiveMax) {
        return { error: `Less than ${field.exclusiveMax}.` };
      }
      return { value };
    }
    case 'choice':
      return field.options.includes(text)
        ? { value: text }
        : { error: `One of ${field.options.join(', ')}.` };
    case 'json': {
      try {
        const value: unknown = JSON.parse(text);
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          return { error: 'Enter a JSON object, e.g. {"logistic-regression": [{"C": 1}]}.' };
        }
        return { value };
      } catch {
        return { error: 'Not valid JSON.' };
      }
    }
    case 'text': {
      if (field.minLength !== undefined && text.length < field.minLength) {
        return { error: `At least ${field.minLength} characters.` };
      }
      if (field.maxLength !== undefined && text.length > field.maxLength) {
        return { error: `At most ${field.maxLength} characters.` };
      }
      if (field.pattern !== undefined && !new RegExp(field.pattern).test(text)) {
        return { error: `Does not match ${field.pattern}.` };
      }
      return { value: text };
    }
    default:
      return {};
  }
}

const isEmpty = (raw: string | readonly string[] | undefined) =>
  raw === undefined || (typeof raw === 'string' ? raw.trim() === '' : raw.length === 0);

function collect(
  fields: readonly FormField[],
  values: FormValues,
  errors: FieldError[],
): Record<string, unknown> | undefined {
  const body: Record<string, unknown> = {};
  for (const field of fields) {
    if (field.kind === 'group') {
      // An optional group left empty is left out, its required fields unasked.
      if (!field.required && leafFields(field.fields).every((leaf) => isEmpty(values[leaf.path]))) continue;
      const nested = collect(field.fields, values, errors);
      if (nested !== undefined) body[field.name] = nested;
      continue;
    }
    const { value, error } = fieldValue(field, values[field.path]);
    if (error !== undefined) errors.push({ path: field.path, message: error });
    else if (value !== undefined) body[field.name] = value;
  }
  return Object.keys(body).length === 0 ? undefined : body;
}

/**
 * The request body the values make: empty optional fields left out (the API applies its defaults),
 * a group only when one of its fields is set; with the errors, one per field, when any.
 *
 * @example
 * requestBody(fields, { dataset: 'iris', target: 'species', modelName: 'iris', 'validation.seed': '7' });
 * // { body: { dataset: 'iris', target: 'species', modelName: 'iris', validation: { seed: 7 } }, errors: [] }
 */
export function requestBody(
  fields: readonly FormField[],
  values: FormValues,
): { body: Record<string, unknown>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const body = collect(fields, values, errors) ?? {};
  return { body, errors };
}
