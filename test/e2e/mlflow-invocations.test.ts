/**
 * POST /v1/models/{name}/invocations through the local API, with request bodies exactly as MLflow's
 * documentation of `mlflow models serve` shows them (deploy-model-locally and the serving quick
 * start), against models trained here with the column names those examples use, and an uploaded
 * iris ONNX export of one 4-wide input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';

let t: TestPlatform;
let alice: string;

/** Rows of an exact linear target, so linear regression recovers it and answers are known. */
function csvOf(columns: string[], target: (row: number[]) => number): string {
  const lines = [[...columns, 'y'].join(',')];
  for (let i = 0; i < 40; i++) {
    const row = columns.map((_, j) => ((i * (j + 3)) % 17) + j);
    lines.push([...row, target(row)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

async function trainLinear(name: string, csv: string): Promise<void> {
  const started = await t.call('POST', '/v1/datasets', {
    token: alice,
    body: { name, format: 'csv', sizeBytes: Buffer.byteLength(csv) },
  });
  expect((await fetch(started.json.uploadUrl, { method: 'PUT', body: csv })).status).toBe(200);
  expect((await t.call('POST', started.json.commitPath, { token: alice })).status).toBe(200);
  const job = await t.call('POST', '/v1/training-jobs', {
    token: alice,
    body: {
      dataset: name,
      target: 'y',
      task: 'regression',
      algorithms: ['linear-regression'],
      modelName: name,
    },
  });
  expect(job.status).toBe(202);
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const current = await t.call('GET', `/v1/training-jobs/${job.json.jobId}`, { token: alice });
    if (current.json.status === 'SUCCEEDED') return;
    if (['FAILED', 'CANCELLED'].includes(current.json.status))
      throw new Error(JSON.stringify(current.json.error));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`training ${name} did not finish`);
}

function invoke(model: string, body: string, contentType = 'application/json') {
  return t.call('POST', `/v1/models/${model}/invocations`, {
    token: alice,
    rawBody: body,
    headers: { 'content-type': contentType },
  });
}

function expectPredictions(actual: unknown, expected: number[]) {
  const predictions = (actual as { predictions: number[] }).predictions;
  expect(Object.keys(actual as object)).toEqual(['predictions']);
  expect(predictions).toHaveLength(expected.length);
  for (const [i, value] of expected.entries()) expect(predictions[i]).toBeCloseTo(value, 3);
}

beforeAll(async () => {
  t = await startTestPlatform({ functionEnvironment: { SERVING_CACHE_TTL_MS: '0' } });
  alice = await t.token('alice');
  await trainLinear(
    'abc',
    csvOf(['a', 'b', 'c'], ([a = 0, b = 0, c = 0]) => 2 * a + b - c),
  );
  await trainLinear(
    'one',
    csvOf(['x'], ([x = 0]) => 3 * x + 1),
  );
  await trainLinear(
    'two',
    csvOf(['p', 'q'], ([p = 0, q = 0]) => p + 2 * q),
  );
  expect(
    (await t.call('POST', '/v1/models', { token: alice, body: { name: 'iris', task: 'classification' } }))
      .status,
  ).toBe(201);
  const uploaded = await t.call('POST', '/v1/models/iris/versions', {
    token: alice,
    rawBody: fixture('iris_logreg_zipmap').bytes as unknown as string,
    headers: { 'content-type': 'application/octet-stream' },
  });
  expect(uploaded.status).toBe(201);
}, 180_000);
afterAll(async () => t?.close());

describe('POST /v1/models/{name}/invocations with the bodies of MLflow’s documentation', () => {
  it('answers a split-oriented DataFrame', async () => {
    // Act
    const response = await invoke(
      'abc',
      `{
        "dataframe_split": {
            "columns": ["a", "b", "c"],
            "data": [[1, 2, 3], [4, 5, 6]]
        }
    }`,
    );

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('x-model-version')).toBe('1');
    expectPredictions(response.json, [1, 7]);
  });

  it('answers a record-oriented DataFrame', async () => {
    // Act
    const response = await invoke(
      'abc',
      `{
      "dataframe_records": [
        {"a": 1,"b": 2,"c": 3},
        {"a": 4,"b": 5,"c": 6}
      ]
    }`,
    );

    // Assess
    expect(response.status).toBe(200);
    expectPredictions(response.json, [1, 7]);
  });

  it('answers TF Serving "instances" of one value each', async () => {
    // Act
    const response = await invoke('one', '{"instances": [1.0, 2.0, 5.0]}');

    // Assess
    expect(response.status).toBe(200);
    expectPredictions(response.json, [4, 7, 16]);
  });

  it('answers "inputs" as rows', async () => {
    // Act
    const response = await invoke('two', '{"inputs": [[1, 2], [3, 4], [5, 6]]}');

    // Assess
    expect(response.status).toBe(200);
    expectPredictions(response.json, [5, 11, 17]);
  });

  it('feeds a one-input ONNX model the row values in column order, as MLflow feeds DataFrame.values', async () => {
    // Prepare
    const split = {
      dataframe_split: {
        columns: ['feature1', 'feature2', 'feature3', 'feature4'],
        data: [[1, 2, 3, 4]],
      },
    };

    // Act
    const [viaSplit, viaInputs, viaPredict] = await Promise.all([
      invoke('iris', JSON.stringify(split)),
      invoke('iris', '{"inputs": [[1, 2, 3, 4]]}'),
      t.call('POST', '/v1/models/iris/predict', { token: alice, body: { instances: [[1, 2, 3, 4]] } }),
    ]);

    // Assess
    expect(viaPredict.status).toBe(200);
    expect(viaSplit.json).toEqual({ predictions: viaPredict.json.predictions });
    expect(viaInputs.json).toEqual({ predictions: viaPredict.json.predictions });
  });

  it.each([['text/csv'], ['application/csv']])('answers a CSV table sent as %s', async (contentType) => {
    // Act
    const response = await invoke('abc', 'a,b,c\n1,2,3\n4,5,6\n', contentType);

    // Assess
    expect(response.status).toBe(200);
    expectPredictions(response.json, [1, 7]);
  });

  it("answers columnar inputs, and refuses the docs' string tensor for a numeric model with a 422 naming the row", async () => {
    // Act
    const columnar = await invoke('abc', '{"inputs": {"a": [1, 4], "b": [2, 5], "c": [3, 6]}}');
    const documented = await invoke(
      'abc',
      `{
        "inputs": {"a": ["s1", "s2", "s3"], "b": [1, 2, 3], "c": [[1, 2, 3], [4, 5, 6], [7, 8, 9]]}
    }`,
    );

    // Assess
    expectPredictions(columnar.json, [1, 7]);
    expect(documented.status).toBe(422);
    expect(documented.headers.get('content-type')).toContain('application/problem+json');
    expect(documented.json.detail).toMatch(/row 1/i);
  });

  it.each([
    ['the docs’ one-line CSV (a header only, to pandas)', '1,2,3,4', 'application/csv', /at least one row/],
    ['no format key', '{"rows": [[1, 2, 3]]}', 'application/json', /exactly one of dataframe_split/],
    ['two format keys', '{"instances": [1], "inputs": [1]}', 'application/json', /exactly one of/],
    [
      'params the model cannot take',
      '{"instances": [1], "params": {"max_answer_len": 10}}',
      'application/json',
      /no inference params/,
    ],
    [
      'a ragged split',
      '{"dataframe_split": {"columns": ["a", "b"], "data": [[1]]}}',
      'application/json',
      /data\[0\]/,
    ],
    ['a stray CSV quote', 'a,b,c\n1,"2,3\n', 'text/csv', /unterminated quote/],
  ])('refuses %s with a 400 problem', async (_, body, contentType, detail) => {
    // Act
    const response = await invoke('abc', body, contentType);

    // Assess
    expect(response.status).toBe(400);
    expect(response.json.detail).toMatch(detail);
  });

  it('answers 404 for a model the caller cannot see', async () => {
    // Act
    const response = await t.call('POST', '/v1/models/abc/invocations', {
      token: await t.token('bob'),
      body: { instances: [[1, 2, 3]] },
    });

    // Assess
    expect(response.status).toBe(404);
  });
});
