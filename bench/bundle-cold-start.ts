/**
 * `npm run bench:cold-start` (and part of `npm run bench`): the cold start of what is deployed.
 * Flow: the predict function's esbuild bundle and the onnxruntime layer from cdk.out (synthesized
 * first when missing or older than the sources, see lambda-assets.ts) → what the bundle is made of
 * (its esbuild metafile) → the local platform in a temporary directory with the demo model → the
 * bundle run in fresh processes as Lambda would (the function's synthesized environment plus the
 * platform's endpoints; import, config, first DynamoDB and S3 calls to the emulators, session
 * create, first prediction) → tables on stdout and bench-results/bundle-cold-start.json.
 * Targets are reported as PASS/MISS; a miss never fails the run.
 *
 * `--synth` synthesizes even when cdk.out looks current; `--bundle-dir <dir>` runs another build of
 * the bundle (e.g. esbuild run by hand with the same flags, to compare a change before synthesizing)
 * with the synthesized layer and environment; `--cpu-prof` writes each child's CPU profile
 * (`node --cpu-prof`) to a temporary directory it prints, for Chrome DevTools or speedscope.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { authorizerEvent, type IncomingRequest, proxyEvent } from '../local/api-gateway/events.ts';
import { DEMO_MODEL, seedDemo } from '../local/demo/seed-demo.ts';
import { type LocalPlatform, repositoryRoot, startLocalPlatform } from '../local/platform.ts';
import { bundleSummary } from './bundle-report.ts';
import { coldStart } from './cold-start.ts';
import { layOutTaskRoot, predictLambdaAssets } from './lambda-assets.ts';
import { loadBenchModel } from './model.ts';
import { machineInfo, type Target, writeReport } from './report.ts';
import { formatNumber, round, table } from './stats.ts';

const RUNS = 7;
const TARGETS = { coldStartMs: 400, bundleBytes: 5 * 1024 * 1024 };
const RESULT_FILE = join(repositoryRoot, 'bench-results', 'bundle-cold-start.json');

const STEP_LABELS: readonly [string, string][] = [
  ['harness', 'bench harness (plain JS: event, timing hooks)'],
  ['importBundle', 'import index.mjs (config, SDK clients, onnxruntime from the layer)'],
  ['firstInvocation', 'first invocation (registry, rate limit, S3, session, predict)'],
];

const log = (message: string) => process.stderr.write(`[bench:cold-start] ${message}\n`);
const mb = (bytes: number) => `${formatNumber(bytes / 2 ** 20, 2)} MB`;
const kb = (bytes: number) => formatNumber(bytes / 1024, 1);

const startedAt = performance.now();
const loadAverageAtStart = loadavg().map((x) => round(x, 2));
log('locating the predict bundle in cdk.out');
const bundleDirFlag = process.argv.indexOf('--bundle-dir');
const synthesized = predictLambdaAssets(repositoryRoot, { forceSynth: process.argv.includes('--synth') });
const assets =
  bundleDirFlag < 0
    ? synthesized
    : { ...synthesized, bundleDir: process.argv[bundleDirFlag + 1] ?? synthesized.bundleDir };
const bundle = bundleSummary(assets.bundleDir, assets.layerDir);
const { taskDir, handlerFile } = layOutTaskRoot(assets);
const dataDir = await mkdtemp(join(tmpdir(), 'mlp-bench-cold-'));
const profileDir = process.argv.includes('--cpu-prof')
  ? await mkdtemp(join(tmpdir(), 'mlp-cold-profiles-'))
  : undefined;
let platform: LocalPlatform | undefined;

try {
  log('starting the local platform');
  platform = await startLocalPlatform({ dataDir });
  const { accessToken } = await platform.identity.issueTokens('admin', { expiresInSeconds: 3600 });
  await seedDemo(platform.apiUrl, accessToken);
  const { authorize } = await import('../functions/http/authorizer.ts');

  const model = loadBenchModel();
  const host = new URL(platform.apiUrl).host;
  const incoming: IncomingRequest = {
    method: 'POST',
    rawPath: `/v1/models/${DEMO_MODEL}/predict`,
    rawQueryString: '',
    headers: { host, authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ instances: model.rows(1) })),
    sourceIp: '127.0.0.1',
    host,
  };
  const route = { routeKey: 'POST /v1/models/{name}/predict', pathParameters: { name: DEMO_MODEL } };
  const decision = await authorize(authorizerEvent(incoming, route, 'bench-authorizer'));
  if (decision.context.outcome !== 'authenticated') throw new Error('The admin token was not accepted.');

  const services = {
    [new URL(platform.endpoints.dynamodb).host]: 'DynamoDB',
    [new URL(platform.endpoints.s3).host]: 'S3',
  };
  // What Lambda sets, then the function's own literal settings, then the emulators' endpoints and
  // table names (CloudFormation references in the template).
  const environment: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    LAMBDA_TASK_ROOT: taskDir,
    NODE_PATH: join(assets.layerDir, 'nodejs', 'node_modules'),
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: 'predict',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(assets.memoryMb),
    ...assets.literalEnvironment,
    ...platform.environment,
  };
  log(`${RUNS} cold starts of ${handlerFile}`);
  const cold = await coldStart(
    {
      mode: 'bundle',
      event: proxyEvent(incoming, route, 'bench-cold', decision.context),
      handlerFile,
      services,
    },
    RUNS,
    environment,
    profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
  );
  if (profileDir !== undefined) log(`CPU profiles in ${profileDir}`);

  const targets: Target[] = [
    {
      name: 'bundled predict cold start: process start → first answer (p50)',
      target: `≤ ${TARGETS.coldStartMs} ms`,
      measured: `${formatNumber(cold.totalMs, 1)} ms`,
      pass: cold.totalMs <= TARGETS.coldStartMs,
    },
    {
      name: 'predict bundle (index.mjs), the layer apart',
      target: `≤ ${mb(TARGETS.bundleBytes)}`,
      measured: mb(bundle.bundleBytes),
      pass: bundle.bundleBytes <= TARGETS.bundleBytes,
    },
  ];
  const report = {
    machine: { ...machineInfo(), loadAverageAtStart },
    setup: {
      bundle: handlerFile.replace(taskDir, '<task>'),
      asset: assets.bundleDir.replace(repositoryRoot, ''),
      layer: assets.layerDir.replace(repositoryRoot, ''),
      synth: assets.synth,
      memoryMb: assets.memoryMb,
      runs: RUNS,
      notes: [
        'Each run is a fresh `node` process with no flags: the bundle copied to a temporary task directory whose node_modules links to the layer’s nodejs/node_modules (Lambda: NODE_PATH=/opt/nodejs/node_modules).',
        'Environment: what Lambda sets (function name, memory, TZ, NODE_PATH), the function’s literal variables from the template, and the local platform’s endpoints, table and bucket names and credentials; tracing is off as in `npm start`.',
        'Not included: Lambda’s own init (runtime start, code download and unpack), which no local run can reproduce.',
      ],
    },
    bundle,
    coldStart: cold,
    targets,
    durationSeconds: round((performance.now() - startedAt) / 1000, 1),
  };
  await writeReport(RESULT_FILE, report as never);

  const m = report.machine;
  const composition = table(
    ['what index.mjs is made of (esbuild metafile)', 'KB', 'files'],
    bundle.inputs.map((input) => [input.name, kb(input.bytes), String(input.files)]),
  );
  const steps = table(
    ['bundled predict cold start (median of runs), ms', 'ms'],
    [
      ['node start-up (process start → script)', formatNumber(cold.bootMs, 1)],
      ...STEP_LABELS.map(([step, label]) => [label, formatNumber(cold.steps[step] ?? Number.NaN, 1)]),
      ...Object.entries(cold.requests ?? {}).map(([service, { count, ms }]) => [
        `  of which waiting on ${service} (${count} requests)`,
        formatNumber(ms, 1),
      ]),
      ['total: process start → first answer', formatNumber(cold.totalMs, 1)],
      ['CPU time until the first answer (all threads)', formatNumber(cold.cpuMs ?? Number.NaN, 1)],
      ['runs: total', cold.runs.map((r) => formatNumber(r.totalMs, 0)).join(' / ')],
    ],
  );
  process.stdout.write(
    [
      `Bundled cold start — ${m.cpuModel}, ${m.cores} cores, Node ${m.node}, ${m.date}; load average ${loadAverageAtStart.join(' / ')} at start`,
      `cdk.out: ${assets.synth.ran ? `synthesized now (${assets.synth.seconds} s)` : `as synthesized at ${assets.synth.at}`}`,
      `bundle ${mb(bundle.bundleBytes)} (index.mjs), asset ${mb(bundle.assetBytes)} with source map and metafile, layer ${mb(bundle.layerBytes)}`,
      '',
      composition,
      '',
      steps,
      ...(cold.error === undefined ? [] : [`FAILED: ${cold.error}`]),
      '',
      table(
        ['target (from the issue)', 'wanted', 'measured', ''],
        targets.map((t) => [t.name, t.target, t.measured, t.pass ? 'PASS' : 'MISS']),
      ),
      '',
      `Wrote ${RESULT_FILE}.`,
      '',
    ].join('\n'),
  );
} finally {
  await platform?.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(join(taskDir, '..'), { recursive: true, force: true });
}
