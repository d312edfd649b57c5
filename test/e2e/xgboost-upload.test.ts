/**
 * Bring your own XGBoost model, through the local API: upload the file XGBoost 1.7 saved (raw,
 * base64 in JSON, or presigned + commit), get a version and an endpoint at once, and predict what
 * XGBoost predicted for the same rows (relative 1e-6, missing values and rows on split thresholds
 * included). A file that is no usable XGBoost model is 422, a wrong number of feature names 400.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketDefinitions, localBucketName } from '../../infra/definitions/storage.ts';
import { fixture as onnxFixture } from '../support/fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';

const directory = fileURLToPath(new URL('../fixtures/xgboost/', import.meta.url));
const fixture = (file: string) => new Uint8Array(readFileSync(`${directory}${file}`));
const expectedOf = (name: string) =>
  JSON.parse(readFileSync(`${directory}${name}.expected.json`, 'utf8')) as {
    featureNames?: string[];
    rows: (number | null)[][];
    all: { values?: number[]; probabilities?: number[] };
    best?: { probabilities?: number[] };
  };

const regression = expectedOf('regression-200');
const NAMES = regression.featureNames as string[];

let t: TestPlatform;
let alice: string;
let s3: S3Client;
const bucket = localBucketName(bucketDefinitions.models);

beforeAll(async () => {
  t = await startTestPlatform({ functionEnvironment: { SERVING_CACHE_TTL_MS: '0' } });
  alice = await t.token('alice');
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: t.platform.endpoints.s3,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
});
afterAll(async () => {
  s3?.destroy();
  await t?.close();
});

async function createModel(name: string, task: 'regression' | 'classification') {
  const response = await t.call('POST', '/v1/models', { token: alice, body: { name, task } });
  expect(response.status).toBe(201);
}

function uploadRaw(name: string, bytes: Uint8Array, query: string) {
  return t.call('POST', `/v1/models/${name}/versions?${query}`, {
    token: alice,
    rawBody: Buffer.from(bytes) as unknown as string,
    headers: { 'content-type': 'application/octet-stream' },
  });
}

async function storedObjects(prefix: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key ?? '');
}

async function storedBytes(key: string): Promise<Uint8Array> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return object.Body?.transformToByteArray() ?? new Uint8Array();
}

function instancesOf(rows: readonly (number | null)[][], names: readonly string[]) {
  return rows.map((row) => Object.fromEntries(row.map((value, c) => [names[c], value])));
}

function largestRelativeGap(actual: readonly (number | number[])[], expected: readonly number[]): number {
  const flat = actual.flat();
  expect(flat).toHaveLength(expected.length);
  return Math.max(
    ...flat.map((value, i) => Math.abs(value - (expected[i] as number)) / Math.abs(expected[i] as number)),
  );
}

async function predict(name: string, instances: unknown[]) {
  const response = await t.call('POST', `/v1/models/${name}/predict`, { token: alice, body: { instances } });
  expect(response.status).toBe(200);
  return response.json;
}

describe('an uploaded XGBoost model predicts what XGBoost predicts', () => {
  it('raw JSON file with its own feature names: version, endpoint at once, values within 1e-6', async () => {
    // Prepare
    await createModel('house-prices', 'regression');
    const bytes = fixture('regression-200.xgb-json');

    // Act
    const version = await uploadRaw('house-prices', bytes, 'format=xgboost');
    const prediction = await predict('house-prices', instancesOf(regression.rows, NAMES));

    // Assess
    expect(version.status).toBe(201);
    expect(version.json).toMatchObject({
      version: 1,
      framework: 'xgboost',
      signature: { kind: 'regressor' },
      sourceFile: { format: 'xgboost', encoding: 'json', objective: 'reg:squarederror', rounds: 400 },
    });
    expect(version.json.signature.inputs.map((input: { name: string }) => input.name)).toEqual(NAMES);
    expect(version.json.sourceFile).toMatchObject({ sizeBytes: bytes.byteLength, featureNames: NAMES });
    expect(version.json.sourceFile).not.toHaveProperty('key');
    expect(largestRelativeGap(prediction.predictions, regression.all.values ?? [])).toBeLessThanOrEqual(1e-6);
  });

  it('keeps the original file beside the ONNX artifact, with its sha256', async () => {
    // Prepare
    const bytes = fixture('regression-200.xgb-json');

    // Act
    const keys = await storedObjects('models/house-prices/');
    const version = await t.call('GET', '/v1/models/house-prices/versions/1', { token: alice });

    // Assess
    const original = keys.find((key) => key.endsWith('.xgboost')) ?? '';
    const onnx = keys.find((key) => key.endsWith('.onnx')) ?? '';
    expect(keys).toHaveLength(2);
    expect(await storedBytes(original)).toEqual(bytes);
    expect(version.json.sourceFile.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(version.json.sha256).toBe(
      createHash('sha256')
        .update(await storedBytes(onnx))
        .digest('hex'),
    );
  });

  it('hands out the original file for download, with its sha256; an ONNX-only version has none (404)', async () => {
    // Act
    const source = await t.call('GET', '/v1/models/house-prices/versions/1/source-file', { token: alice });
    const downloaded = new Uint8Array(await (await fetch(source.json.url)).arrayBuffer());

    // Assess
    expect(source.status).toBe(200);
    expect(source.json).toMatchObject({ method: 'GET', format: 'xgboost', encoding: 'json' });
    expect(downloaded).toEqual(fixture('regression-200.xgb-json'));
    expect(createHash('sha256').update(downloaded).digest('hex')).toBe(source.json.sha256);
    await createModel('onnx-only', 'regression');
    expect((await uploadRaw('onnx-only', onnxFixture('diabetes_linear').bytes, '')).status).toBe(201);
    const none = await t.call('GET', '/v1/models/onnx-only/versions/1/source-file', { token: alice });
    expect(none.status).toBe(404);
    expect(none.json.detail).toMatch(/uploaded as ONNX/);
  });

  it('binary file through a presigned upload, feature names given at commit', async () => {
    // Prepare
    await createModel('house-prices-bin', 'regression');
    const names = NAMES.map((name) => `${name}_x`);
    const file = fixture('regression-200.bin');
    const started = await t.call('POST', '/v1/models/house-prices-bin/uploads', {
      token: alice,
      body: { sizeBytes: file.byteLength },
    });
    const put = await fetch(started.json.uploadUrl, { method: 'PUT', body: file });
    expect(put.status).toBe(200);

    // Act
    const committed = await t.call(
      'POST',
      `/v1/models/house-prices-bin/uploads/${started.json.uploadId}/commit`,
      { token: alice, body: { format: 'xgboost', featureNames: names } },
    );
    const prediction = await predict('house-prices-bin', instancesOf(regression.rows, names));

    // Assess
    expect(committed.status).toBe(201);
    expect(committed.json.sourceFile).toMatchObject({ encoding: 'binary', featureNames: names });
    expect(largestRelativeGap(prediction.predictions, regression.all.values ?? [])).toBeLessThanOrEqual(1e-6);
  });

  it('binary:logistic as base64 JSON: labels and probabilities as XGBoost gives them', async () => {
    // Prepare
    await createModel('churn-xgb', 'classification');
    const expected = expectedOf('binary-logistic');
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];

    // Act
    const version = await t.call('POST', '/v1/models/churn-xgb/versions', {
      token: alice,
      body: {
        modelBase64: Buffer.from(fixture('binary-logistic.ubj')).toString('base64'),
        format: 'xgboost',
        featureNames: names,
      },
    });
    // Early stopping saved a best iteration: served up to it, as XGBoost's scikit-learn wrapper predicts.
    const probabilities = expected.best?.probabilities ?? [];
    const prediction = await predict('churn-xgb', instancesOf(expected.rows, names));

    // Assess
    expect(version.status).toBe(201);
    expect(version.json.signature).toMatchObject({ kind: 'classifier', classLabels: [0, 1] });
    const positive = (prediction.probabilities as number[][]).map((row) => row[1] as number);
    expect(largestRelativeGap(positive, probabilities)).toBeLessThanOrEqual(1e-6);
    expect(prediction.predictions).toEqual(probabilities.map((p) => (p > 0.5 ? 1 : 0)));
  });
});

describe('refused XGBoost uploads', () => {
  it.each([
    ['a linear booster', fixture('gblinear.xgb-json'), /gblinear booster/],
    [
      'bytes that are no XGBoost model',
      new TextEncoder().encode('{"learner": 1}'),
      /Not a valid XGBoost JSON model/,
    ],
  ])('answers %s with 422 and keeps no version or object', async (_what, bytes, detail) => {
    // Prepare
    const name = `refused-xgb-${Math.random().toString(36).slice(2, 8)}`;
    await createModel(name, 'regression');

    // Act
    const response = await uploadRaw(name, bytes, 'format=xgboost');

    // Assess
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.json.detail).toMatch(detail);
    expect((await t.call('GET', `/v1/models/${name}/versions`, { token: alice })).json.items).toEqual([]);
    expect(await storedObjects(`models/${name}/`)).toEqual([]);
  });

  it('answers a wrong number of feature names with 400 naming the field', async () => {
    // Prepare
    await createModel('short-names', 'regression');

    // Act
    const raw = await uploadRaw(
      'short-names',
      fixture('regression-200.bin'),
      'format=xgboost&featureNames=a,b,c',
    );
    const json = await t.call('POST', '/v1/models/short-names/versions', {
      token: alice,
      body: {
        modelBase64: Buffer.from(fixture('regression-200.bin')).toString('base64'),
        format: 'xgboost',
        featureNames: [...NAMES, 'extra'],
      },
    });

    // Assess
    expect(raw.status).toBe(400);
    expect(raw.json).toMatchObject({ status: 400, field: 'query.featureNames' });
    expect(raw.json.detail).toMatch(/6 features \(num_feature\); featureNames lists 3/);
    expect(json.status).toBe(400);
    expect(json.json).toMatchObject({ field: 'body.featureNames' });
    expect(await storedObjects('models/short-names/')).toEqual([]);
  });

  it('refuses an unknown format, and a format in the query of a JSON upload, with 400', async () => {
    // Act
    const unknown = await uploadRaw('short-names', fixture('regression-200.bin'), 'format=lightgbm');
    const misplaced = await t.call('POST', '/v1/models/short-names/versions?format=xgboost', {
      token: alice,
      body: { modelBase64: Buffer.from(fixture('regression-200.bin')).toString('base64') },
    });

    // Assess
    expect(unknown.status).toBe(400);
    expect(unknown.json.detail).toMatch(/query\.format/);
    expect(misplaced.status).toBe(400);
    expect(misplaced.json).toMatchObject({ field: 'query.format' });
    expect(misplaced.json.detail).toMatch(/give format in the body/);
  });
});
