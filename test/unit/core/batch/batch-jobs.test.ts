import { beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../../../functions/core/auth/principal.ts';
import {
  type BatchJobDeps,
  type BatchJobRequest,
  cancelBatchJob,
  createBatchUpload,
  describeBatchJob,
  rowsPerSecond,
  startBatchJob,
  uploadKey,
} from '../../../../functions/core/batch/batch-jobs.ts';
import type { ModelRecord, VersionRecord } from '../../../../functions/core/registry/model-records.ts';
import { InMemoryBatchJobs } from '../../../support/in-memory-batch.ts';
import { InMemoryModels, InMemoryVersions } from '../../../support/in-memory-registry.ts';

const alice: Principal = { userId: 'u-alice', username: 'alice', role: 'user', via: 'token', scope: 'full' };
const bob: Principal = { userId: 'u-bob', username: 'bob', role: 'user', via: 'token', scope: 'full' };

let jobs: InMemoryBatchJobs;
let models: InMemoryModels;
let versions: InMemoryVersions;
let started: string[];
let stopped: string[];
let uploaded: Set<string>;
let deps: BatchJobDeps;
let startFails: boolean;

const model = (aliases: ModelRecord['aliases'] = {}): ModelRecord => ({
  name: 'iris',
  ownerId: alice.userId,
  ownerUsername: 'alice',
  description: '',
  task: 'classification',
  tags: [],
  teamVisible: false,
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  latestVersion: 2,
  aliases,
});

const version = (n: number) =>
  ({
    modelName: 'iris',
    version: n,
    status: 'approved',
    artifactKey: `models/iris/v${n}/model.onnx`,
    sizeBytes: 1,
    sha256: 'x',
    framework: 'scikit-learn',
    signature: { inputs: [], outputs: [] },
    createdBy: 'alice',
    createdAt: '2026-12-01T00:00:00.000Z',
    metrics: {},
    metadata: {},
    auditTrail: [],
  }) as unknown as VersionRecord;

const request = (extra: Partial<BatchJobRequest> = {}): BatchJobRequest => ({
  model: 'iris',
  input: { uploadId: 'up-1', format: 'csv' },
  output: { format: 'csv', passthrough: ['id'], probabilities: false },
  maxErrorRate: 0,
  ...extra,
});

beforeEach(async () => {
  jobs = new InMemoryBatchJobs();
  models = new InMemoryModels();
  versions = new InMemoryVersions();
  started = [];
  stopped = [];
  startFails = false;
  uploaded = new Set([uploadKey(alice.userId, 'up-1', 'csv')]);
  await models.create(
    model({ production: { routes: [{ version: 1, weight: 100 }], updatedAt: 'x', updatedBy: 'alice' } }),
  );
  await versions.create(version(1));
  await versions.create(version(2));
  deps = {
    jobs,
    workflow: {
      start: async (jobId) => {
        if (startFails) throw new Error('throttled');
        started.push(jobId);
      },
      stop: async (jobId) => {
        stopped.push(jobId);
      },
    },
    registry: { models, versions },
    datasets: {
      readyFile: async (_p, name, v) =>
        name === 'customers'
          ? { version: v ?? 3, key: 'datasets/customers/v3/data.csv', format: 'csv' }
          : undefined,
    },
    files: { size: async (key) => (uploaded.has(key) ? 100 : undefined) },
    now: () => new Date('2026-12-04T10:00:00.000Z'),
  };
});

describe('startBatchJob', () => {
  it('fixes the version the alias points to now, records the input and starts the workflow', async () => {
    // Act
    const job = await startBatchJob(alice, request(), deps);
    await models.setAlias('iris', 'production', {
      routes: [{ version: 2, weight: 100 }],
      updatedAt: 'y',
      updatedBy: 'alice',
    });

    // Assess
    expect(job).toMatchObject({
      status: 'PENDING',
      model: {
        name: 'iris',
        version: 1,
        artifactKey: 'models/iris/v1/model.onnx',
        sha256: 'x',
        alias: 'production',
      },
      input: { key: uploadKey(alice.userId, 'up-1', 'csv'), format: 'csv' },
      rowsDone: 0,
    });
    expect(started).toEqual([job.jobId]);
    expect((await jobs.get(job.jobId))?.model.version).toBe(1);
  });

  it('takes an explicit version and a dataset version as input', async () => {
    // Act
    const job = await startBatchJob(
      alice,
      request({ version: 2, input: { dataset: { name: 'customers' } } }),
      deps,
    );

    // Assess
    expect(job.model.version).toBe(2);
    expect(job.input).toEqual({
      key: 'datasets/customers/v3/data.csv',
      format: 'csv',
      dataset: { name: 'customers', version: 3 },
    });
  });

  it("refuses an upload that is not there (or is someone else's) and a model the caller cannot use", async () => {
    // Act / Assess
    await expect(
      startBatchJob(alice, request({ input: { uploadId: 'up-2', format: 'csv' } }), deps),
    ).rejects.toThrow(/Nothing was uploaded for upload up-2/);
    // A private model: another user gets the same 404 as for a missing one.
    await expect(startBatchJob(bob, request(), deps)).rejects.toThrow(/iris/);
    // Shared with the team, bob may use it, but naming alice's upload id finds nothing under bob's prefix.
    await models.update('iris', { teamVisible: true }, 'z');
    await expect(startBatchJob(bob, request(), deps)).rejects.toThrow(/Nothing was uploaded for upload up-1/);
    await expect(
      startBatchJob(alice, request({ input: { dataset: { name: 'nope' } } }), deps),
    ).rejects.toThrow('No ready dataset named nope.');
    expect(jobs.rows.size).toBe(0);
  });

  it('leaves the job FAILED, not PENDING, when the workflow cannot start', async () => {
    // Prepare
    startFails = true;

    // Act
    await expect(startBatchJob(alice, request(), deps)).rejects.toThrow('throttled');

    // Assess
    const [job] = [...jobs.rows.values()];
    expect(job).toMatchObject({
      status: 'FAILED',
      error: { reason: 'The workflow could not be started; try again.' },
    });
  });
});

describe('cancelBatchJob', () => {
  it('cancels an active job once, stops its execution, and refuses a finished one', async () => {
    // Prepare
    const job = await startBatchJob(alice, request(), deps);
    const other = await startBatchJob(alice, request(), deps);
    await jobs.updateIfActive(other.jobId, { status: 'SUCCEEDED' });

    // Act
    const cancelled = await cancelBatchJob(alice, job.jobId, deps);
    const again = await cancelBatchJob(alice, job.jobId, deps);

    // Assess
    expect(cancelled.status).toBe('CANCELLED');
    expect(again.status).toBe('CANCELLED');
    expect(stopped).toEqual([job.jobId]);
    await expect(cancelBatchJob(alice, other.jobId, deps)).rejects.toThrow(/has finished \(SUCCEEDED\)/);
    await expect(cancelBatchJob(bob, job.jobId, deps)).rejects.toThrow(/No batch prediction job/);
  });
});

describe('describeBatchJob', () => {
  const transfers = {
    presignedUploadUrl: async (key: string, _s: number, size: number) =>
      `https://s3/${key}?put&length=${size}`,
    presignedDownloadUrl: async (key: string, _s: number, name: string) => `https://s3/${key}?as=${name}`,
  };

  it('offers the output only for a SUCCEEDED job, the errors file once finalized, nothing before', async () => {
    // Prepare
    const running = await startBatchJob(alice, request(), deps);
    const succeeded = await startBatchJob(alice, request(), deps);
    const failed = await startBatchJob(alice, request(), deps);
    await jobs.updateIfActive(succeeded.jobId, {
      status: 'SUCCEEDED',
      outputKey: 'o.csv',
      errorsKey: 'e.csv',
    });
    await jobs.updateIfActive(failed.jobId, {
      status: 'FAILED',
      errorsKey: 'e2.csv',
      outputKey: 'never.csv',
    });
    const all = { ...deps, transfers };

    // Act
    const [r, s, f] = await Promise.all(
      [running, succeeded, failed].map((job) => describeBatchJob(alice, job.jobId, all)),
    );

    // Assess
    expect(r?.downloads).toBeUndefined();
    expect(s?.downloads).toEqual({
      expiresAt: '2026-12-04T11:00:00.000Z',
      output: `https://s3/o.csv?as=predictions-${succeeded.jobId}.csv`,
      errors: `https://s3/e.csv?as=errors-${succeeded.jobId}.csv`,
    });
    expect(f?.downloads).toEqual({
      expiresAt: '2026-12-04T11:00:00.000Z',
      errors: `https://s3/e2.csv?as=errors-${failed.jobId}.csv`,
    });
  });

  it("puts uploads under the caller's own id", async () => {
    // Act
    const upload = await createBatchUpload(
      alice,
      { format: 'jsonl', sizeBytes: 1234 },
      { transfers, now: deps.now },
    );

    // Assess
    expect(upload.uploadUrl).toBe(
      `https://s3/${uploadKey(alice.userId, upload.uploadId, 'jsonl')}?put&length=1234`,
    );
    expect(upload.sizeBytes).toBe(1234);
    expect(upload.expiresAt).toBe('2026-12-04T11:00:00.000Z');
  });
});

describe('rowsPerSecond', () => {
  it('divides the rows done by the running time, to the end once finished', () => {
    // Prepare
    const base = { rowsDone: 30_000, startedAt: '2026-12-04T10:00:00.000Z' } as never;

    // Act / Assess
    expect(rowsPerSecond(base, new Date('2026-12-04T10:00:10.000Z'))).toBe(3000);
    expect(
      rowsPerSecond(
        { ...(base as object), finishedAt: '2026-12-04T10:00:03.000Z' } as never,
        new Date('2026-12-05'),
      ),
    ).toBe(10_000);
    expect(rowsPerSecond({ rowsDone: 0 } as never, new Date())).toBeUndefined();
  });
});
