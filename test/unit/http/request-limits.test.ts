/**
 * The size and depth limits of every free-form field (functions/core/field-limits.ts), through
 * the shared request parsing: over a size limit → 413, nested too deep → 400, each naming the field.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { PayloadTooLargeError, type PlatformError, ValidationError } from '../../../functions/core/errors.ts';
import { FIELD_LIMITS, MAX_BODY_DEPTH, nestingDepth } from '../../../functions/core/field-limits.ts';
import { parseRequestInput } from '../../../functions/http/lib/request-input.ts';
import { type RouteDefinition, routes } from '../../../functions/http/routes.ts';

const MAX_BODY = 6 * 1024 * 1024;

function event(body: unknown, params: Record<string, string>): APIGatewayProxyEventV2 {
  return {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    headers: { 'content-type': 'application/json' },
    pathParameters: params,
    queryStringParameters: {},
  } as unknown as APIGatewayProxyEventV2;
}

/** Valid path parameters for every route used here. */
const PARAMS: Record<string, string> = {
  name: 'iris',
  version: '1',
  uploadId: '6f1c5a52-3c1e-4a53-9a43-0d2a7c0f3b11',
};

function paramsOf(route: RouteDefinition): Record<string, string> {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
  return Object.fromEntries(names.map((name) => [name, PARAMS[name] ?? 'x']));
}

function refusal(route: RouteDefinition, body: unknown): PlatformError {
  try {
    parseRequestInput(route, event(body, paramsOf(route)), MAX_BODY);
  } catch (error) {
    return error as PlatformError;
  }
  throw new Error('expected a refusal');
}

/** An object nested `depth` levels: { a: { a: … 1 } }. */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
}

const training = { dataset: 'iris', target: 'species', modelName: 'iris' };
const v2Input = { name: 'X', shape: [1], datatype: 'FP32', data: [1] };
const { metadata, metrics, hyperParameters, v2Parameters } = FIELD_LIMITS;
const grid = (count: number, size: number) =>
  Array.from({ length: count }, () =>
    Object.fromEntries(Array.from({ length: size }, (_, i) => [`p${i}`, i])),
  );

