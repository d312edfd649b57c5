/**
 * Bad input gets a 4xx naming what is wrong, never a 500 or a silent wrong answer, through the local
 * API: prediction values the model would get wrong (float32 overflow, null where no imputer handles
 * it, NaN outputs), free-form fields over their size or depth, and forged pagination cursors.
 */
import onnxProto, { type onnx as Onnx } from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';

const { onnx } = onnxProto;
const FLOAT = 1;

let t: TestPlatform;
let alice: string;
let bob: string;

/** A model with one float input `X` [N, 1] and one node: y = op(X), reduced to a scalar if asked. */
function unaryModel(op: string, reduce: boolean): Uint8Array {
  const tensor = (name: string, dims: Onnx.TensorShapeProto.IDimension[]): Onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: dims } } },
  });
  const batch = [{ dimParam: 'N' }, { dimValue: 1 }];
  const node: Onnx.INodeProto[] = [{ opType: op, input: ['X'], output: [reduce ? 'mapped' : 'y'] }];
  if (reduce) {
    node.push({
      opType: 'ReduceSum',
      input: ['mapped'],
      output: ['y'],
      attribute: [{ name: 'keepdims', type: 2, i: 0 }],
    });
  }
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'e2e-test',
    opsetImport: [{ domain: '', version: 13 }],
    graph: { name: op, node, input: [tensor('X', batch)], output: [tensor('y', reduce ? [] : batch)] },
  }).finish();
}

async function register(name: string, bytes: Uint8Array) {
  expect((await t.call('POST', '/v1/models', { token: alice, body: { name } })).status).toBe(201);
  const version = await t.call('POST', `/v1/models/${name}/versions`, {
    token: alice,
    rawBody: Buffer.from(bytes) as unknown as string,
    headers: { 'content-type': 'application/octet-stream' },
  });
  expect(version.status).toBe(201);
}

function expectProblem(response: { status: number; headers: Headers; json: any }, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.json).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
}

beforeAll(async () => {
  t = await startTestPlatform({ functionEnvironment: { SERVING_CACHE_TTL_MS: '0' } });
  [alice, bob] = await Promise.all([t.token('alice'), t.token('bob')]);
  await register('iris', fixture('iris_logreg_zipmap').bytes);
  await register('tenure', fixture('tenure_mixed_inputs').bytes);
  await register('square-root', unaryModel('Sqrt', false));
  await register('summed-root', unaryModel('Sqrt', true));
});
afterAll(async () => t?.close());

describe('predictions the model would get wrong', () => {
  it.each([
    ['1e39', 1e39],
    ['-1e39', -1e39],
  ])('refuses %s for a float32 input: 422 naming row and field', async (_label, value) => {
    // Act
    const response = await t.call('POST', '/v1/models/iris/predict', {
      token: alice,
      body: {
        instances: [
          [5.1, 3.5, 1.4, 0.2],
          [5.1, 3.5, value, 0.2],
        ],
      },
    });

    // Assess
    expectProblem(response, 422);
    expect(response.json).toMatchObject({ row: 2, field: 'X[2]' });
    expect(response.json.detail).toMatch(/out of range for float32/);
  });

  it('refuses null for an uploaded model that does not declare it handles missing values', async () => {
    // Act
    const numeric = await t.call('POST', '/v1/models/iris/predict', {
      token: alice,
      body: { instances: [[5.1, null, 1.4, 0.2]] },
    });
    const category = await t.call('POST', '/v1/models/tenure/predict', {
      token: alice,
      body: {
        instances: [
          { tenure_months: 3, contract: 'monthly' },
          { tenure_months: 3, contract: null },
        ],
      },
    });

    // Assess
    expectProblem(numeric, 422);
    expect(numeric.json).toMatchObject({ row: 1, field: 'X[1]' });
    expectProblem(category, 422);
    expect(category.json).toMatchObject({ row: 2, field: 'contract' });
  });

  it('refuses the same values on the Open Inference Protocol path, with 400 as KServe and Triton do', async () => {
    // Act
    const overflow = await t.call('POST', '/v2/models/iris/infer', {
      token: alice,
      body: { inputs: [{ name: 'X', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1e39, 0.2] }] },
    });
    const missing = await t.call('POST', '/v2/models/iris/infer', {
      token: alice,
      body: { inputs: [{ name: 'X', shape: [1, 4], datatype: 'FP32', data: [5.1, null, 1.4, 0.2] }] },
    });

    // Assess: the protocol's own error body.
    expect(overflow.status).toBe(400);
    expect(overflow.json.error).toMatch(/^Inputs\[0\]\.data\[2\]: 1e\+39 is out of range for float32/);
    expect(missing.status).toBe(400);
    expect(missing.json.error).toMatch(/^Inputs\[0\]\.data\[1\]: a missing value \(null\) is not allowed/);
  });

  it('never returns a NaN output: 422 naming the row that produced it, on /v1 and /v2', async () => {
    // Act
    const v1 = await t.call('POST', '/v1/models/square-root/predict', {
      token: alice,
      body: { instances: [[4], [-1], [9]] },
    });
    const v2 = await t.call('POST', '/v2/models/square-root/infer', {
      token: alice,
      body: { inputs: [{ name: 'X', shape: [3, 1], datatype: 'FP32', data: [4, 9, -1] }] },
    });
    const fine = await t.call('POST', '/v1/models/square-root/predict', {
      token: alice,
      body: { instances: [[4], [9]] },
    });

    // Assess
    expectProblem(v1, 422);
    expect(v1.json).toMatchObject({ row: 2, field: 'instances', output: 'y' });
    expect(v1.json.detail).toMatch(/not a number \(NaN\)/);
    expect(v2.status).toBe(422);
    expect(v2.json.error).toMatch(/^Row 3: the model's output "y" is not a number/);
    expect(fine.status).toBe(200);
    expect(fine.json.predictions).toEqual([2, 3]);
  });

  it('answers a 502 that says nothing internal when no row can be blamed for the NaN', async () => {
    // Act: the output is one number for the whole batch.
    const response = await t.call('POST', '/v1/models/summed-root/predict', {
      token: alice,
      body: { instances: [[4], [-1]] },
    });

    // Assess
    expectProblem(response, 502);
    expect(response.json.detail).toMatch(/not a finite number, and no single request row caused it/);
    expect(response.text).not.toMatch(/Sqrt|ReduceSum|onnx|stack|\.ts\b/i);
  });
});

