/**
 * One cold start of the deployed predict bundle (see cold-start-child.ts for the other modes and
 * the output format; bundle-cold-start.ts for the set-up). Plain JavaScript on purpose: a .ts
 * script makes Node load its TypeScript stripper (tens of milliseconds), which Lambda never does.
 *
 * Steps: `harness` (this script's own set-up), `importBundle` (index.mjs: config, SDK clients,
 * onnxruntime-node from the layer), `firstInvocation` (registry reads and the rate limit in the
 * DynamoDB emulator, the model file from the S3 emulator, session create, predict). The
 * invocation's requests are timed from Node's http diagnostics channels, so nothing in the bundle
 * changes: per service, how many, and the wall time during which one at least was waiting.
 *
 * Usage: node bench/cold-start-bundle-child.mjs '<ColdStartSpec of mode "bundle", as JSON>'
 */
import { subscribe } from 'node:diagnostics_channel';

const bootMs = performance.now();
const spec = JSON.parse(process.argv[2] ?? '{}');
/** @type {Record<string, number>} */
const steps = {};
let mark = performance.now();
const step = (/** @type {string} */ name) => {
  const now = performance.now();
  steps[name] = now - mark;
  mark = now;
};

/** @type {Map<object, number>} */
const started = new Map();
/** @type {Record<string, [number, number][]>} */
const intervals = {};
let recording = false;
subscribe('http.client.request.start', (message) => {
  if (recording) started.set(/** @type {{ request: object }} */ (message).request, performance.now());
});
subscribe('http.client.response.finish', (message) => {
  const { request } = /** @type {{ request: import('node:http').ClientRequest }} */ (message);
  const at = started.get(request);
  if (at === undefined) return;
  const host = String(request.getHeader('host') ?? request.host);
  const service = spec.services[host] ?? host;
  const list = intervals[service] ?? [];
  list.push([at, performance.now()]);
  intervals[service] = list;
});

/** Wall time covered by the intervals: overlapping requests count once. */
function covered(/** @type {[number, number][]} */ list) {
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const [from, to] of [...list].sort((a, b) => a[0] - b[0])) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return total;
}

const deadline = Date.now() + 30_000;
const context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'predict',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:predict',
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '128',
  awsRequestId: 'cold-start',
  logGroupName: '/aws/lambda/predict',
  logStreamName: 'local',
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
};
step('harness');
const { handler } = await import(spec.handlerFile);
step('importBundle');
recording = true;
const response = await handler(spec.event, context);
step('firstInvocation');
if (response.statusCode !== 200) throw new Error(`The first invocation answered ${response.statusCode}.`);

const requests = Object.fromEntries(
  Object.entries(intervals).map(([service, list]) => [service, { count: list.length, ms: covered(list) }]),
);
const totalMs = performance.now();
const cpu = process.cpuUsage();
// CPU time of the whole process (every thread, start-up included): steadier than wall time when
// other work shares the machine, which stretches waits but not work.
const cpuMs = (cpu.user + cpu.system) / 1000;
process.stdout.write(`${JSON.stringify({ bootMs, steps, totalMs, cpuMs, requests })}\n`);
// Keep-alive sockets to the emulators would hold the process open for seconds; the answer is out.
process.exit(0);
