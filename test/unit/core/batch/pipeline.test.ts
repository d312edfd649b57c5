import { beforeEach, describe, expect, it } from 'vitest';
import { type BatchJobRecord, batchKeys } from '../../../../functions/core/batch/batch-jobs.ts';
import type { BatchModel } from '../../../../functions/core/batch/chunk-runner.ts';
import {
  type BatchStepDeps,
  endBatchJobOfExecution,
  failBatchJob,
  finalizeBatchJob,
  planBatchJob,
  runBatchChunk,
} from '../../../../functions/core/batch/pipeline.ts';
import { feedsFromInstances } from '../../../../functions/core/inference/instances.ts';
import type { TensorInfo } from '../../../../functions/core/inference/onnx-graph.ts';
import { type BatchUsageSink, batchJobUsage } from '../../../../functions/core/monitoring/batch-usage.ts';
import { InMemoryBatchFiles, InMemoryBatchJobs } from '../../../support/in-memory-batch.ts';

const input: TensorInfo = { name: 'X', isTensor: true, type: 'float32', shape: ['N', 2] };
/** Predicts x0 + x1 through the same input checks as the endpoint. */
const model: BatchModel = {
  inputs: [input],
  check: (instance) => feedsFromInstances([instance], [input]),
  async predict(instances) {
    const data = feedsFromInstances(instances, [input]).X?.data as Float32Array;
    return { predictions: instances.map((_, r) => (data[2 * r] as number) + (data[2 * r + 1] as number)) };
  },
};

let jobs: InMemoryBatchJobs;
let files: InMemoryBatchFiles;
let deps: BatchStepDeps;
let loads: number;
let loaded: unknown[];
let settings = { targetChunkBytes: 64, inlineChunkLimit: 1000, maxConcurrency: 10 };

function job(overrides: Partial<BatchJobRecord['request']> = {}): BatchJobRecord {
  return {
    jobId: 'job-1',
    ownerId: 'u1',
    ownerUsername: 'ada',
    ownerRole: 'user',
    request: {
      model: 'sum',
      input: { uploadId: 'up-1', format: 'csv' },
      output: { format: 'csv', passthrough: ['id'], probabilities: false },
      maxErrorRate: 0.1,
      ...overrides,
    },
    model: {
      name: 'sum',
      version: 4,
      artifactKey: 'models/sum/v4/model.onnx',
      artifactVersionId: 'v-abc',
      sha256: 'f00d',
    },
    input: { key: 'in.csv', format: 'csv' },
    status: 'PENDING',
    createdAt: '2026-12-04T10:00:00.000Z',
    updatedAt: '2026-12-04T10:00:00.000Z',
    rowsDone: 0,
    errorCount: 0,
    chunksDone: 0,
  };
}

function csv(rows: number, bad: readonly number[] = []): string {
  const lines = ['id,a,b'];
  for (let i = 1; i <= rows; i += 1) lines.push(bad.includes(i) ? `r${i},oops,1` : `r${i},${i},1`);
  return `${lines.join('\n')}\n`;
}

async function runAll(planned: Awaited<ReturnType<typeof planBatchJob>>) {
  for (const chunk of planned.chunks ?? []) await runBatchChunk({ jobId: 'job-1', chunk }, deps);
}

beforeEach(async () => {
  jobs = new InMemoryBatchJobs();
  files = new InMemoryBatchFiles();
  loads = 0;
  loaded = [];
  settings = { targetChunkBytes: 64, inlineChunkLimit: 1000, maxConcurrency: 10 };
  deps = {
    jobs,
    files,
    models: {
      load: async (artifact) => {
        loads += 1;
        loaded.push(artifact);
        return { model, release: () => {} };
      },
    },
    now: () => new Date('2026-12-04T10:00:05.000Z'),
  };
  await jobs.create(job());
});

