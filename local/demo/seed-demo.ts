/**
 * The demo a newcomer sees on first start: an iris classifier (a real scikit-learn export, the
 * same file as test/fixtures/onnx/iris_logreg_zipmap.onnx) registered through the platform's own
 * API as an admin would: created team-visible, uploaded, approved, and pointed at by `production`.
 * It runs on every start and does nothing when the model exists already.
 */
import { readFile } from 'node:fs/promises';

export const DEMO_MODEL = 'iris-demo';
export const DEMO_INSTANCE = [5.1, 3.5, 1.4, 0.2];

async function call(
  apiUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  binary?: Uint8Array,
) {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(binary
        ? { 'content-type': 'application/octet-stream' }
        : body
          ? { 'content-type': 'application/json' }
          : {}),
    },
    body: binary ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  if (!response.ok && response.status !== 404) {
    throw new Error(`demo seeding: ${method} ${path} answered ${response.status}: ${await response.text()}`);
  }
  return response;
}

/** Returns true when it registered the demo now, false when it was there already. */
export async function seedDemo(apiUrl: string, adminToken: string): Promise<boolean> {
  const existing = await call(apiUrl, adminToken, 'GET', `/v1/models/${DEMO_MODEL}`);
  if (existing.status === 200) return false;
  await call(apiUrl, adminToken, 'POST', '/v1/models', {
    name: DEMO_MODEL,
    description:
      'Demo: iris species from sepal and petal sizes (scikit-learn LogisticRegression, exported with skl2onnx).',
    task: 'classification',
    tags: ['demo'],
    teamVisible: true,
  });
  const bytes = await readFile(new URL('./iris.onnx', import.meta.url));
  const version = (await (
    await call(apiUrl, adminToken, 'POST', `/v1/models/${DEMO_MODEL}/versions`, undefined, bytes)
  ).json()) as {
    version: number;
  };
  await call(apiUrl, adminToken, 'POST', `/v1/models/${DEMO_MODEL}/versions/${version.version}/approve`, {
    comment: 'demo model',
  });
  await call(apiUrl, adminToken, 'PUT', `/v1/models/${DEMO_MODEL}/aliases/production`, {
    version: version.version,
  });
  return true;
}

export const DEMO_DATASET = 'iris';
export const DEMO_TRAINED_MODEL = 'iris-trained';

/**
 * The training demo: on first start, the iris CSV (data/public) is uploaded as a dataset and a
 * training job runs through the real workflow; the trained version then serves predictions.
 * Returns the job as it ended, or undefined when the demo ran on an earlier start.
 */
export async function seedTrainingDemo(
  apiUrl: string,
  adminToken: string,
  onProgress: (line: string) => void = () => undefined,
): Promise<{ jobId: string; status: string; version?: number } | undefined> {
  const existing = await call(apiUrl, adminToken, 'GET', `/v1/datasets/${DEMO_DATASET}`);
  if (existing.status === 200) return undefined;
  const csv = await readFile(new URL('../../data/public/iris.csv', import.meta.url));
  const started = (await (
    await call(apiUrl, adminToken, 'POST', '/v1/datasets', {
      name: DEMO_DATASET,
      format: 'csv',
      sizeBytes: csv.byteLength,
    })
  ).json()) as { version: number; uploadUrl: string };
  const put = await fetch(started.uploadUrl, { method: 'PUT', body: csv });
  if (!put.ok) throw new Error(`demo seeding: the dataset upload answered ${put.status}`);
  await call(apiUrl, adminToken, 'POST', `/v1/datasets/${DEMO_DATASET}/versions/${started.version}/commit`);
  const job = (await (
    await call(apiUrl, adminToken, 'POST', '/v1/training-jobs', {
      dataset: DEMO_DATASET,
      target: 'target',
      modelName: DEMO_TRAINED_MODEL,
    })
  ).json()) as { jobId: string };
  const deadline = Date.now() + 60_000;
  let last = '';
  for (;;) {
    const state = (await (
      await call(apiUrl, adminToken, 'GET', `/v1/training-jobs/${job.jobId}`)
    ).json()) as {
      status: string;
      step?: string;
      progress: number;
      registered?: { version: number };
      error?: { reason: string };
    };
    const line = `training job ${job.jobId}: ${state.status} ${state.step ?? ''} ${state.progress}%`;
    if (line !== last) onProgress(line);
    last = line;
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(state.status) || Date.now() > deadline) {
      if (state.error) onProgress(`training job failed: ${state.error.reason}`);
      return {
        jobId: job.jobId,
        status: state.status,
        ...(state.registered ? { version: state.registered.version } : {}),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
