/**
 * The model registry and predictions through the local API: upload real ONNX exports, govern
 * versions and aliases, and predict with scikit-learn's own answers as the expected output.
 */
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketDefinitions, localBucketName } from '../../infra/definitions/storage.ts';
import { FIXTURE_NAMES, fixture } from '../support/fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';
import { customOperatorModel, externalDataModel, futureOpsetModel } from '../support/unsupported-onnx.ts';

const MAX_MODEL_BYTES = 100_000;
let t: TestPlatform;
let alice: string;
let admin: string;
let bob: string;

beforeAll(async () => {
  t = await startTestPlatform({
    // No serving cache: these tests change aliases and visibility and predict at once.
    functionEnvironment: { MAX_MODEL_BYTES: String(MAX_MODEL_BYTES), SERVING_CACHE_TTL_MS: '0' },
  });
  [alice, admin, bob] = await Promise.all([t.token('alice'), t.token('admin'), t.token('bob')]);
});
afterAll(async () => t?.close());

async function createModel(name: string, token = alice, extra: Record<string, unknown> = {}) {
  const response = await t.call('POST', '/v1/models', {
    token,
    body: { name, task: 'classification', ...extra },
  });
  expect(response.status).toBe(201);
  return response.json;
}

async function upload(name: string, bytes: Uint8Array, token = alice) {
  return t.call('POST', `/v1/models/${name}/versions`, {
    token,
    rawBody: Buffer.from(bytes) as unknown as string,
    headers: { 'content-type': 'application/octet-stream' },
  });
}

async function storedObjects(prefix: string): Promise<string[]> {
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: t.platform.endpoints.s3,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const listed = await s3.send(
    new ListObjectsV2Command({ Bucket: localBucketName(bucketDefinitions.models), Prefix: prefix }),
  );
  s3.destroy();
  return (listed.Contents ?? []).map((o) => o.Key ?? '');
}

function expectClose(actual: number[][], expected: number[][], tolerance: number) {
  expect(actual).toHaveLength(expected.length);
  for (const [i, row] of actual.entries()) {
    for (const [j, value] of row.entries()) {
      expect(Math.abs(value - (expected[i]?.[j] ?? Number.NaN))).toBeLessThan(tolerance);
    }
  }
}

describe('uploading a model and predicting at once', () => {
  it.each(FIXTURE_NAMES)('%s: reproduces scikit-learn’s predictions through the API', async (name) => {
    const { bytes, rows, expected } = fixture(name);
    const modelName = name.replaceAll('_', '-');
    await createModel(modelName);
    const version = await upload(modelName, bytes);
    expect(version.status).toBe(201);
    expect(version.json).toMatchObject({
      version: 1,
      status: 'pending',
      sizeBytes: bytes.byteLength,
      framework: 'scikit-learn',
    });
    expect(version.headers.get('location')).toBe(`/v1/models/${modelName}/versions/1`);

    const prediction = await t.call('POST', `/v1/models/${modelName}/predict`, {
      token: alice,
      body: { instances: rows },
    });
    expect(prediction.status).toBe(200);
    expect(prediction.json).toMatchObject({ model: modelName, version: 1 });
    expect(prediction.headers.get('x-model-version')).toBe('1');
    if (expected.predict_proba) {
      expect(prediction.json.predictions).toEqual(expected.predict);
      expectClose(prediction.json.probabilities, expected.predict_proba, 1e-5);
    } else {
      prediction.json.predictions.forEach((value: number | number[], i: number) => {
        const v = Array.isArray(value) ? (value[0] ?? NaN) : value;
        expect(
          Math.abs(v - (expected.predict[i] as number)) / Math.abs(expected.predict[i] as number),
        ).toBeLessThan(1e-5);
      });
    }
  });

  it('reads the signature from the graph, with class labels', async () => {
    const version = await t.call('GET', '/v1/models/tenure-mixed-inputs/versions/1', { token: alice });
    expect(version.json.signature.inputs).toEqual([
      { name: 'tenure_months', isTensor: true, type: 'float32', shape: [null, 1] },
      { name: 'contract', isTensor: true, type: 'string', shape: [null, 1] },
    ]);
    expect(version.json.signature).toMatchObject({ kind: 'classifier', classLabels: [0, 1] });
    expect(version.json.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(version.json).not.toHaveProperty('artifactKey');
  });

  it('accepts the file base64-encoded in JSON, with metrics and metadata', async () => {
    await createModel('iris-json');
    const response = await t.call('POST', '/v1/models/iris-json/versions', {
      token: alice,
      body: {
        modelBase64: fixture('iris_logreg_zipmap').bytes.toString('base64'),
        metrics: { accuracy: 0.97 },
        metadata: { notebook: 'iris.ipynb' },
      },
    });
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({
      metrics: { accuracy: 0.97 },
      metadata: { notebook: 'iris.ipynb' },
    });
  });
});

describe('refused uploads leave nothing behind', () => {
  it.each([
    ['an empty file', new Uint8Array(), /empty/],
    ['a text file', new TextEncoder().encode('sepal_length,species\n5.1,setosa\n'), /ONNX|protobuf|model/i],
    ['a truncated model', fixture('breast_cancer_gbdt').bytes.subarray(0, 5000), /./],
    ['a file over the size limit', new Uint8Array(MAX_MODEL_BYTES + 1), /limit/],
    ['a model with external data', externalDataModel(), /save_as_external_data=False/],
    ['a model with a custom operator', customOperatorModel(), /custom operators \(com\.acme:Frob\)/],
    ['a model of a future opset', futureOpsetModel(), /opset 99, newer than onnxruntime here supports/],
  ])('answers %s with 422 and keeps no version or object', async (_what, bytes, reason) => {
    const name = `refused-${Math.random().toString(36).slice(2, 8)}`;
    await createModel(name);
    const response = await upload(name, bytes);
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.json.detail).toMatch(reason);
    expect(response.json.detail).not.toMatch(/\/work|\/tmp|onnxruntime_src|\.cc:/);
    expect((await t.call('GET', `/v1/models/${name}/versions`, { token: alice })).json.items).toEqual([]);
    expect(await storedObjects(`models/${name}/`)).toEqual([]);
  });
});

