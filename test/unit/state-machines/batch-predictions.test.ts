/**
 * The batch predictions workflow (state-machines/batch-predictions.asl.json) run by the local ASL
 * executor with named cases of mocked task results, asserting on the path taken and on what each
 * step receives. Lambda tasks are mocked at the `lambda:invoke` integration.
 *
 * Two Maps run the same chunk step: `ChunksInline` (items in the state, what runs locally) and
 * `ChunksFromManifest` (items read from the plan's S3 manifest by an ItemReader, what runs on AWS).
 * The executor cannot run an ItemReader, so the manifest path is run here on a copy of the
 * definition where the ItemReader is replaced by what the service does with it: the manifest's
 * items, which the Plan mock hands under a test-only field. The ItemReader itself is checked as
 * written.
 */
import { fileURLToPath } from 'node:url';
import { type RunOptions, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAP_RESULTS_PREFIX } from '../../../functions/core/batch/batch-jobs.ts';
import { workflows } from '../../../functions/steps/workflows.ts';
import { type LoadedWorkflow, loadWorkflow } from '../../../local/step-functions/definitions.ts';
import { failureOf } from '../../../local/step-functions/lambda-runtime.ts';

type Mock = (payload: any, attempt: number) => unknown;

const root = fileURLToPath(new URL('../../../', import.meta.url));
let loaded: LoadedWorkflow;

beforeAll(async () => {
  loaded = await loadWorkflow({
    root,
    workflow: workflows.batchPredictions,
    region: 'us-east-1',
    accountId: '123456789012',
  });
});

const namedError = (name: string, message: string) => Object.assign(new Error(message), { name });

const chunk = (index: number) => ({
  index,
  start: 10 + index * 100,
  end: 110 + index * 100,
  firstRow: 1 + index * 5,
  firstLine: 2 + index * 5,
  rows: 5,
});
const chunks = [chunk(0), chunk(1), chunk(2)];

const planResult = (extra: Record<string, unknown> = {}) => ({
  jobId: 'job-123',
  active: true,
  chunkCount: 3,
  maxConcurrency: 2,
  manifest: { bucket: 'mlp-local-datasets', key: 'batch-predictions/jobs/job-123/manifest.json' },
  ...extra,
});

const defaults: Record<string, Mock> = {
  Plan: () => planResult({ chunks }),
  RunChunk: (payload) => ({ index: payload.chunk.index, rows: 5, predicted: 5, errors: 0 }),
  RunManifestChunk: (payload) => ({ index: payload.chunk.index, rows: 5, predicted: 5, errors: 0 }),
  Finalize: () => ({ jobId: 'job-123', status: 'SUCCEEDED' }),
  MarkJobFailed: (payload) => ({ jobId: payload.jobId, status: 'FAILED' }),
  MarkChunkFailed: (payload) => ({ jobId: payload.jobId, status: 'FAILED' }),
  MarkManifestChunkFailed: (payload) => ({ jobId: payload.jobId, status: 'FAILED' }),
};

/** The definition with the manifest Map reading `$.plan.value.manifestItems` instead of its ItemReader. */
function withManifestAsItems(definition: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(definition) as any;
  const map = copy.States.ChunksFromManifest;
  delete map.ItemReader;
  map.ItemsPath = '$.plan.value.manifestItems';
  return copy;
}

async function run(
  mocks: Partial<Record<string, Mock>>,
  options: { definition?: Record<string, unknown>; abortWhen?: (state: string) => boolean } = {},
) {
  const calls: { state: string; payload: any }[] = [];
  const attempts = new Map<string, number>();
  let abort: (() => void) | undefined;
  const handlers = Object.fromEntries(
    [...loaded.tasks.keys()].map((state) => [
      state,
      async (request: any) => {
        calls.push({ state, payload: request.Payload });
        const key = `${state}:${JSON.stringify(request.Payload?.chunk?.index ?? '')}`;
        const attempt = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, attempt);
        if (options.abortWhen?.(state)) abort?.();
        const mock = mocks[state] ?? defaults[state];
        try {
          return { Payload: await mock?.(request.Payload, attempt), StatusCode: 200 };
        } catch (error) {
          throw failureOf(error);
        }
      },
    ]),
  );
  const runOptions: RunOptions = {
    overrides: {
      taskResourceLocalHandlers: handlers as never,
      retryIntervalOverrides: Object.fromEntries(loaded.retryableStates.map((state) => [state, 0])),
    },
    context: { Execution: { Name: 'job-123' } },
  };
  const definition = options.definition ?? loaded.definition;
  const machine = new StateMachine(definition as unknown as StateMachineDefinition, {
    validationOptions: { noValidate: true },
  });
  const execution = machine.run({ jobId: 'job-123' } as never, runOptions);
  abort = execution.abort;
  const outcome = await execution.result.then(
    (output) => ({ status: 'SUCCEEDED', output }) as const,
    (error: Error) => ({ status: 'FAILED', error: (error.cause ?? error) as Error }) as const,
  );
  return { calls, path: calls.map((call) => call.state), outcome };
}

