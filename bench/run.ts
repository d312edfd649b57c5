/**
 * `npm run bench`: the inference benchmark, on the iris model and its rows. Flow: start the local
 * platform in a temporary directory (rate limit raised out of the way) → register the demo model
 * through the API → in-process latency of raw onnxruntime, OnnxModel and the predict handler (1 and
 * 100 rows) → the local HTTP API and a bare node:http server under the same load → cold starts in
 * fresh processes → print the tables and write bench-results/inference.json. Targets are reported
 * as PASS/MISS; a miss never fails the run. `--in-process` stops after the in-process latencies:
 * it prints their table and writes nothing (a quick check while working on the handler).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { authorizerEvent, type IncomingRequest, proxyEvent } from '../local/api-gateway/events.ts';
import { lambdaContext } from '../local/api-gateway/lambda-context.ts';
import { DEMO_MODEL, seedDemo } from '../local/demo/seed-demo.ts';
import { type LocalPlatform, repositoryRoot, startLocalPlatform } from '../local/platform.ts';
import { coldStart } from './cold-start.ts';
import { DynamoDbTap } from './dynamodb-tap.ts';
import { type LoadResult, runLoad, startBareServer } from './load.ts';
import { benchmark, type Variant } from './micro.ts';
import { createRawSession, loadBenchModel, MODEL_FILE, runRaw, toFloat32 } from './model.ts';
import {
  type BenchReport,
  type InProcessResult,
  inProcessTables,
  type LoadSeries,
  machineInfo,
  printReport,
  type Target,
  writeReport,
} from './report.ts';
import { formatNumber, median, round } from './stats.ts';

const SETTINGS = {
  rowCounts: [1, 100],
  micro: {
    runs: 5,
    warmupIterations: 200,
    iterations: {
      raw: 3000,
      onnxModel: 3000,
      handlerReplay: 500,
      handlerEmulator: 300,
      handlerCached: 500,
      authorizer: 500,
    },
  },
  load: { rounds: 3, connections: 8, durationSeconds: 10, warmupSeconds: 1 },
  coldStartRuns: 5,
  /** High enough that the bench's own calls never meet it; the write to the counter still happens. */
  rateLimitPerMinute: 1_000_000_000,
} as const;

const TARGETS = {
  /** Handler p50 − raw run p50, by rows per request (the issue's: 50 µs at 1 row, 100 µs at 100). */
  handlerOverheadUs: { 1: 50, 100: 100 } as Record<number, number>,
  apiShareOfBare: 0.5,
  apiP99Ms: 10,
  coldStartMs: 400,
};

