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
