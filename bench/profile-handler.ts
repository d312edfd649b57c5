/**
 * `node --openssl-legacy-provider bench/profile-handler.ts [rows] [calls] [out.cpuprofile]`: the
 * predict handler in-process in a loop, on the bench's model and caller, with a CPU profile of the
 * loop alone (the same V8 profiler as `node --cpu-prof`, started after the platform is up so the
 * profile is not start-up).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authorizerEvent, type IncomingRequest, proxyEvent } from '../local/api-gateway/events.ts';
import { lambdaContext } from '../local/api-gateway/lambda-context.ts';
import { DEMO_MODEL, seedDemo } from '../local/demo/seed-demo.ts';
import { startLocalPlatform } from '../local/platform.ts';
import { loadBenchModel } from './model.ts';

const rowCount = Number(process.argv[2] ?? 1);
const calls = Number(process.argv[3] ?? 20000);
const model = loadBenchModel();
const dataDir = await mkdtemp(join(tmpdir(), 'mlp-profile-'));
const platform = await startLocalPlatform({
  dataDir,
  functionEnvironment: { RATE_LIMIT_PER_MINUTE: '1000000000' },
});
try {
  const { accessToken } = await platform.identity.issueTokens('admin', { expiresInSeconds: 3600 });
  await seedDemo(platform.apiUrl, accessToken);
  const { handler } = await import('../functions/http/inference/predict.ts');
  const { authorize } = await import('../functions/http/authorizer.ts');
  const host = new URL(platform.apiUrl).host;
  const rows = model.rows(rowCount);
  const incoming: IncomingRequest = {
    method: 'POST',
    rawPath: `/v1/models/${DEMO_MODEL}/predict`,
    rawQueryString: '',
    headers: { host, authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ instances: rows })),
    sourceIp: '127.0.0.1',
    host,
  };
  const route = { routeKey: 'POST /v1/models/{name}/predict', pathParameters: { name: DEMO_MODEL } };
  const decision = await authorize(authorizerEvent(incoming, route, 'p'));
  const event = proxyEvent(incoming, route, 'p', decision.context);
  for (let i = 0; i < 500; i += 1) await handler(event, lambdaContext('predict', 'profile'));
  const profiler = new Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.setSamplingInterval', { interval: 50 });
  await profiler.post('Profiler.start');
  const samples: number[] = [];
  for (let i = 0; i < calls; i += 1) {
    const t = performance.now();
    const response = await handler(event, lambdaContext('predict', 'profile'));
    samples.push((performance.now() - t) * 1000);
    if (response.statusCode !== 200) throw new Error(response.body);
  }
  const { profile } = await profiler.post('Profiler.stop');
  await writeFile(process.argv[4] ?? 'handler.cpuprofile', JSON.stringify(profile));
  samples.sort((a, b) => a - b);
  process.stdout.write(
    `${rowCount} row(s): p50 ${samples[Math.floor(calls / 2)]?.toFixed(1)} µs over ${calls} calls\n`,
  );
} finally {
  await platform.close();
  await rm(dataDir, { recursive: true, force: true });
}