const RESULT_FILE = join(repositoryRoot, 'bench-results', 'inference.json');
/** The same file as the demo model, registered again with the prediction cache on. */
const CACHED_MODEL = 'iris-cached';

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function assertLabels(what: string, actual: unknown, expected: readonly number[]): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${what} predicted ${JSON.stringify(actual)}, scikit-learn ${JSON.stringify(expected)}.`);
  }
}

const startedAt = performance.now();
/** Other work on the machine skews every figure: recorded so a reader can tell. */
const loadAverageAtStart = loadavg().map((x) => round(x, 2));
const model = loadBenchModel();
const dataDir = await mkdtemp(join(tmpdir(), 'mlp-bench-'));
let platform: LocalPlatform | undefined;
const cleanups: (() => Promise<void>)[] = [];

async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await platform?.close();
  await rm(dataDir, { recursive: true, force: true });
}

try {
  log('starting the local platform');
  platform = await startLocalPlatform({
    dataDir,
    functionEnvironment: { RATE_LIMIT_PER_MINUTE: String(SETTINGS.rateLimitPerMinute) },
  });
  const { accessToken } = await platform.identity.issueTokens('admin', { expiresInSeconds: 3600 });
  await seedDemo(platform.apiUrl, accessToken);
  await registerCachedModel(platform.apiUrl, accessToken, model.bytes);

  // The functions read their configuration at import: only now that the platform set it.
  const { handler } = await import('../functions/http/inference/predict.ts');
  const { authorize } = await import('../functions/http/authorizer.ts');
  const { dynamoDb, documentClient } = await import('../functions/adapters/aws-clients.ts');
  const { versionRepository } = await import('../functions/adapters/dependencies.ts');
  const { modelCache } = await import('../functions/adapters/inference-dependencies.ts');

  if (documentClient.config !== dynamoDb.config)
    throw new Error('The document client has its own configuration.');
  const tap = DynamoDbTap.install(dynamoDb);
  cleanups.push(async () => tap.uninstall());

  const version = await versionRepository.get(DEMO_MODEL, 1);
  if (version === undefined) throw new Error(`${DEMO_MODEL} has no version 1.`);
  const rawSession = await createRawSession(model);
  cleanups.push(() => rawSession.release());

  // One admin caller, authorized once by the real authorizer, as the gateway does per request.
  const apiHost = new URL(platform.apiUrl).host;
  const incoming = (rows: number[][], name = DEMO_MODEL): IncomingRequest => ({
    method: 'POST',
    rawPath: `/v1/models/${name}/predict`,
    rawQueryString: '',
    headers: {
      host: apiHost,
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/json',
      'user-agent': 'bench',
    },
    body: Buffer.from(JSON.stringify({ instances: rows })),
    sourceIp: '127.0.0.1',
    host: apiHost,
  });
  const routeOf = (name: string) => ({
    routeKey: 'POST /v1/models/{name}/predict',
    pathParameters: { name },
  });
  const route = routeOf(DEMO_MODEL);
  const decision = await authorize(authorizerEvent(incoming([]), route, 'bench-authorizer'));
  if (decision.context.outcome !== 'authenticated') throw new Error('The admin token was not accepted.');

  const inProcess: InProcessResult[] = [];
  for (const rowCount of SETTINGS.rowCounts) {
    const rows = model.rows(rowCount);
    const expected = model.expectedLabels(rowCount);
    const data = toFloat32(rows, model.features);
    const event: APIGatewayProxyEventV2 = proxyEvent(
      incoming(rows),
      route,
      `bench-${rowCount}`,
      decision.context,
    );
    const cachedEvent = proxyEvent(
      incoming(rows, CACHED_MODEL),
      routeOf(CACHED_MODEL),
      `bench-cached-${rowCount}`,
      decision.context,
    );
    const invokeWith = (request: APIGatewayProxyEventV2) => async () => {
      const response = await handler(request, lambdaContext('predict', 'bench'));
      if (response.statusCode !== 200)
        throw new Error(`The handler answered ${response.statusCode}: ${response.body}`);
      return response;
    };
    const invoke = invokeWith(event);
    const invokeCached = invokeWith(cachedEvent);

    // Correctness first: every path gives scikit-learn's labels (and the handler loads the model).
    const first = await invoke();
    assertLabels(
      'The handler',
      (JSON.parse(first.body ?? '{}') as { predictions?: unknown }).predictions,
      expected,
    );
    // The cached model answers as the uncached one (its first call fills the cache).
    const answerOf = (body: string | undefined) => {
      const { predictions, probabilities } = JSON.parse(body ?? '{}') as Record<string, unknown>;
      return JSON.stringify({ predictions, probabilities });
    };
    for (let i = 0; i < 2; i += 1) {
      const cached = await invokeCached();
      if (answerOf(cached.body) !== answerOf(first.body)) {
        throw new Error(`With the prediction cache on the handler answered ${cached.body}`);
      }
    }
    const lease = await modelCache.acquire(version);
    const onnxModel = lease.model;
    assertLabels('OnnxModel', (await onnxModel.predict(rows)).predictions, expected);
    const rawOutputs = await runRaw(rawSession, model, data);
    assertLabels(
      'The raw session',
      Array.from(rawOutputs[model.outputNames[0] ?? '']?.data as BigInt64Array, Number),
      expected,
    );

    const emulatorRuns: { calls: number; ms: number }[] = [];
    const variants: Variant[] = [
      { name: 'raw', iterations: SETTINGS.micro.iterations.raw, call: () => runRaw(rawSession, model, data) },
      {
        name: 'onnxModel',
        iterations: SETTINGS.micro.iterations.onnxModel,
        call: () => onnxModel.predict(rows),
      },
      {
        name: 'handlerReplay',
        iterations: SETTINGS.micro.iterations.handlerReplay,
        call: invoke,
        before: () => {
          tap.mode = 'replay';
        },
      },
      {
        name: 'handlerCached',
        iterations: SETTINGS.micro.iterations.handlerCached,
        call: invokeCached,
        before: () => {
          tap.mode = 'emulator';
        },
      },
      {
        name: 'handlerEmulator',
        iterations: SETTINGS.micro.iterations.handlerEmulator,
        call: invoke,
        before: () => {
          tap.mode = 'emulator';
          tap.resetCounters();
        },
        after: (calls) => {
          emulatorRuns.push({ calls: tap.counters.calls / calls, ms: tap.counters.emulatorMs / calls });
        },
      },
    ];
    if (rowCount === 1) {
      // Not part of the handler: what the gateway runs before it on every API request.
      const authorizerCall = authorizerEvent(incoming(rows), route, 'bench-authorizer');
      variants.push({
        name: 'authorizer',
        iterations: SETTINGS.micro.iterations.authorizer,
        call: () => authorize(authorizerCall),
      });
    }
    log(`in-process latency, ${rowCount} row(s)`);
    const stats = await benchmark(variants, SETTINGS.micro);
    tap.mode = 'emulator';
    lease.release();
    inProcess.push({
      rows: rowCount,
      variants: stats,
      dynamodb: {
        callsPerInvocation: median(emulatorRuns.map((r) => r.calls)),
        emulatorMsPerInvocation: round(median(emulatorRuns.map((r) => r.ms)), 4),
      },
    });
  }
  tap.uninstall();
  if (process.argv.includes('--in-process')) {
    process.stdout.write(`${inProcessTables(inProcess)}\n`);
    await cleanUp();
    process.exit(0);
  }

  // HTTP load: the local API (authorizer + handler, as `npm start` runs them) vs the bare server.
  const bareSession = await createRawSession(model);
  cleanups.push(() => bareSession.release());
  const bare = await startBareServer(bareSession, model);
  cleanups.push(() => bare.close());
  const oneRow = model.rows(1);
  const body = JSON.stringify({ instances: oneRow });
  const servers: { name: string; url: string; headers: Record<string, string> }[] = [
    {
      name: 'local API: POST /v1/models/iris-demo/predict (token)',
      url: `${platform.apiUrl}/v1/models/${DEMO_MODEL}/predict`,
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    },
    { name: 'bare node:http + onnxruntime', url: bare.url, headers: { 'content-type': 'application/json' } },
  ];
  for (const server of servers) {
    const response = await fetch(server.url, { method: 'POST', headers: server.headers, body });
    assertLabels(
      server.name,
      ((await response.json()) as { predictions?: unknown }).predictions,
      model.expectedLabels(1),
    );
  }
  const loadRuns = new Map<string, LoadResult[]>(servers.map((s) => [s.name, []]));
  for (let round = 0; round < SETTINGS.load.rounds; round += 1) {
    // Alternate the order so neither server always runs on the warmer machine.
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    for (const server of order) {
      log(`load round ${round + 1}/${SETTINGS.load.rounds}: ${server.name}`);
      const result = await runLoad({ url: server.url, headers: server.headers, body, ...SETTINGS.load });
      loadRuns.get(server.name)?.push(result);
    }
  }
  const load: LoadSeries[] = servers.map(({ name }) => {
    const runs = loadRuns.get(name) ?? [];
    return {
      name,
      requestsPerSecond: round(median(runs.map((r) => r.requestsPerSecond)), 0),
      p50Ms: round(median(runs.map((r) => r.p50Ms)), 3),
      p99Ms: round(median(runs.map((r) => r.p99Ms)), 3),
      non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
      errors: runs.reduce((sum, r) => sum + r.errors, 0),
      runs: runs.map((r) => ({
        ...r,
        requestsPerSecond: round(r.requestsPerSecond, 0),
        p50Ms: round(r.p50Ms, 3),
        p99Ms: round(r.p99Ms, 3),
      })),
    };
  });

  log('cold starts');
  const runtimeCold = await coldStart(
    {
      mode: 'runtime',
      s3Endpoint: platform.endpoints.s3,
      bucket: platform.environment.MODELS_BUCKET ?? '',
      key: version.artifactKey,
      row: oneRow[0] ?? [],
    },
    SETTINGS.coldStartRuns,
  );
  const handlerCold = await coldStart(
    { mode: 'handler', event: proxyEvent(incoming(oneRow), route, 'bench-cold', decision.context) },
    SETTINGS.coldStartRuns,
    { ...process.env, ...platform.environment },
  );

  const [oneRowResult, manyRowsResult] = inProcess;
  const [api, bareSeries] = load;
  const overhead = (result: InProcessResult | undefined) =>
    (result?.variants.handlerEmulator?.p50Us ?? Number.NaN) - (result?.variants.raw?.p50Us ?? Number.NaN);
  const share = (api?.requestsPerSecond ?? 0) / (bareSeries?.requestsPerSecond ?? Number.NaN);
  const targets: Target[] = [
    ...[oneRowResult, manyRowsResult].map((result) => ({
      name: `handler p50 − raw run p50, ${result?.rows} row(s)`,
      target: `≤ ${TARGETS.handlerOverheadUs[result?.rows ?? 1]} µs`,
      measured: `${formatNumber(overhead(result), 1)} µs`,
      pass: overhead(result) <= (TARGETS.handlerOverheadUs[result?.rows ?? 1] ?? 0),
    })),
    {
      name: 'local API req/s ÷ bare server req/s',
      target: `≥ ${TARGETS.apiShareOfBare * 100} %`,
      measured: `${formatNumber(share * 100, 1)} %`,
      pass: share >= TARGETS.apiShareOfBare,
    },
    {
      name: 'local API p99 under load',
      target: `≤ ${TARGETS.apiP99Ms} ms`,
      measured: `${formatNumber(api?.p99Ms ?? Number.NaN, 2)} ms`,
      pass: (api?.p99Ms ?? Number.POSITIVE_INFINITY) <= TARGETS.apiP99Ms,
    },
    {
      name: 'cold start: process start → first prediction (runtime)',
      target: `≤ ${TARGETS.coldStartMs} ms`,
      measured: `${formatNumber(runtimeCold.totalMs, 1)} ms`,
      pass: runtimeCold.totalMs <= TARGETS.coldStartMs,
    },
  ];

  const report: BenchReport = {
    machine: { ...machineInfo(), loadAverageAtStart },
    setup: {
      model: MODEL_FILE,
      registeredAs: `${DEMO_MODEL} version 1 (production alias)`,
      rows: 'the fixture’s 10 rows, repeated to 100; 1 row = the first',
      caller: 'admin (Cognito-shaped access token from the local identity provider)',
      rateLimitPerMinute: SETTINGS.rateLimitPerMinute,
      micro: SETTINGS.micro,
      load: { ...SETTINGS.load, client: 'autocannon in a child process, no pipelining' },
      coldStartRuns: SETTINGS.coldStartRuns,
      notes: [
        'raw = onnxruntime-node InferenceSession on the served bytes (ZipMap rewritten to a tensor by prepareForServing), with OnnxModel’s session options (1 intra-op thread, sequential, all graph optimizations); the tensor is built per call from a ready Float32Array.',
        'handler = functions/http/inference/predict.ts handler(event, context) in-process with a payload 2.0 event and the authorizer context of the admin; it writes the rate counter and reads the model and version items in DynamoDB on every call.',
        'handlerReplay = the same handler with the DynamoDB client’s HTTP handler answering from recorded emulator answers: everything but the socket and the emulator runs (marshalling, signing, parsing).',
        'The emulators (dynalite, s3rver) run in the same process and event loop as the API, as in `npm start`.',
      ],
    },
    inProcess,
    load,
    coldStart: { runtime: runtimeCold, handler: handlerCold },
    targets,
    durationSeconds: round((performance.now() - startedAt) / 1000, 1),
  };
  await writeReport(RESULT_FILE, report);
  process.stdout.write(`${printReport(report)}\nWrote ${RESULT_FILE}.\n`);
} finally {
  await cleanUp();
}

/** Registers the bench's model a second time, as CACHED_MODEL, and turns its prediction cache on. */
async function registerCachedModel(apiUrl: string, token: string, bytes: Uint8Array): Promise<void> {
  const call = async (
    method: string,
    path: string,
    body: string | Uint8Array,
    contentType = 'application/json',
  ) => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      body,
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  };
  await call('POST', '/v1/models', JSON.stringify({ name: CACHED_MODEL, task: 'classification' }));
  await call('POST', `/v1/models/${CACHED_MODEL}/versions`, bytes, 'application/octet-stream');
  await call('PATCH', `/v1/models/${CACHED_MODEL}`, JSON.stringify({ predictionCache: { enabled: true } }));
}
