/**
 * A half-precision model (FP16 input and output, built with onnx-proto) through the local API:
 * uploaded, described with FP16 datatypes, served on /v2 infer and on /predict, a value past FP16's
 * range refused with the protocol's 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { float16ScalerModel } from '../support/float16-onnx.ts';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';

let t: TestPlatform;
let alice: string;

beforeAll(async () => {
  t = await startTestPlatform({ functionEnvironment: { SERVING_CACHE_TTL_MS: '0' } });
  alice = await t.token('alice');
  expect((await t.call('POST', '/v1/models', { token: alice, body: { name: 'half' } })).status).toBe(201);
  const version = await t.call('POST', '/v1/models/half/versions', {
    token: alice,
    rawBody: Buffer.from(float16ScalerModel()) as unknown as string,
    headers: { 'content-type': 'application/octet-stream' },
  });
  expect(version.status).toBe(201);
});
afterAll(async () => t?.close());

describe('FP16 models', () => {
  it('describes the input and output as FP16', async () => {
    // Act
    const metadata = await t.call('GET', '/v2/models/half', { token: alice });

    // Assess
    expect(metadata.status).toBe(200);
    expect(metadata.json.inputs).toEqual([{ name: 'X', datatype: 'FP16', shape: [-1, 2] }]);
    expect(metadata.json.outputs).toEqual([{ name: 'Y', datatype: 'FP16', shape: [-1, 2] }]);
  });

  it('infers FP16 tensors on /v2, values rounded to half precision', async () => {
    // Act
    const response = await t.call('POST', '/v2/models/half/infer', {
      token: alice,
      body: { inputs: [{ name: 'X', shape: [2, 2], datatype: 'FP16', data: [0.1, 3, 1000, -8] }] },
    });

    // Assess: X·[2, 0.5]; 0.1 is 0.0999755859375 in FP16.
    expect(response.status).toBe(200);
    expect(response.json.outputs).toEqual([
      { name: 'Y', shape: [2, 2], datatype: 'FP16', data: [0.199951171875, 1.5, 2000, -4] },
    ]);
  });

  it('predicts rows for an FP16 input on /predict', async () => {
    // Act
    const response = await t.call('POST', '/v1/models/half/predict', {
      token: alice,
      body: { instances: [[0.1, 3]] },
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.json.predictions).toEqual([[0.199951171875, 1.5]]);
  });

  it('answers 400 {"error"} for a value past FP16 range, and for FP32 data', async () => {
    // Act
    const tooLarge = await t.call('POST', '/v2/models/half/infer', {
      token: alice,
      body: { inputs: [{ name: 'X', shape: [1, 2], datatype: 'FP16', data: [1, 65520] }] },
    });
    const fp32 = await t.call('POST', '/v2/models/half/infer', {
      token: alice,
      body: { inputs: [{ name: 'X', shape: [1, 2], datatype: 'FP32', data: [1, 2] }] },
    });

    // Assess
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.json.error).toMatch(/inputs\[0\]\.data\[1\]: 65520 is out of range for float16/i);
    expect(fp32.status).toBe(400);
    expect(fp32.json.error).toMatch(/FP16, not FP32/);
  });
});