describe('batch predictions workflow, chunks inline (the local path)', () => {
  it('plans, runs one chunk step per chunk with the job id and the chunk, then finalizes', async () => {
    // Act
    const { calls, path, outcome } = await run({});

    // Assess
    expect(path[0]).toBe('Plan');
    expect(calls[0]?.payload).toEqual({
      jobId: 'job-123',
      settings: { targetChunkBytes: 1024 * 1024, inlineChunkLimit: 9007199254740991, maxConcurrency: 2 },
    });
    const chunkCalls = calls.filter((call) => call.state === 'RunChunk');
    expect(chunkCalls.map((call) => call.payload).sort((a, b) => a.chunk.index - b.chunk.index)).toEqual(
      chunks.map((c) => ({ jobId: 'job-123', chunk: c })),
    );
    expect(path.at(-1)).toBe('Finalize');
    expect(calls.at(-1)?.payload).toEqual({ jobId: 'job-123' });
    expect(outcome.status).toBe('SUCCEEDED');
  });

  it('retries a chunk that throws TransientError and goes on', async () => {
    // Act
    const { path, outcome } = await run({
      RunChunk: (payload, attempt) => {
        if (payload.chunk.index === 1 && attempt <= 2) throw namedError('TransientError', 'throttled');
        return { index: payload.chunk.index };
      },
    });

    // Assess
    expect(path.filter((state) => state === 'RunChunk')).toHaveLength(5);
    expect(path.at(-1)).toBe('Finalize');
    expect(outcome.status).toBe('SUCCEEDED');
  });

  it('records a failing chunk with its index and reason, fails the Map and the job, and never finalizes', async () => {
    // Act
    const { calls, path, outcome } = await run({
      RunChunk: (payload) => {
        if (payload.chunk.index === 2)
          throw namedError('UnprocessableError', 'The model failed on this input');
        return { index: payload.chunk.index };
      },
    });

    // Assess
    expect(path).not.toContain('Finalize');
    const chunkFailure = calls.find((call) => call.state === 'MarkChunkFailed')?.payload;
    expect(chunkFailure.jobId).toBe('job-123');
    expect(chunkFailure.chunk).toBe(2);
    expect(JSON.parse(chunkFailure.error.Cause)).toMatchObject({
      errorType: 'UnprocessableError',
      errorMessage: 'The model failed on this input',
    });
    expect(path.at(-1)).toBe('MarkJobFailed');
    expect(outcome.status).toBe('FAILED');
    expect(outcome.status === 'FAILED' && outcome.error.name).toBe('BatchJobFailed');
  });

  it("marks the job failed when the plan refuses the user's file, and ends the execution succeeded", async () => {
    // Act
    const { calls, path, outcome } = await run({
      Plan: () => {
        throw namedError('UserDataError', 'The input has no column "x1".');
      },
    });

    // Assess
    expect(path).toEqual(['Plan', 'MarkJobFailed']);
    expect(JSON.parse(calls[1]?.payload.error.Cause).errorMessage).toBe('The input has no column "x1".');
    expect(outcome.status).toBe('SUCCEEDED');
  });

  it('marks the job failed and fails the execution when the plan fails for another reason (a platform fault)', async () => {
    // Act
    const { path, outcome } = await run({
      Plan: () => {
        throw namedError('NotFoundError', 'The input file is missing from storage.');
      },
    });

    // Assess
    expect(path).toEqual(['Plan', 'MarkJobFailed']);
    expect(outcome.status === 'FAILED' && outcome.error.name).toBe('BatchJobFailed');
  });

  it("ends the execution succeeded when finalize fails the job on too many refused rows (the user's data)", async () => {
    // Act
    const { path, outcome } = await run({ Finalize: () => ({ jobId: 'job-123', status: 'FAILED' }) });

    // Assess
    expect(path.at(-1)).toBe('Finalize');
    expect(outcome.status).toBe('SUCCEEDED');
  });

  it('stops without running a chunk when the job was cancelled before its plan', async () => {
    // Act
    const { path, outcome } = await run({ Plan: () => planResult({ active: false, chunkCount: 0 }) });

    // Assess
    expect(path).toEqual(['Plan']);
    expect(outcome.status).toBe('SUCCEEDED');
  });

  it('never finalizes an execution stopped while its chunks run (cancel)', async () => {
    // Act
    const { path, outcome } = await run({}, { abortWhen: (state) => state === 'RunChunk' });

    // Assess
    expect(path).toContain('RunChunk');
    expect(path).not.toContain('Finalize');
    expect(outcome.status).toBe('FAILED');
  });
});

