/**
 * Turns an API Gateway event into validated input: body size, nesting and media type checks, JSON
 * parsing, and zod validation of path, query and body, with each issue named by its field. A field
 * over its size limit answers 413, any other invalid field 400.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '#core/errors.ts';
import { isSizeIssue, MAX_BODY_DEPTH } from '#core/field-limits.ts';
import type { RouteDefinition } from '../routes.ts';
import { parseJsonWithinDepth } from './json-depth.ts';

export function bodyBytes(event: APIGatewayProxyEventV2): Buffer | undefined {
  if (event.body === undefined || event.body === null) return undefined;
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

export function rawBody(event: APIGatewayProxyEventV2): string | undefined {
  if (event.body === undefined || event.body === null) return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

function checkSize(size: number, maxBytes: number): void {
  if (size > maxBytes) {
    throw new PayloadTooLargeError(`The body is ${size} bytes; this route accepts at most ${maxBytes}.`, {
      limitBytes: maxBytes,
    });
  }
}

function fieldOf(location: string, path: readonly PropertyKey[]): string {
  return [location, ...path.map(String)].join('.');
}

function issuesOf(location: string, error: z.ZodError): { field: string; message: string }[] {
  return error.issues.flatMap((issue) => {
    const base = fieldOf(location, issue.path);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: `${base}.${key}`, message: 'unknown field' }));
    }
    return [{ field: base, message: issue.message }];
  });
}

function validate(location: string, schema: z.ZodType | undefined, value: unknown): unknown {
  if (schema === undefined) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = issuesOf(location, result.error);
  const summary = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  // A field over its size limit decides: 413, naming it, with every issue listed. (Checks that
  // read the content, e.g. a training grid's parameter names, may fail on it too.)
  const tooLarge = result.error.issues.find(isSizeIssue);
  if (tooLarge !== undefined) {
    const limit =
      tooLarge.code === 'too_big'
        ? { limit: Number(tooLarge.maximum) }
        : tooLarge.code === 'custom'
          ? tooLarge.params
          : undefined;
    throw new PayloadTooLargeError(`The request is too large: ${summary}`, {
      field: fieldOf(location, tooLarge.path),
      ...limit,
      ...(issues.length > 1 ? { errors: issues } : {}),
    });
  }
  throw new ValidationError(`The request is not valid: ${summary}`, issues);
}

function parseJsonBody(event: APIGatewayProxyEventV2, maxBytes: number): unknown {
  const text = rawBody(event);
  checkSize(text === undefined ? 0 : Buffer.byteLength(text, 'utf8'), maxBytes);
  // An empty body is left to the route's schema, which may allow it.
  if (text === undefined || text.length === 0) return undefined;
  const contentType = event.headers['content-type'] ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType)) {
    throw new UnsupportedMediaTypeError(
      `Send the body as application/json (got "${contentType || 'none'}").`,
    );
  }
  let parsed: ReturnType<typeof parseJsonWithinDepth>;
  try {
    parsed = parseJsonWithinDepth(text, MAX_BODY_DEPTH);
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'unparsable';
    throw new ValidationError(
      `The body is not valid JSON: ${reason}`,
      [{ field: 'body', message: 'malformed JSON' }],
      {
        cause: error,
      },
    );
  }
  if (parsed.tooDeep !== undefined) {
    const field = fieldOf('body', parsed.tooDeep);
    throw new ValidationError(`The body is nested more than ${MAX_BODY_DEPTH} levels deep (at ${field}).`, [
      { field, message: `nested more than ${MAX_BODY_DEPTH} levels deep` },
    ]);
  }
  return parsed.value;
}

export interface ParsedInput {
  params: unknown;
  query: unknown;
  body: unknown;
  /** The raw bytes, when the route takes binary bodies and the request sent one. */
  binary?: Uint8Array;
}

const BINARY_CONTENT_TYPE = /^application\/octet-stream\b/i;

function isRawContentType(accepted: readonly string[] | undefined, header: string | undefined): boolean {
  const mediaType = header?.split(';')[0]?.trim().toLowerCase();
  return mediaType !== undefined && accepted?.includes(mediaType) === true;
}

/**
 * A route's own check of a parsed JSON body, run before its zod schema: it returns what the schema
 * would return for a body it can vouch for, or undefined to leave the body to the schema (which
 * then accepts or words the refusal). It must never accept a body the schema refuses.
 */
export type BodyFastPath = (body: unknown) => unknown;

export function parseRequestInput(
  route: RouteDefinition,
  event: APIGatewayProxyEventV2,
  maxBodyBytes: number,
  bodyFastPath?: BodyFastPath,
): ParsedInput {
  const request = route.request;
  const params = validate('path', request?.params, event.pathParameters ?? {});
  const query = validate('query', request?.query, event.queryStringParameters ?? {});
  if (request?.body === undefined) {
    const text = rawBody(event);
    if (text !== undefined && text.length > 0 && route.method !== 'GET') {
      throw new ValidationError('This route takes no body.', [{ field: 'body', message: 'unexpected body' }]);
    }
    return { params, query, body: undefined };
  }
  const limit = request.maxBodyBytes ?? maxBodyBytes;
  if (
    (request.binary === true && BINARY_CONTENT_TYPE.test(event.headers['content-type'] ?? '')) ||
    isRawContentType(request.rawContentTypes, event.headers['content-type'])
  ) {
    const bytes = bodyBytes(event) ?? Buffer.alloc(0);
    checkSize(bytes.byteLength, limit);
    return { params, query, body: undefined, binary: bytes };
  }
  const json = parseJsonBody(event, limit);
  const body = bodyFastPath?.(json) ?? validate('body', request.body, json);
  return { params, query, body };
}
