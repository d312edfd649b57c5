/**
 * Size and depth limits of the API's free-form fields, in one place so that the schemas, the
 * OpenAPI document and the README say the same. A field over a size limit is refused with 413, one
 * nested too deep with 400, each naming the field. The limits keep every stored record far below
 * DynamoDB's 400 KB item size and every recursive walk (zod, JSON.stringify, the DynamoDB
 * marshaller) far from the stack's end.
 */
import * as z from 'zod';

/** Nesting of any JSON body (checked on the raw text, before parsing): ample for rank-8 tensors. */
export const MAX_BODY_DEPTH = 32;

export const FIELD_LIMITS = {
  /** A version's `metadata`: serialized UTF-8 bytes and nesting below the field. */
  metadata: { maxBytes: 16 * 1024, maxDepth: 8 },
  /** A version's `metrics`: entries, name length, string value length. */
  metrics: { maxEntries: 100, maxKeyLength: 128, maxStringLength: 1024 },
  /** A training job's `hyperParameters`: algorithms, names, and the whole grid's serialized bytes. */
  hyperParameters: { maxAlgorithms: 10, maxParameters: 32, maxKeyLength: 64, maxBytes: 32 * 1024 },
  /** Open Inference Protocol `parameters` objects (request, per tensor, per output). */
  v2Parameters: { maxBytes: 4 * 1024, maxDepth: 4 },
} as const;

/** Marks a zod issue as "too large" (413) rather than "invalid" (400). */
export const TOO_LARGE = 'tooLarge';

/** True when the issue is a size limit (zod's `too_big` on a string, array or record, or ours). */
export function isSizeIssue(issue: z.core.$ZodIssue): boolean {
  if (issue.code === 'too_big')
    return issue.origin !== 'number' && issue.origin !== 'bigint' && issue.origin !== 'date';
  // A record key over its length: zod wraps the key's own issues.
  if (issue.code === 'invalid_key') return issue.issues.length > 0 && issue.issues.every(isSizeIssue);
  return (
    issue.code === 'custom' && (issue.params as Record<string, unknown> | undefined)?.[TOO_LARGE] === true
  );
}

/** The nesting below a value (a scalar is 0, `{}` is 1), without recursion. */
export function nestingDepth(value: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, depth] = next;
    if (typeof node !== 'object' || node === null) continue;
    const inner = depth + 1;
    if (inner > deepest) deepest = inner;
    for (const child of Object.values(node)) pending.push([child, inner]);
  }
  return deepest;
}

/**
 * A free-form JSON object with a byte and a depth limit, e.g. a version's `metadata`.
 *
 * @example
 * const metadata = jsonObject(FIELD_LIMITS.metadata).optional();
 */
export function jsonObject(limits: { readonly maxBytes: number; readonly maxDepth: number }) {
  return z
    .record(z.string(), z.unknown())
    .superRefine((value, context) => {
      // The body's pre-scan bounds the depth, so measuring and serializing here cannot overflow.
      const depth = nestingDepth(value);
      if (depth > limits.maxDepth) {
        context.addIssue({
          code: 'custom',
          message: `nested ${depth} levels deep; at most ${limits.maxDepth} allowed`,
          params: { maxDepth: limits.maxDepth },
        });
        return;
      }
      const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
      if (bytes > limits.maxBytes) {
        context.addIssue({
          code: 'custom',
          message: `${bytes} bytes as JSON; at most ${limits.maxBytes} allowed`,
          params: { [TOO_LARGE]: true, limitBytes: limits.maxBytes },
        });
      }
    })
    .meta({
      description: `Free-form JSON object: at most ${limits.maxBytes} bytes serialized, nested at most ${limits.maxDepth} levels.`,
      'x-max-bytes': limits.maxBytes,
      'x-max-depth': limits.maxDepth,
    });
}

/** A JSON value's serialized size must stay within `maxBytes` (413 beyond). */
export function withinBytes<T extends z.ZodType>(schema: T, maxBytes: number) {
  return schema.superRefine((value, context) => {
    const bytes = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
    if (bytes > maxBytes) {
      context.addIssue({
        code: 'custom',
        message: `${bytes} bytes as JSON; at most ${maxBytes} allowed`,
        params: { [TOO_LARGE]: true, limitBytes: maxBytes },
      });
    }
  });
}

/** A record of at most `maxEntries` entries (413 beyond). */
export function boundedRecord<K extends z.core.$ZodRecordKey, V extends z.ZodType>(
  key: K,
  value: V,
  maxEntries: number,
) {
  return z
    .record(key, value)
    .superRefine((record, context) => {
      const entries = Object.keys(record as object).length;
      if (entries > maxEntries) {
        context.addIssue({
          code: 'custom',
          message: `${entries} entries; at most ${maxEntries} allowed`,
          params: { [TOO_LARGE]: true, limit: maxEntries },
        });
      }
    })
    .meta({ maxProperties: maxEntries });
}