describe('batch workflow steps', () => {
  it('plans, runs each chunk and finalizes one output in input order with the id passed through', async () => {
    // Prepare
    await files.put('in.csv', csv(40), 'text/csv');

    // Act
    const planned = await planBatchJob('job-1', settings, deps);
    await runAll(planned);
    const finalized = await finalizeBatchJob('job-1', deps);

    // Assess
    expect(planned.chunkCount).toBeGreaterThan(3);
    expect(finalized).toEqual({ jobId: 'job-1', status: 'SUCCEEDED' });
    const lines = files.text(batchKeys.output('job-1', 'csv'))?.trimEnd().split('\n') ?? [];
    expect(lines[0]).toBe('id,prediction,model_version');
    expect(lines.slice(1)).toEqual(Array.from({ length: 40 }, (_, i) => `r${i + 1},${i + 2},4`));
    expect(files.text(batchKeys.errors('job-1'))).toBe('row,line,field,reason\n');
    expect(files.metadata.get(batchKeys.output('job-1', 'csv'))).toMatchObject({ 'model-version': '4' });
    expect(await jobs.get('job-1')).toMatchObject({
      status: 'SUCCEEDED',
      rowsTotal: 40,
      rowsDone: 40,
      errorCount: 0,
      chunkCount: planned.chunkCount,
      outputKey: batchKeys.output('job-1', 'csv'),
    });
    // The parts are gone once the output stands.
    expect(files.objects.has(batchKeys.part('job-1', 0))).toBe(false);
    // Every load asks for the pinned file, which the loader checks against its SHA-256.
    expect(new Set(loaded.map((a) => JSON.stringify(a)))).toEqual(
      new Set([
        JSON.stringify({
          modelName: 'sum',
          version: 4,
          artifactKey: 'models/sum/v4/model.onnx',
          sha256: 'f00d',
          artifactVersionId: 'v-abc',
        }),
      ]),
    );
  });

  it('hands the chunks through the manifest only when there are more than the inline limit', async () => {
    // Prepare
    await files.put('in.csv', csv(40), 'text/csv');
    settings = { ...settings, inlineChunkLimit: 2 };

    // Act
    const planned = await planBatchJob('job-1', settings, deps);

    // Assess
    expect(planned.chunks).toBeUndefined();
    expect(planned.manifest).toEqual({ bucket: 'test-bucket', key: batchKeys.manifest('job-1') });
    const manifest = JSON.parse(files.text(batchKeys.manifest('job-1')) ?? '[]');
    expect(manifest).toHaveLength(planned.chunkCount);
    expect(manifest[0]).toMatchObject({ index: 0, firstRow: 1 });
  });

  it('counts a retried chunk once and rewrites the same part', async () => {
    // Prepare
    await files.put('in.csv', csv(40), 'text/csv');
    const planned = await planBatchJob('job-1', settings, deps);
    const first = planned.chunks?.[0];
    if (first === undefined) throw new Error('no chunk');

    // Act
    await runBatchChunk({ jobId: 'job-1', chunk: first }, deps);
    const part = files.text(batchKeys.part('job-1', 0));
    await runBatchChunk({ jobId: 'job-1', chunk: first }, deps);

    // Assess
    expect(files.text(batchKeys.part('job-1', 0))).toBe(part);
    expect((await jobs.get('job-1'))?.rowsDone).toBe(first.rows);
    expect((await jobs.get('job-1'))?.chunksDone).toBe(1);
  });

  it('succeeds with the refused rows in the errors file while under maxErrorRate', async () => {
    // Prepare
    await files.put('in.csv', csv(40, [3, 17, 38]), 'text/csv');

    // Act
    await runAll(await planBatchJob('job-1', settings, deps));
    const finalized = await finalizeBatchJob('job-1', deps);

    // Assess
    expect(finalized.status).toBe('SUCCEEDED');
    const errorLines = files.text(batchKeys.errors('job-1'))?.trimEnd().split('\n') ?? [];
    expect(errorLines.slice(1).map((line) => line.split(',').slice(0, 3).join(','))).toEqual([
      '3,4,X[0]',
      '17,18,X[0]',
      '38,39,X[0]',
    ]);
    expect(files.text(batchKeys.output('job-1', 'csv'))?.trimEnd().split('\n')).toHaveLength(1 + 37);
    expect(await jobs.get('job-1')).toMatchObject({ errorCount: 3, rowsDone: 40 });
  });

  it('fails past maxErrorRate with the reason, the errors file and no output', async () => {
    // Prepare
    await jobs.rows.set('job-1', job({ maxErrorRate: 0.05 }));
    await files.put('in.csv', csv(40, [1, 2, 3]), 'text/csv');

    // Act
    await runAll(await planBatchJob('job-1', settings, deps));
    const finalized = await finalizeBatchJob('job-1', deps);

    // Assess
    expect(finalized.status).toBe('FAILED');
    const stored = await jobs.get('job-1');
    expect(stored?.status).toBe('FAILED');
    expect(stored?.error?.reason).toBe(
      '3 of 40 rows were refused (7.5%), more than maxErrorRate (5%); see the errors file. No output was written.',
    );
    expect(stored?.outputKey).toBeUndefined();
    expect(files.objects.has(batchKeys.output('job-1', 'csv'))).toBe(false);
    expect(files.objects.has(batchKeys.errors('job-1'))).toBe(true);
  });

  it('refuses at plan time a file that cannot feed the model, before any chunk runs', async () => {
    // Prepare
    await files.put('in.csv', 'id,a\n1,2\n', 'text/csv');

    // Act / Assess
    await expect(planBatchJob('job-1', settings, deps)).rejects.toThrow(
      /takes 2 features per row; the input gives 1/,
    );
    expect(files.objects.has(batchKeys.manifest('job-1'))).toBe(false);
  });

  it('refuses an input with no rows', async () => {
    // Prepare
    await files.put('in.csv', 'id,a,b\n', 'text/csv');

    // Act / Assess
    await expect(planBatchJob('job-1', settings, deps)).rejects.toThrow(
      'The input file has no rows to predict.',
    );
  });

  it('does nothing for a cancelled job: chunks skip, finalize writes no output and keeps CANCELLED', async () => {
    // Prepare
    await files.put('in.csv', csv(40), 'text/csv');
    const planned = await planBatchJob('job-1', settings, deps);
    await jobs.updateIfActive('job-1', { status: 'CANCELLED' });
    loads = 0;

    // Act
    const chunk = await runBatchChunk({ jobId: 'job-1', chunk: planned.chunks?.[0] as never }, deps);
    const finalized = await finalizeBatchJob('job-1', deps);
    await failBatchJob('job-1', 'late failure', deps);

    // Assess
    expect(chunk.skipped).toBe(true);
    expect(loads).toBe(0);
    expect(finalized.status).toBe('CANCELLED');
    expect(files.objects.has(batchKeys.output('job-1', 'csv'))).toBe(false);
    expect((await jobs.get('job-1'))?.status).toBe('CANCELLED');
  });

  it('moves the job to RUNNING when planning starts and records the failure reason', async () => {
    // Prepare
    await files.put('in.csv', csv(4), 'text/csv');

    // Act
    await planBatchJob('job-1', settings, deps);
    const running = await jobs.get('job-1');
    await failBatchJob('job-1', 'chunk 2 failed', deps);

    // Assess
    expect(running).toMatchObject({ status: 'RUNNING', startedAt: '2026-12-04T10:00:05.000Z', rowsTotal: 4 });
    expect(await jobs.get('job-1')).toMatchObject({ status: 'FAILED', error: { reason: 'chunk 2 failed' } });
  });
});