describe('version numbers', () => {
  it('gives 50 concurrent uploads 50 distinct consecutive numbers', async () => {
    await createModel('busy');
    const bytes = fixture('diabetes_linear').bytes;
    const responses = await Promise.all(Array.from({ length: 50 }, () => upload('busy', bytes)));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
    const numbers = responses.map((r) => r.json.version as number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });
});

describe('presigned uploads for large files', () => {
  it('uploads to S3 directly, then commits the file as a version', async () => {
    await createModel('big-upload');
    const bytes = fixture('iris_logreg_zipmap').bytes;
    const started = await t.call('POST', '/v1/models/big-upload/uploads', {
      token: alice,
      body: { sizeBytes: bytes.byteLength },
    });
    expect(started.status).toBe(201);
    expect(started.json.sizeBytes).toBe(bytes.byteLength);
    // On AWS, S3 holds the client to the declared length: it is a signed header of the URL.
    expect(new URL(started.json.uploadUrl).searchParams.get('X-Amz-SignedHeaders')?.split(';')).toContain(
      'content-length',
    );
    const put = await fetch(started.json.uploadUrl, { method: 'PUT', body: bytes });
    expect(put.status).toBe(200);
    const committed = await t.call('POST', `/v1/models/big-upload/uploads/${started.json.uploadId}/commit`, {
      token: alice,
      body: { metrics: { f1: 0.9 } },
    });
    expect(committed.status).toBe(201);
    expect(committed.json).toMatchObject({ version: 1, metrics: { f1: 0.9 } });
    expect(await storedObjects('uploads/big-upload/')).toEqual([]);
  });
});

describe('governance: approval, aliases, splits', () => {
  it('lets admins alone approve, keeping the audit trail', async () => {
    await createModel('governed');
    await upload('governed', fixture('iris_logreg_zipmap').bytes);
    expect((await t.call('POST', '/v1/models/governed/versions/1/approve', { token: alice })).status).toBe(
      403,
    );
    const approved = await t.call('POST', '/v1/models/governed/versions/1/approve', {
      token: admin,
      body: { comment: 'validated on hold-out' },
    });
    expect(approved.status).toBe(200);
    expect(approved.json.status).toBe('approved');
    expect(approved.json.auditTrail.at(-1)).toMatchObject({
      by: 'admin',
      from: 'pending',
      to: 'approved',
      comment: 'validated on hold-out',
    });
    expect(
      (await t.call('POST', '/v1/models/governed/versions/1/reject', { token: admin, body: {} })).status,
    ).toBe(400);
  });

  it('points production (admins only) at approved versions, and predictions follow it', async () => {
    await upload('governed', fixture('iris_logreg_zipmap').bytes);
    expect(
      (await t.call('PUT', '/v1/models/governed/aliases/production', { token: alice, body: { version: 1 } }))
        .status,
    ).toBe(403);
    const pending = await t.call('PUT', '/v1/models/governed/aliases/production', {
      token: admin,
      body: { version: 2 },
    });
    expect(pending.status).toBe(422);
    const set = await t.call('PUT', '/v1/models/governed/aliases/production', {
      token: admin,
      body: { version: 1 },
    });
    expect(set.status).toBe(200);
    const prediction = await t.call('POST', '/v1/models/governed/predict', {
      token: alice,
      body: { instances: [[5.1, 3.5, 1.4, 0.2]] },
    });
    expect(prediction.json).toMatchObject({ version: 1, alias: 'production', predictions: [0] });
    const direct = await t.call('POST', '/v1/models/governed/predict?version=2', {
      token: alice,
      body: { instances: [[5.1, 3.5, 1.4, 0.2]] },
    });
    expect(direct.json.version).toBe(2);
    expect((await t.call('DELETE', '/v1/models/governed', { token: alice })).status).toBe(409);
  });

  it('splits an alias by weight, sticky per routing key', async () => {
    await t.call('POST', '/v1/models/governed/versions/2/approve', { token: admin });
    const split = await t.call('PUT', '/v1/models/governed/aliases/canary', {
      token: alice,
      body: {
        split: [
          { version: 1, weight: 50 },
          { version: 2, weight: 50 },
        ],
      },
    });
    expect(split.status).toBe(200);
    const versionFor = async (routingKey: string) =>
      (
        await t.call('POST', '/v1/models/governed/predict?alias=canary', {
          token: alice,
          body: { instances: [[5.1, 3.5, 1.4, 0.2]], routingKey },
        })
      ).json.version as number;
    const first = await versionFor('customer-42');
    for (let i = 0; i < 5; i += 1) expect(await versionFor('customer-42')).toBe(first);
    const seen = new Set<number>();
    for (let i = 0; i < 30; i += 1) seen.add(await versionFor(`customer-${i}`));
    expect([...seen].sort()).toEqual([1, 2]);
    const badSplit = await t.call('PUT', '/v1/models/governed/aliases/canary', {
      token: alice,
      body: {
        split: [
          { version: 1, weight: 50 },
          { version: 2, weight: 40 },
        ],
      },
    });
    expect(badSplit.status).toBe(422);
  });
});

describe('access to models', () => {
  it("hides another owner's model (404) until it is team-visible, and then only for reading and predicting", async () => {
    const instances = [[5.1, 3.5, 1.4, 0.2]];
    expect(
      (await t.call('POST', '/v1/models/iris-json/predict', { token: bob, body: { instances } })).status,
    ).toBe(404);
    expect((await t.call('GET', '/v1/models/iris-json', { token: bob })).status).toBe(404);
    await t.call('PATCH', '/v1/models/iris-json', { token: alice, body: { teamVisible: true } });
    expect(
      (await t.call('POST', '/v1/models/iris-json/predict', { token: bob, body: { instances } })).status,
    ).toBe(200);
    expect(
      (await t.call('GET', '/v1/models?visibility=team', { token: bob })).json.items.map(
        (m: { name: string }) => m.name,
      ),
    ).toContain('iris-json');
    expect((await upload('iris-json', fixture('iris_logreg_zipmap').bytes, bob)).status).toBe(404);
    expect(
      (await t.call('PATCH', '/v1/models/iris-json', { token: bob, body: { description: 'mine now' } }))
        .status,
    ).toBe(404);
  });

  it('lets a predict-only key predict but nothing else', async () => {
    const key = await t.call('POST', '/v1/api-keys', {
      token: alice,
      body: { name: 'serving', scope: 'predict' },
    });
    const apiKey = key.json.apiKey;
    const prediction = await t.call('POST', '/v1/models/iris-json/predict', {
      apiKey,
      body: { instances: [[5.1, 3.5, 1.4, 0.2]] },
    });
    expect(prediction.status).toBe(200);
    expect((await t.call('GET', '/v1/models', { apiKey })).status).toBe(403);
  });
});

describe('input checked against the signature', () => {
  it.each([
    [{ instances: [[5.1, 3.5, 1.4]] }, 1],
    [
      {
        instances: [
          [5.1, 3.5, 1.4, 0.2],
          [1, 2, 'three', 4],
        ],
      },
      2,
    ],
    [
      {
        instances: [
          [5.1, 3.5, 1.4, 0.2],
          [5.1, 3.5, 1.4, 0.2],
          [1, 2, 3, 'Infinity'],
        ],
      },
      3,
    ],
  ])('refuses %j with 422 naming row %i', async (body, row) => {
    const response = await t.call('POST', '/v1/models/iris-json/predict', { token: alice, body });
    expect(response.status).toBe(422);
    expect(response.json.row).toBe(row);
    expect(response.json.field).toEqual(expect.any(String));
  });

  it('names the missing feature of a model with named inputs', async () => {
    const response = await t.call('POST', '/v1/models/tenure-mixed-inputs/predict', {
      token: alice,
      body: { instances: [{ tenure_months: 3, contract: 'yearly' }, { tenure_months: 3 }] },
    });
    expect(response.status).toBe(422);
    expect(response.json).toMatchObject({ row: 2, field: 'contract' });
  });
});

describe('Open Inference Protocol v2', () => {
  it('answers health and server metadata without credentials', async () => {
    expect((await t.call('GET', '/v2/health/live')).json).toEqual({ live: true });
    expect((await t.call('GET', '/v2/health/ready')).json).toEqual({ ready: true });
    expect((await t.call('GET', '/v2')).json).toMatchObject({ name: 'ml-platform', extensions: [] });
  });

  it('describes a model from its signature', async () => {
    const metadata = await t.call('GET', '/v2/models/iris-logreg-zipmap', { token: alice });
    expect(metadata.status).toBe(200);
    expect(metadata.json).toMatchObject({
      name: 'iris-logreg-zipmap',
      versions: ['1'],
      platform: 'onnx_onnxv1',
      inputs: [{ name: 'X', datatype: 'FP32', shape: [-1, 4] }],
    });
    expect(metadata.json.outputs.map((o: { name: string }) => o.name)).toEqual([
      'output_label',
      'output_probability',
    ]);
    expect(
      (await t.call('GET', '/v2/models/iris-logreg-zipmap/versions/1/ready', { token: alice })).json,
    ).toEqual({
      name: 'iris-logreg-zipmap',
      ready: true,
    });
  });

  it('infers with named tensors, echoing the id and honouring the output selection', async () => {
    const { rows, expected } = fixture('iris_logreg_zipmap');
    const response = await t.call('POST', '/v2/models/iris-logreg-zipmap/infer', {
      token: alice,
      body: {
        id: 'req-7',
        inputs: [{ name: 'X', shape: [rows.length, 4], datatype: 'FP32', data: (rows as number[][]).flat() }],
        outputs: [{ name: 'output_probability' }],
      },
    });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      model_name: 'iris-logreg-zipmap',
      model_version: '1',
      id: 'req-7',
    });
    expect(response.json.outputs).toHaveLength(1);
    const [probabilities] = response.json.outputs;
    expect(probabilities).toMatchObject({
      name: 'output_probability',
      shape: [rows.length, 3],
      datatype: 'FP32',
    });
    expectClose(
      Array.from({ length: rows.length }, (_, i) => probabilities.data.slice(i * 3, i * 3 + 3)),
      expected.predict_proba ?? [],
      1e-5,
    );
  });

  it('answers errors as {"error": …}', async () => {
    const missing = await t.call('POST', '/v2/models/no-such-model/infer', {
      token: alice,
      body: { inputs: [{ name: 'X', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] },
    });
    expect(missing.status).toBe(404);
    expect(Object.keys(missing.json)).toEqual(['error']);
    const badShape = await t.call('POST', '/v2/models/iris-logreg-zipmap/versions/1/infer', {
      token: alice,
      body: { inputs: [{ name: 'X', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3] }] },
    });
    expect(badShape.status).toBe(400);
    expect(badShape.headers.get('content-type')).toMatch(/^application\/json/);
    expect(badShape.json).toEqual({ error: 'Inputs[0].data: shape [1, 4] needs 4 values, data has 3' });
  });

  it.each([
    [
      'a datatype the input does not take',
      { name: 'X', shape: [1, 4], datatype: 'INT64', data: [1, 2, 3, 4] },
      /its datatype is FP32, not INT64/,
    ],
    [
      'an input name the model lacks',
      { name: 'petals', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] },
      /no input "petals"/,
    ],
    [
      'a rank the input does not have',
      { name: 'X', shape: [4], datatype: 'FP32', data: [1, 2, 3, 4] },
      /rank 2/,
    ],
  ])('answers %s with 400 {"error"}', async (_what, tensor, message) => {
    // Act
    const response = await t.call('POST', '/v2/models/iris-logreg-zipmap/versions/1/infer', {
      token: alice,
      body: { inputs: [tensor] },
    });

    // Assess
    expect(response.status).toBe(400);
    expect(Object.keys(response.json)).toEqual(['error']);
    expect(response.json.error).toMatch(message);
  });

  it('answers an output name the model lacks with 400 {"error"}', async () => {
    // Act
    const response = await t.call('POST', '/v2/models/iris-logreg-zipmap/versions/1/infer', {
      token: alice,
      body: {
        inputs: [{ name: 'X', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }],
        outputs: [{ name: 'nope' }],
      },
    });

    // Assess
    expect(response.status).toBe(400);
    expect(response.json.error).toMatch(/no output "nope"/);
  });
});