describe('free-form fields over their limits', () => {
  const model = fixture('iris_logreg_zipmap').bytes.toString('base64');

  it('answers 413 naming body.metadata for metadata of about 0.6 MB (was a 500 from DynamoDB)', async () => {
    // Act
    const response = await t.call('POST', '/v1/models/iris/versions', {
      token: alice,
      body: { modelBase64: model, metadata: { notes: 'x'.repeat(600_000) } },
    });

    // Assess
    expectProblem(response, 413);
    expect(response.json.field).toBe('body.metadata');
    expect(response.json.detail).toMatch(/at most 16384 allowed/);
  });

  it('answers 400 naming the path for metadata nested 50,000 deep (was a stack overflow)', async () => {
    // Prepare
    const depth = 50_000;
    const rawBody = `{"modelBase64":"${model}","metadata":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;

    // Act
    const response = await t.call('POST', '/v1/models/iris/versions', {
      token: alice,
      rawBody,
      headers: { 'content-type': 'application/json' },
    });

    // Assess
    expectProblem(response, 400);
    expect(response.json.field).toMatch(/^body\.metadata\.a\.a/);
    expect(response.json.detail).toMatch(/nested more than 32 levels deep/);
  });

  it('answers 400 for metadata nested deeper than its own limit, still naming the field', async () => {
    // Act
    const response = await t.call('POST', '/v1/models/iris/versions', {
      token: alice,
      body: {
        modelBase64: model,
        metadata: { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } },
      },
    });

    // Assess
    expectProblem(response, 400);
    expect(response.json.field).toBe('body.metadata');
  });
});

describe('pagination cursors', () => {
  it('walks a listing with the cursors it hands out', async () => {
    // Act
    const first = await t.call('GET', '/v1/models?limit=1', { token: alice });
    const second = await t.call(
      'GET',
      `/v1/models?limit=1&cursor=${encodeURIComponent(first.json.nextCursor)}`,
      {
        token: alice,
      },
    );

    // Assess
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.json.items[0].name).not.toBe(first.json.items[0].name);
  });

  it('answers 400 naming query.cursor for a forged cursor (was a 500 from DynamoDB)', async () => {
    // Prepare: a LastEvaluatedKey of another shape, as a base64url JSON cursor looked before.
    const forged = Buffer.from(JSON.stringify({ name: { S: 'x' }, bogus: 1 })).toString('base64url');

    // Act
    const response = await t.call('GET', `/v1/models?cursor=${forged}`, { token: alice });

    // Assess
    expectProblem(response, 400);
    expect(response.json.field).toBe('query.cursor');
  });

  it('answers 400 for a real cursor used in another listing or by another caller', async () => {
    // Prepare
    const models = await t.call('GET', '/v1/models?limit=1', { token: alice });
    const cursor = encodeURIComponent(models.json.nextCursor);

    // Act
    const otherListing = await t.call('GET', `/v1/models/iris/versions?cursor=${cursor}`, { token: alice });
    const otherCaller = await t.call('GET', `/v1/models?cursor=${cursor}`, { token: bob });

    // Assess
    expectProblem(otherListing, 400);
    expectProblem(otherCaller, 400);
    expect(otherCaller.json.field).toBe('query.cursor');
  });
});
