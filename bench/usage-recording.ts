/**
 * What recording usage adds to a prediction: the prediction use case with a model runner that
 * answers at once (so the recording is not lost in the model's time), with and without
 * `observePrediction` and the container's UsageRecorder, whose flushes go to the DynamoDB emulator
 * in the background as in the functions. Reports the p50/p99 of each and their difference, and how
 * many DynamoDB writes the requests cost. Writes bench-results/usage-recording.json.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbUsageRepository } from '../functions/adapters/dynamodb/usage-repository.ts';
import type { Principal } from '../functions/core/auth/principal.ts';
import { type PredictDeps, predict } from '../functions/core/inference/predict.ts';
import { CaptureRecorder } from '../functions/core/monitoring/prediction-capture.ts';
import { observePrediction } from '../functions/core/monitoring/prediction-observation.ts';
import { UsageRecorder } from '../functions/core/monitoring/usage-recorder.ts';
import type { UsageAggregate } from '../functions/core/monitoring/usage-records.ts';
import type { ModelRecord, VersionRecord } from '../functions/core/registry/model-records.ts';
import { localTableName, tableDefinitions } from '../infra/definitions/storage.ts';
import { startEmulators } from '../local/emulators/emulators.ts';
import { provisionTables } from '../local/emulators/provision.ts';
import { repositoryRoot } from '../local/platform.ts';
import { benchmark } from './micro.ts';
import { round } from './stats.ts';

const SETTINGS = {
  runs: 7,
  warmupIterations: 2000,
  iterations: 20_000,
  flushEveryRequests: 100,
  flushIntervalMs: 5000,
};

const principal: Principal = {
  userId: 'u1',
  username: 'alice',
  role: 'user',
  via: 'apiKey',
  keyId: 'k1',
  scope: 'predict',
};
const model = {
  name: 'iris',
  ownerId: 'u1',
  aliases: { production: { routes: [{ version: 1, weight: 100 }] } },
};
/** The same model with capture on at the default rate. */
const capturedModel = { ...model, capture: { sampleRate: 0.1, includeInputs: true } };
const version = { modelName: 'iris', version: 1, status: 'approved', artifactKey: 'models/iris/1.onnx' };
const answer = { predictions: [0], probabilities: [[0.98, 0.018, 0]], classLabels: [0, 1, 2] };
const deps: PredictDeps = {
  models: { get: async () => model as unknown as ModelRecord },
  versions: {
    get: async () => version as unknown as VersionRecord,
    list: async () => ({ items: [version as unknown as VersionRecord] }),
  },
  runner: {
    predict: async () => answer,
    infer: async () => [],
    servedSignature: async () => {
      throw new Error('not used');
    },
  },
};
const instances = [[5.1, 3.5, 1.4, 0.2]];
const capturedDeps: PredictDeps = {
  ...deps,
  models: { get: async () => capturedModel as unknown as ModelRecord },
};

