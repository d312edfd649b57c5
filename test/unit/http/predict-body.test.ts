/**
 * The predict route's specialised body check against the zod schema it stands in front of, side by
 * side: over the fixtures' rows and generated edge cases, the request parsing with the fast path
 * must accept, refuse and word refusals exactly as the schema alone does, and the fast path must
 * never vouch for a body the schema refuses.
 */
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { PlatformError } from '../../../functions/core/errors.ts';
import { MAX_INSTANCES } from '../../../functions/core/inference/instances.ts';
import { acceptPredictBody } from '../../../functions/http/inference/predict-body.ts';
import { parseRequestInput } from '../../../functions/http/lib/request-input.ts';
import { routes } from '../../../functions/http/routes.ts';
import { predictBodySchema } from '../../../functions/http/schemas/predictions.ts';

const MAX_BODY = 6 * 1024 * 1024;
const FIXTURES = [
  'iris_logreg_zipmap',
  'diabetes_linear',
  'digits_logreg_tensor',
  'breast_cancer_gbdt',
  'tenure_mixed_inputs',
];

function fixtureRows(name: string): unknown[] {
  const url = new URL(`../../fixtures/onnx/${name}.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { rows: unknown[] }).rows;
}

const nestedArray = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
};

/** Bodies as JSON-able values: the fixtures' rows, then every shape the schema must decide on. */
function valueCorpus(): [string, unknown][] {
  const cases: [string, unknown][] = [];
  for (const name of FIXTURES) {
    const rows = fixtureRows(name);
    cases.push([`${name}: all rows`, { instances: rows }]);
    cases.push([`${name}: one row`, { instances: rows.slice(0, 1) }]);
    cases.push([`${name}: with a routing key`, { instances: rows.slice(0, 2), routingKey: 'caller-7' }]);
    cases.push([`${name}: an extra field`, { instances: rows, extra: true }]);
  }
  const row = [5.1, 3.5, 1.4, 0.2];
  cases.push(
    ['null', null],
    ['a number', 1],
    ['a string', 'instances'],
    ['a boolean', true],
    ['an array of rows', [row]],
    ['an empty object', {}],
    ['instances: null', { instances: null }],
    ['instances: an object', { instances: { a: 1 } }],
    ['instances: a string', { instances: '[[1]]' }],
    ['instances: a number', { instances: 4 }],
    ['instances: empty', { instances: [] }],
    ['instances: the most rows', { instances: Array.from({ length: MAX_INSTANCES }, () => row) }],
    ['instances: one row too many', { instances: Array.from({ length: MAX_INSTANCES + 1 }, () => row) }],
    ['instances: far too many rows', { instances: Array.from({ length: 3 * MAX_INSTANCES }, () => 1) }],
    ['rows of wrong types', { instances: ['a', true, null, { x: 1 }, [[1, 2]]] }],
    ['missing and extra features', { instances: [{ tenure_months: 3 }, { contract: 'x', other: 1 }] }],
    ['too many columns', { instances: [Array.from({ length: 5000 }, (_, i) => i)] }],
    [
      'nested arrays',
      {
        instances: [
          [
            [1, 2],
            [3, 4],
          ],
          [[[5]]],
        ],
      },
    ],
    ['nested 31 levels inside instances', { instances: [nestedArray(29)] }],
    ['routingKey: empty', { instances: [row], routingKey: '' }],
    ['routingKey: 256 characters', { instances: [row], routingKey: 'k'.repeat(256) }],
    ['routingKey: 257 characters', { instances: [row], routingKey: 'k'.repeat(257) }],
    ['routingKey: 256 characters of two code units each', { instances: [row], routingKey: '😀'.repeat(128) }],
    ['routingKey: 129 emoji', { instances: [row], routingKey: '😀'.repeat(129) }],
    ['routingKey: a number', { instances: [row], routingKey: 7 }],
    ['routingKey: null', { instances: [row], routingKey: null }],
    ['routingKey alone', { routingKey: 'k' }],
    ['routingKey and an extra field', { instances: [row], routingKey: 'k', extra: 1 }],
    ['two extra fields, no instances', { a: 1, b: 2 }],
    ['empty instances and a bad routing key', { instances: [], routingKey: 3 }],
  );
  return cases;
}

/** Bodies as texts, for what only a text can carry. */
function textCorpus(): [string, string][] {
  return [
    ['__proto__ as a field', '{"instances": [[1]], "__proto__": {"a": 1}}'],
    ['a duplicate instances field', '{"instances": [], "instances": [[1]]}'],
    [
      'a duplicate field hiding a deep value',
      `{"instances": ${'['.repeat(40)}${']'.repeat(40)}, "instances": [[1]]}`,
    ],
    ['nested 33 levels', `{"instances": ${JSON.stringify(nestedArray(32))}}`],
    ['nested 32 levels', `{"instances": ${JSON.stringify(nestedArray(31))}}`],
    ['brackets inside strings', `{"instances": [["${'['.repeat(50)}"]], "routingKey": "{{{"}`],
    ['NaN and Infinity literals', '{"instances": [[NaN, Infinity]]}'],
    ['not JSON', '{"instances": [[1, 2]'],
    ['not JSON and too deep', `{"instances": ${'['.repeat(40)}`],
    ['numbers beyond float64', '{"instances": [[1e400, -1e400]]}'],
    ['whitespace around', '  \n {"instances" : [ [ 1 ] ] }  '],
  ];
}

function event(text: string): APIGatewayProxyEventV2 {
  return {
    body: text,
    isBase64Encoded: false,
    headers: { 'content-type': 'application/json' },
    pathParameters: { name: 'iris' },
    queryStringParameters: {},
  } as unknown as APIGatewayProxyEventV2;
}

type Outcome =
  | { accepted: unknown }
  | { refused: { name: string; status: number; message: string; details: unknown } };

function outcomeOf(parse: () => unknown): Outcome {
  try {
    return { accepted: parse() };
  } catch (error) {
    if (!(error instanceof PlatformError)) throw error;
    return {
      refused: { name: error.name, status: error.status, message: error.message, details: error.details },
    };
  }
}

function requestOutcome(text: string, fast: boolean): Outcome {
  return outcomeOf(() =>
    parseRequestInput(routes.predict, event(text), MAX_BODY, fast ? acceptPredictBody : undefined),
  );
}

describe('acceptPredictBody', () => {
  it.each(valueCorpus())('decides %s as the schema does, through the request parsing', (_name, value) => {
    // Prepare
    const text = JSON.stringify(value);

    // Act
    const withFastPath = requestOutcome(text, true);
    const schemaOnly = requestOutcome(text, false);

    // Assess
    expect(withFastPath).toStrictEqual(schemaOnly);
  });

  it.each(textCorpus())('decides the text with %s as the schema does', (_name, text) => {
    // Act / Assess
    expect(requestOutcome(text, true)).toStrictEqual(requestOutcome(text, false));
  });

  it('never vouches for a value the schema refuses, JavaScript values JSON cannot carry included', () => {
    // Prepare: the corpus, plus values only a caller in process could hand over
    const values: unknown[] = [
      ...valueCorpus().map(([, value]) => value),
      { instances: [[Number.NaN, Number.POSITIVE_INFINITY]] },
      { instances: [[1]], routingKey: undefined },
      { instances: [undefined, undefined] },
      Object.create({ instances: [[1]] }),
      Object.assign(Object.create(null), { instances: [[1]] }),
      { instances: [[1]], [Symbol('s')]: 1 },
    ];

    for (const value of values) {
      // Act
      const fast = acceptPredictBody(value);
      const schema = predictBodySchema.safeParse(value);

      // Assess: where the fast path answers, it answers what the schema returns
      if (fast !== undefined) {
        expect(schema.success).toBe(true);
        expect(fast).toStrictEqual(schema.data);
      }
    }
  });

  it('takes the common bodies without the schema', () => {
    // Act / Assess: a body the fast path declines would still be right, only slower
    expect(acceptPredictBody({ instances: [[1, 2]] })).toStrictEqual({ instances: [[1, 2]] });
    expect(acceptPredictBody({ instances: [{ a: 1 }], routingKey: 'k' })).toStrictEqual({
      instances: [{ a: 1 }],
      routingKey: 'k',
    });
    expect(acceptPredictBody({ instances: [] })).toBeUndefined();
  });
});