describe('request limits: 413 for a field over its size limit', () => {
  it.each([
    [
      'metadata over its bytes',
      routes.commitModelUpload,
      { metadata: { blob: 'x'.repeat(metadata.maxBytes) } },
      'body.metadata',
    ],
    [
      'metadata of about 0.6 MB',
      routes.commitModelUpload,
      { metadata: { blob: 'x'.repeat(600_000) } },
      'body.metadata',
    ],
    [
      'more metrics than allowed',
      routes.commitModelUpload,
      { metrics: Object.fromEntries(Array.from({ length: metrics.maxEntries + 1 }, (_, i) => [`m${i}`, i])) },
      'body.metrics',
    ],
    [
      'a metric name too long',
      routes.commitModelUpload,
      { metrics: { ['m'.repeat(metrics.maxKeyLength + 1)]: 1 } },
      `body.metrics.${'m'.repeat(metrics.maxKeyLength + 1)}`,
    ],
    [
      'a metric string too long',
      routes.commitModelUpload,
      { metrics: { note: 'x'.repeat(metrics.maxStringLength + 1) } },
      'body.metrics.note',
    ],
    [
      'a model description too long',
      routes.createModel,
      { name: 'iris', description: 'x'.repeat(2001) },
      'body.description',
    ],
    [
      'too many tags',
      routes.createModel,
      { name: 'iris', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
      'body.tags',
    ],
    [
      'an update description too long',
      routes.updateModel,
      { description: 'x'.repeat(2001) },
      'body.description',
    ],
    ['a rejection comment too long', routes.rejectVersion, { comment: 'x'.repeat(1001) }, 'body.comment'],
    ['an approval comment too long', routes.approveVersion, { comment: 'x'.repeat(1001) }, 'body.comment'],
    ['an API key name too long', routes.createApiKey, { name: 'x'.repeat(101) }, 'body.name'],
    [
      'an invitation email too long',
      routes.createUser,
      { username: 'carol', email: `${'c'.repeat(250)}@example.com` },
      'body.email',
    ],
    [
      'a dataset description too long',
      routes.createDatasetVersion,
      { name: 'iris', description: 'x'.repeat(2001) },
      'body.description',
    ],
    [
      'a training target too long',
      routes.createTrainingJob,
      { ...training, target: 'x'.repeat(257) },
      'body.target',
    ],
    [
      'more hyper-parameter algorithms than allowed',
      routes.createTrainingJob,
      {
        ...training,
        hyperParameters: Object.fromEntries(
          Array.from({ length: hyperParameters.maxAlgorithms + 1 }, (_, i) => [`a${i}`, [{ C: 1 }]]),
        ),
      },
      'body.hyperParameters',
    ],
    [
      'a hyper-parameter set with too many parameters',
      routes.createTrainingJob,
      { ...training, hyperParameters: { 'logistic-regression': grid(1, hyperParameters.maxParameters + 1) } },
      'body.hyperParameters.logistic-regression.0',
    ],
    [
      'a hyper-parameter grid over its bytes',
      routes.createTrainingJob,
      {
        ...training,
        hyperParameters: Object.fromEntries(
          Array.from({ length: hyperParameters.maxAlgorithms }, (_, i) => [`a${i}`, grid(50, 10)]),
        ),
      },
      'body.hyperParameters',
    ],
    [
      'a routing key too long',
      routes.predict,
      { instances: [[1]], routingKey: 'x'.repeat(257) },
      'body.routingKey',
    ],
    [
      'v2 parameters over their bytes',
      routes.v2ModelInfer,
      { inputs: [v2Input], parameters: { note: 'x'.repeat(v2Parameters.maxBytes) } },
      'body.parameters',
    ],
    ['a v2 request id too long', routes.v2ModelInfer, { inputs: [v2Input], id: 'x'.repeat(257) }, 'body.id'],
    [
      'more v2 input tensors than allowed',
      routes.v2ModelInfer,
      { inputs: Array.from({ length: 1025 }, () => v2Input) },
      'body.inputs',
    ],
  ])('%s', (_label, route, body, field) => {
    // Act
    const error = refusal(route as RouteDefinition, body);

    // Assess
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(error.status).toBe(413);
    expect(error.details.field).toBe(field);
  });
});

describe('request limits: 400 for nesting', () => {
  it(`refuses a body nested deeper than ${MAX_BODY_DEPTH} before parsing it, naming the path`, () => {
    // Prepare: 50,000 levels, as the probe that overflowed the stack.
    const text = `{"metadata":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`;

    // Act
    const error = refusal(routes.commitModelUpload, text);

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.status).toBe(400);
    expect(error.details.field).toBe(`body.metadata${'.a'.repeat(MAX_BODY_DEPTH - 1)}`);
  });

  it.each([
    ['metadata', routes.commitModelUpload, { metadata: nested(metadata.maxDepth + 1) }, 'body.metadata'],
    [
      'v2 parameters',
      routes.v2ModelInfer,
      { inputs: [v2Input], parameters: nested(v2Parameters.maxDepth + 1) },
      'body.parameters',
    ],
    [
      'v2 tensor parameters',
      routes.v2ModelInfer,
      { inputs: [{ ...v2Input, parameters: nested(v2Parameters.maxDepth + 1) }] },
      'body.inputs.0.parameters',
    ],
  ])('refuses %s nested deeper than its own limit', (_label, route, body, field) => {
    // Act
    const error = refusal(route as RouteDefinition, body);

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details.field).toBe(field);
    expect(error.message).toMatch(/nested \d+ levels deep/);
  });

  it('accepts fields at their limits', () => {
    // Act
    const input = parseRequestInput(
      routes.commitModelUpload,
      event(
        { metadata: nested(metadata.maxDepth) as Record<string, unknown>, metrics: { accuracy: 0.9 } },
        paramsOf(routes.commitModelUpload),
      ),
      MAX_BODY,
    );

    // Assess
    expect(nestingDepth((input.body as { metadata: unknown }).metadata)).toBe(metadata.maxDepth);
  });

  it('answers 413 for a field over its limit, listing the other issues too', () => {
    // Act
    const error = refusal(routes.createModel, { name: 'Not A Name', description: 'x'.repeat(2001) });

    // Assess
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(error.details.field).toBe('body.description');
    expect((error.details.errors as { field: string }[]).map((issue) => issue.field)).toEqual([
      'body.name',
      'body.description',
    ]);
  });
});