const dataDir = await mkdtemp(join(tmpdir(), 'mlp-bench-usage-'));
const emulators = await startEmulators({ dataDir, host: '127.0.0.1', dynamodbPort: 0, s3Port: 0 });
try {
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const dynamodb = new DynamoDBClient({ region: 'us-east-1', credentials, endpoint: emulators.dynamodbUrl });
  await provisionTables(dynamodb, [
    { name: localTableName(tableDefinitions.usage), definition: tableDefinitions.usage },
  ]);
  const repository = new DynamoDbUsageRepository(
    DynamoDBDocumentClient.from(dynamodb),
    localTableName(tableDefinitions.usage),
  );
  let writes = 0;
  let recorded = 0;
  const recorder = new UsageRecorder({
    store: {
      add: async (aggregates: readonly UsageAggregate[]) => {
        writes += aggregates.length;
        return repository.add(aggregates);
      },
    },
    flushEveryRequests: SETTINGS.flushEveryRequests,
    flushIntervalMs: SETTINGS.flushIntervalMs,
  });
  const sink = {
    record: (usage: Parameters<UsageRecorder['record']>[0]) => {
      recorded += 1;
      recorder.record(usage);
    },
  };

  let capturedBytes = 0;
  const capture = new CaptureRecorder({
    // Discards what it is given (after serializing it at flush, as the S3 writer does): this
    // measures the request path's share, the sample draw and the buffering.
    store: {
      put: async (_key, body) => {
        capturedBytes += body.length;
      },
    },
    flushEveryRecords: 500,
    flushIntervalMs: 10_000,
    writerId: 'bench',
  });

  const stats = await benchmark(
    [
      {
        name: 'predict',
        iterations: SETTINGS.iterations,
        call: () => predict(principal, 'iris', {}, instances, deps),
      },
      {
        name: 'predictRecorded',
        iterations: SETTINGS.iterations,
        call: () =>
          observePrediction(
            { usage: sink },
            { principal, model: 'iris', requestId: 'r1', inputs: instances },
            (observer) => predict(principal, 'iris', {}, instances, deps, observer),
            (r) => r.predictions.length,
          ),
      },
      {
        name: 'predictRecordedCaptured',
        iterations: SETTINGS.iterations,
        call: () =>
          observePrediction(
            { usage: sink, capture },
            { principal, model: 'iris', requestId: 'r1', inputs: instances },
            (observer) => predict(principal, 'iris', {}, instances, capturedDeps, observer),
            (r) => r.predictions.length,
          ),
      },
    ],
    SETTINGS,
  );
  await recorder.flush();
  await capture.flush();
  const bare = stats.predict;
  const recordedStats = stats.predictRecorded;
  const capturedStats = stats.predictRecordedCaptured;
  if (bare === undefined || recordedStats === undefined || capturedStats === undefined) {
    throw new Error('missing variant');
  }
  const result = {
    machine: {
      cpuModel: cpus()[0]?.model.split(' ').slice(0, 2).join(' '),
      cores: cpus().length,
      node: process.version,
      date: new Date().toISOString(),
      loadAverage: loadavg().map((x) => round(x, 2)),
    },
    setup: {
      ...SETTINGS,
      notes: [
        'predict = the core prediction use case (version resolution, the runner, the answer) with in-memory reads and a runner that answers at once.',
        'predictRecorded = the same inside observePrediction with the container UsageRecorder; its flushes write to the DynamoDB emulator (same process) in the background.',
        'predictRecordedCaptured = predictRecorded for a model with capture on (sampleRate 0.1): the sample draw and buffering on the request path; the records are serialized at flush and discarded.',
      ],
    },
    predictP50Us: round(bare.p50Us, 2),
    predictP99Us: round(bare.p99Us, 2),
    recordedP50Us: round(recordedStats.p50Us, 2),
    recordedP99Us: round(recordedStats.p99Us, 2),
    addedP50Us: round(recordedStats.p50Us - bare.p50Us, 2),
    addedP99Us: round(recordedStats.p99Us - bare.p99Us, 2),
    capturedP50Us: round(capturedStats.p50Us, 2),
    capturedP99Us: round(capturedStats.p99Us, 2),
    addedWithCaptureP50Us: round(capturedStats.p50Us - bare.p50Us, 2),
    addedWithCaptureP99Us: round(capturedStats.p99Us - bare.p99Us, 2),
    capturedBytes,
    requestsRecorded: recorded,
    // The timed loop resolves on microtasks, so a flush's socket I/O completes between runs and one
    // caller's minute merges into few writes; this says the flushes happened, not a rate.
    dynamodbWrites: writes,
    targetAddedP50Us: 20,
  };
  await writeFile(
    join(repositoryRoot, 'bench-results', 'usage-recording.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  process.stdout.write(
    `usage recording: predict p50 ${result.predictP50Us} µs → recorded ${result.recordedP50Us} µs ` +
      `(+${result.addedP50Us} µs at p50, target ≤ 20; +${result.addedP99Us} µs at p99); with capture at 10 %: ` +
      `+${result.addedWithCaptureP50Us} µs at p50, +${result.addedWithCaptureP99Us} µs at p99\n`,
  );
  dynamodb.destroy();
} finally {
  await emulators.close();
  await rm(dataDir, { recursive: true, force: true });
}
