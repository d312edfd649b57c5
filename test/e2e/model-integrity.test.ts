/**
 * What a served model is, through the local API: the bytes that were checked at registration
 * (a file overwritten in storage is refused, not served), versions that exist with their file or
 * not at all, numbers that failed registrations do not spend, and the sweep of files no version
 * refers to.
 */
import { randomUUID } from 'node:crypto';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketDefinitions, localBucketName } from '../../infra/definitions/storage.ts';
import { fixture } from '../support/fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';

let t: TestPlatform;
let alice: string;
let s3: S3Client;
const bucket = localBucketName(bucketDefinitions.models);

beforeAll(async () => {
  t = await startTestPlatform({
    // The sweep takes any file without a record: nothing registers while the tests run it.
    functionEnvironment: { SERVING_CACHE_TTL_MS: '0', ORPHAN_ARTIFACT_MIN_AGE_SECONDS: '0' },
  });
  alice = await t.token('alice');
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: t.platform.endpoints.s3,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
});
afterAll(async () => {
  s3?.destroy();
  await t?.close();
});

async function createModel(name: string) {
  const response = await t.call('POST', '/v1/models', {
    token: alice,
    body: { name, task: 'classification' },
  });
  expect(response.status).toBe(201);
}

async function upload(name: string, bytes: Uint8Array, extra: Record<string, unknown> = {}) {
  return t.call('POST', `/v1/models/${name}/versions`, {
    token: alice,
    body: { modelBase64: Buffer.from(bytes).toString('base64'), ...extra },
  });
}

async function objectKeys(prefix: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key ?? '').sort();
}

async function overwrite(key: string, bytes: Uint8Array) {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
}

/** The iris model with its coefficients negated: a valid model, same signature, other answers. */
function tamperedIris(): Uint8Array {
  const model = onnxProto.onnx.ModelProto.decode(fixture('iris_logreg_zipmap').bytes);
  const linear = model.graph?.node?.find((n) => n.opType === 'LinearClassifier');
  const coefficients = linear?.attribute?.find((a) => a.name === 'coefficients');
  if (coefficients?.floats == null) throw new Error('The iris fixture changed shape.');
  coefficients.floats = coefficients.floats.map((c) => -c);
  return onnxProto.onnx.ModelProto.encode(model).finish();
}

async function predict(name: string, rows: unknown[]) {
  return t.call('POST', `/v1/models/${name}/predict?version=1`, { token: alice, body: { instances: rows } });
}

describe('a model file overwritten in storage', () => {
  it('is refused at its next cold load instead of serving different predictions', async () => {
    const iris = fixture('iris_logreg_zipmap');
    const tampered = tamperedIris();
    // What the overwritten file would answer if it were served: not what was registered.
    await createModel('iris-as-tampered');
    expect((await upload('iris-as-tampered', tampered)).status).toBe(201);
    const wouldServe = await predict('iris-as-tampered', iris.rows);
    expect(wouldServe.status).toBe(200);
    expect(wouldServe.json.predictions).not.toEqual(iris.expected.predict);

    await createModel('iris-guarded');
    const registered = await upload('iris-guarded', iris.bytes);
    expect(registered.status).toBe(201);
    const [key] = await objectKeys('models/iris-guarded/');
    await overwrite(key ?? '', tampered);

    const refused = await predict('iris-guarded', iris.rows);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.json).toMatchObject({ status: 503, title: 'Model unavailable' });
    expect(refused.json.detail).toMatch(/version 1 of model iris-guarded cannot be served/i);
    // Nothing internal: no key, no checksum.
    expect(refused.text).not.toContain(key ?? 'no key');
    expect(refused.text).not.toContain(registered.json.sha256);
    expect(refused.json.predictions).toBeUndefined();
    // A refusal is not remembered: restored, the file serves again.
    expect((await predict('iris-guarded', iris.rows)).status).toBe(503);
    await overwrite(key ?? '', iris.bytes);
    const restored = await predict('iris-guarded', iris.rows);
    expect(restored.status).toBe(200);
    expect(restored.json.predictions).toEqual(iris.expected.predict);
  });

  it('is refused on the Open Inference Protocol route too', async () => {
    const iris = fixture('iris_logreg_zipmap');
    await createModel('iris-guarded-v2');
    expect((await upload('iris-guarded-v2', iris.bytes)).status).toBe(201);
    const [key] = await objectKeys('models/iris-guarded-v2/');
    await overwrite(key ?? '', tamperedIris());
    const refused = await t.call('GET', '/v2/models/iris-guarded-v2/versions/1', { token: alice });
    expect(refused.status).toBe(503);
    expect(refused.json.error).toMatch(/cannot be served/);
  });
});

describe('a failed registration', () => {
  it('spends no version number', async () => {
    const bytes = fixture('diabetes_linear').bytes;
    await createModel('gapless');
    expect((await upload('gapless', bytes)).json.version).toBe(1);
    // A record DynamoDB refuses (over its 400 KB item size): the registration fails after its
    // file was stored and, before this change, after its number was taken.
    const failed = await upload('gapless', bytes, { metadata: { blob: 'x'.repeat(450_000) } });
    expect(failed.status).toBeGreaterThanOrEqual(400);
    expect((await upload('gapless', bytes)).json.version).toBe(2);
    const versions = await t.call('GET', '/v1/models/gapless/versions', { token: alice });
    expect(versions.json.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(await objectKeys('models/gapless/')).toHaveLength(2);
  });
});

describe('the orphan sweep', () => {
  it('removes files no version refers to and keeps every version servable', async () => {
    const iris = fixture('iris_logreg_zipmap');
    await createModel('swept');
    expect((await upload('swept', iris.bytes)).status).toBe(201);
    const [kept] = await objectKeys('models/swept/');
    // What a registration killed between storing its file and writing its record leaves behind.
    const orphans = [`models/swept/${randomUUID()}.onnx`, `models/never-registered/${randomUUID()}.onnx`];
    for (const orphan of orphans) await overwrite(orphan, iris.bytes);

    const result = await t.platform.schedules.run('sweepOrphanArtifacts');
    expect(result).toMatchObject({ deleted: 2 });
    expect(await objectKeys('models/swept/')).toEqual([kept]);
    expect(await objectKeys('models/never-registered/')).toEqual([]);
    expect((await predict('swept', iris.rows)).status).toBe(200);
  });
});
