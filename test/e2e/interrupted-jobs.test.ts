/**
 * A job whose platform dies under it does not stay RUNNING: the local platform runs in a child
 * process, a training job starts, the process is killed (SIGKILL, no chance to clean up) in the middle
 * of the job, and the platform started again on the same data directory ends the job FAILED with a
 * reason, at start-up, through the same event and handler as EventBridge's rule on AWS.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { PlatformProcessReady } from '../support/platform-process.ts';

const entry = fileURLToPath(new URL('../support/platform-process.ts', import.meta.url));
const children: ChildProcess[] = [];
let dataDir: string | undefined;

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Starts the platform in a child process; resolves when it prints that it is ready. */
function startPlatformProcess(
  dir: string,
  ports: Partial<PlatformProcessReady['ports']> = {},
): Promise<{ child: ChildProcess; ready: PlatformProcessReady }> {
  const child = spawn(process.execPath, ['--openssl-legacy-provider', entry, dir, JSON.stringify(ports)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', (line) => resolve({ child, ready: JSON.parse(line) as PlatformProcessReady }));
    child.once('exit', (code, signal) =>
      reject(new Error(`the platform process exited (${code ?? signal}) before it was ready: ${stderr}`)),
    );
  });
}

async function call(ready: PlatformProcessReady, method: string, path: string, body?: unknown) {
  const response = await fetch(`${ready.apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ready.aliceToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as any };
}

/** Polls the job until `done`; fails with what it last saw after `timeoutMs`. */
async function pollJob(
  ready: PlatformProcessReady,
  jobId: string,
  done: (job: any) => boolean,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { json } = await call(ready, 'GET', `/v1/training-jobs/${jobId}`);
    if (done(json)) return json;
    if (Date.now() > deadline) throw new Error(`after ${timeoutMs} ms the job is ${JSON.stringify(json)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const digitsCsv = readFileSync(new URL('../../data/public/digits.csv', import.meta.url), 'utf8');

describe('a training job whose platform process is killed', () => {
  it('ends FAILED with a reason within seconds of the restart', async () => {
    // Prepare: a dataset whose job takes long enough to be caught mid-flight.
    dataDir = await mkdtemp(join(tmpdir(), 'mlp-kill-'));
    const first = await startPlatformProcess(dataDir);
    const upload = await call(first.ready, 'POST', '/v1/datasets', {
      name: 'digits',
      format: 'csv',
      sizeBytes: Buffer.byteLength(digitsCsv),
    });
    expect(upload.status).toBe(201);
    expect((await fetch(upload.json.uploadUrl, { method: 'PUT', body: digitsCsv })).status).toBe(200);
    const committed = await call(
      first.ready,
      'POST',
      `/v1/datasets/digits/versions/${upload.json.version}/commit`,
    );
    expect(committed.status).toBe(200);
    const started = await call(first.ready, 'POST', '/v1/training-jobs', {
      dataset: 'digits',
      target: 'target',
      task: 'classification',
      modelName: 'digits-interrupted',
    });
    expect(started.status).toBe(202);
    const jobId: string = started.json.jobId;
    const midFlight = await pollJob(
      first.ready,
      jobId,
      (job) => job.status === 'RUNNING' && job.step === 'train',
      60_000,
    );

    // Act: kill -9, then start again on the same data directory and ports.
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const second = await startPlatformProcess(dataDir, first.ready.ports);
    const readyAt = Date.now();
    const ended = await pollJob(second.ready, jobId, (job) => job.status !== 'RUNNING', 10_000);

    // Assess
    expect(midFlight.progress).toBeLessThan(100);
    expect(ended.status).toBe('FAILED');
    expect(ended.error).toEqual({
      step: 'train',
      reason:
        'The workflow execution was stopped before the job ended: The local platform stopped during the execution. Start the job again.',
    });
    expect(ended.finishedAt).toBeDefined();
    // Ended at start-up, before the API opened: the first read after the restart sees it.
    expect(Date.now() - readyAt).toBeLessThan(5000);
    second.child.kill('SIGTERM');
    await new Promise((resolve) => second.child.once('exit', resolve));
  }, 180_000);
});