describe('batch predictions workflow, chunks from the S3 manifest (the AWS path)', () => {
  it('takes the manifest Map when the plan hands no chunks inline', async () => {
    // Act
    const { calls, path, outcome } = await run(
      { Plan: () => planResult({ manifestItems: chunks }) },
      { definition: withManifestAsItems(loaded.definition) },
    );

    // Assess
    expect(path).not.toContain('RunChunk');
    const chunkCalls = calls.filter((call) => call.state === 'RunManifestChunk');
    expect(chunkCalls.map((call) => call.payload.chunk.index).sort()).toEqual([0, 1, 2]);
    expect(chunkCalls[0]?.payload.jobId).toBe('job-123');
    expect(path.at(-1)).toBe('Finalize');
    expect(outcome.status).toBe('SUCCEEDED');
  });

  it('records a failing manifest chunk and fails the job', async () => {
    // Act
    const { path, outcome } = await run(
      {
        Plan: () => planResult({ manifestItems: chunks }),
        RunManifestChunk: () => {
          throw namedError('Error', 'boom');
        },
      },
      { definition: withManifestAsItems(loaded.definition) },
    );

    // Assess
    expect(path).toContain('MarkManifestChunkFailed');
    expect(path.at(-1)).toBe('MarkJobFailed');
    expect(outcome.status).toBe('FAILED');
  });

  it('reads the manifest with an ItemReader and writes results with a ResultWriter, as a Distributed Map', () => {
    // Prepare
    const states = (loaded.definition as any).States;
    const inline = states.ChunksInline;
    const manifest = states.ChunksFromManifest;

    // Assess
    expect(manifest.ItemReader).toEqual({
      Resource: 'arn:aws:states:::s3:getObject',
      ReaderConfig: { InputType: 'JSON' },
      Parameters: { Bucket: 'mlp-local-datasets', 'Key.$': '$.plan.value.manifest.key' },
    });
    expect(manifest.ItemsPath).toBeUndefined();
    expect(inline.ItemsPath).toBe('$.plan.value.chunks');
    for (const map of [inline, manifest]) {
      expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
      expect(map.MaxConcurrencyPath).toBe('$.plan.value.maxConcurrency');
      expect(map.ResultWriter.Resource).toBe('arn:aws:states:::s3:putObject');
      expect(map.ResultWriter.Parameters).toEqual({
        Bucket: 'mlp-local-datasets',
        Prefix: MAP_RESULTS_PREFIX,
      });
      expect(map.ResultPath).toBeNull();
    }
    // One chunk step: the two processors differ only in their state names.
    const renamed = JSON.stringify(manifest.ItemProcessor)
      .replaceAll('RunManifestChunk', 'RunChunk')
      .replaceAll('MarkManifestChunkFailed', 'MarkChunkFailed')
      .replaceAll('ManifestChunkFailed', 'ChunkFailed');
    expect(JSON.parse(renamed)).toEqual(inline.ItemProcessor);
  });
});