describe('endBatchJobOfExecution', () => {
  it('fails a job its execution left RUNNING (timed out), naming how it ended', async () => {
    // Prepare
    await files.put('in.csv', csv(4), 'text/csv');
    await planBatchJob('job-1', settings, deps);

    // Act
    const result = await endBatchJobOfExecution({ jobId: 'job-1', status: 'TIMED_OUT' }, deps);

    // Assess
    expect(result).toEqual({ outcome: 'ended', jobId: 'job-1' });
    expect(await jobs.get('job-1')).toMatchObject({
      status: 'FAILED',
      error: { reason: 'The workflow ran past its time limit and was stopped. Start the job again.' },
    });
  });

  it('leaves a cancelled job CANCELLED when its aborted execution ends, and ignores an unknown job', async () => {
    // Prepare
    await jobs.updateIfActive('job-1', { status: 'CANCELLED' });

    // Act
    const aborted = await endBatchJobOfExecution({ jobId: 'job-1', status: 'ABORTED' }, deps);
    const unknown = await endBatchJobOfExecution({ jobId: 'nope', status: 'FAILED' }, deps);

    // Assess
    expect(aborted.outcome).toBe('already-finished');
    expect(unknown.outcome).toBe('no-such-job');
    expect((await jobs.get('job-1'))?.status).toBe('CANCELLED');
  });
});

