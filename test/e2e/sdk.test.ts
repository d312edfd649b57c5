/**
 * The SDK against the local platform: upload a dataset file, train and wait with progress, predict
 * from row objects across several requests, upload a model both ways and download it.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiError,
  createPlatformClient,
  type PlatformClient,
  predictRows,
  startTrainingJob,
  type TrainingJob,
  type TransferProgress,
  unwrap,
  uploadDataset,
  uploadModel,
  waitForTrainingJob,
} from '../../clients/sdk/src/index.ts';
import { fixture } from '../support/fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';

const IRIS_CSV = fileURLToPath(new URL('../../data/public/iris.csv', import.meta.url));
const iris = fixture('iris_logreg_zipmap');
let t: TestPlatform;
let client: PlatformClient;
let scratch: string;

beforeAll(async () => {
  t = await startTestPlatform({ functionEnvironment: { SERVING_CACHE_TTL_MS: '0' } });
  const alice = await t.token('alice');
  client = createPlatformClient({ baseUrl: t.platform.apiUrl, credential: () => alice });
  scratch = await mkdtemp(join(tmpdir(), 'mlp-sdk-'));
});
afterAll(async () => {
  await t?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the SDK against the local platform', () => {
  it('uploads a CSV file (presign, PUT with progress, commit), trains on it, waits and predicts from objects', async () => {
    // Act
    const progress: TransferProgress[] = [];
    const dataset = await uploadDataset(
      client,
      { path: IRIS_CSV },
      { name: 'iris', onProgress: (p) => progress.push(p) },
    );
    const started = await startTrainingJob(client, {
      dataset: 'iris',
      target: 'target',
      modelName: 'iris-sdk',
    });
    const seen: TrainingJob[] = [];
    const job = await waitForTrainingJob(client, started.jobId, {
      intervalMs: 50,
      timeoutMs: 120_000,
      onProgress: (j) => seen.push(j),
    });
    const rows = [
      { sepal_length_cm: 5.1, sepal_width_cm: 3.5, petal_length_cm: 1.4, petal_width_cm: 0.2 },
      { sepal_length_cm: 6.7, sepal_width_cm: 3.0, petal_length_cm: 5.2, petal_width_cm: 2.3 },
      { sepal_length_cm: 5.0, sepal_width_cm: 3.4, petal_length_cm: 1.5, petal_width_cm: 0.2 },
    ];
    const requests: number[] = [];
    const prediction = await predictRows(client, 'iris-sdk', rows, {
      maxRowsPerRequest: 2,
      onProgress: ({ doneRows }) => requests.push(doneRows),
    });

    // Assess
    expect(dataset).toMatchObject({ datasetName: 'iris', version: 1, status: 'ready' });
    expect(dataset.profile?.rowCount).toBe(150);
    const total = progress.at(-1)?.totalBytes ?? 0;
    expect(total).toBeGreaterThan(0);
    expect(progress.at(-1)).toEqual({ sentBytes: total, totalBytes: total });
    expect(job).toMatchObject({
      status: 'SUCCEEDED',
      progress: 100,
      registered: { model: 'iris-sdk', version: 1 },
    });
    expect(seen.at(-1)?.status).toBe('SUCCEEDED');
    expect(seen.map((j) => j.progress)).toEqual([...seen.map((j) => j.progress)].sort((a, b) => a - b));
    expect(new Set(seen.map((j) => `${j.status}/${j.step}/${j.progress}`)).size).toBe(seen.length);
    expect(requests).toEqual([2, 3]);
    expect(prediction).toMatchObject({
      model: 'iris-sdk',
      version: 1,
      predictions: ['setosa', 'virginica', 'setosa'],
    });
    expect(prediction.probabilities).toHaveLength(3);
  });

  it('uploads a model directly and through a presigned URL, and downloads the same bytes', async () => {
    // Prepare
    unwrap(await client.api.POST('/v1/models', { body: { name: 'iris-upload', task: 'classification' } }));
    const path = join(scratch, 'iris.onnx');
    await writeFile(path, iris.bytes);

    // Act
    const direct = await uploadModel(client, 'iris-upload', { bytes: iris.bytes });
    const presignedProgress: TransferProgress[] = [];
    const presigned = await uploadModel(
      client,
      'iris-upload',
      { path },
      { directUploadMaxBytes: 0, onProgress: (p) => presignedProgress.push(p) },
    );
    const download = unwrap(
      await client.api.GET('/v1/models/{name}/versions/{version}/download', {
        params: { path: { name: 'iris-upload', version: presigned.version } },
      }),
    );
    const bytes = Buffer.from(await (await fetch(download.url)).arrayBuffer());

    // Assess
    expect([direct.version, presigned.version]).toEqual([1, 2]);
    expect(presigned.sha256).toBe(direct.sha256);
    expect(presignedProgress.at(-1)).toEqual({
      sentBytes: iris.bytes.byteLength,
      totalBytes: iris.bytes.byteLength,
    });
    expect(bytes).toEqual(iris.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(download.sha256);
  });

  it("throws the API's problem as an ApiError", async () => {
    // Act
    const failure = predictRows(client, 'no-such-model', [{ a: 1 }]);

    // Assess
    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining('no-such-model'),
    });
  });
});