describe('batch jobs in the usage counts', () => {
  /** What the usage sink was given, as the aggregate the usage table receives. */
  function countingDeps() {
    const counted: ReturnType<typeof batchJobUsage>[] = [];
    const at = new Date('2026-12-04T10:00:05.000Z');
    const usage: BatchUsageSink = {
      record: async (j, outcome) => void counted.push(batchJobUsage(j, outcome, at)),
    };
    return { counted, withUsage: { ...deps, usage } };
  }

  it('counts a finished job once: one request of its owner with its rows, 2xx, and no latency sample', async () => {
    // Prepare
    const { counted, withUsage } = countingDeps();
    await jobs.rows.set('job-1', { ...job(), model: { ...job().model, alias: 'production' } });
    await files.put('in.csv', csv(40, [3]), 'text/csv');

    // Act
    await runAll(await planBatchJob('job-1', settings, withUsage));
    await finalizeBatchJob('job-1', withUsage);
    await finalizeBatchJob('job-1', withUsage); // a retried step finds the job finished
    await failBatchJob('job-1', 'late', withUsage);

    // Assess
    expect(counted).toHaveLength(1);
    expect(counted[0]).toMatchObject({
      minute: Date.parse('2026-12-04T10:00:00.000Z') / 1000,
      model: 'sum',
      version: 4,
      alias: 'production',
      caller: 'user:u1',
      callerName: 'ada',
      requests: 1,
      rows: 40,
      succeeded: 1,
      clientErrors: 0,
      serverErrors: 0,
    });
    expect(counted[0]?.latency.every((n) => n === 0)).toBe(true);
    expect(counted[0]?.modelLatency.every((n) => n === 0)).toBe(true);
  });

  it('counts a job refused past maxErrorRate as 4xx, and a failed step by whose fault it was', async () => {
    // Prepare
    const { counted, withUsage } = countingDeps();
    await jobs.rows.set('job-1', job({ maxErrorRate: 0.05 }));
    await files.put('in.csv', csv(40, [1, 2, 3]), 'text/csv');
    await jobs.create({ ...job(), jobId: 'job-2' });
    await jobs.create({ ...job(), jobId: 'job-3' });

    // Act
    await runAll(await planBatchJob('job-1', settings, withUsage));
    await finalizeBatchJob('job-1', withUsage);
    await failBatchJob('job-2', 'the input is not CSV', withUsage, 'refused');
    await failBatchJob('job-3', 'S3 is down', withUsage);

    // Assess
    expect(counted.map((c) => [c.rows, c.succeeded, c.clientErrors, c.serverErrors])).toEqual([
      [40, 0, 1, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ]);
  });
});
