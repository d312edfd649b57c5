/**
 * One cold start, in a fresh process started by the benchmark. Prints one JSON line of timings in
 * milliseconds; `bootMs` is Node's own start-up (process start → this module's first line), and
 * `totalMs` runs from process start to the first answer.
 *
 * - `runtime`: import onnxruntime-node → import the S3 client and the platform's OnnxModel
 *   wrapper → fetch the model file from the S3 emulator → OnnxModel.create (ZipMap rewrite +
 *   InferenceSession) → the first predict on one row.
 * - `handler`: what a new Lambda container does: import the predict handler module (config, AWS
 *   clients, Powertools, middy, zod, onnxruntime) → the first invocation, which reads the registry
 *   and the rate counter in the DynamoDB emulator, fetches the file from S3, loads and predicts.
 * - `bundle`: the same, from what is deployed; run by cold-start-bundle-child.mjs (plain
 *   JavaScript: a .ts script would make Node load its TypeScript stripper, which Lambda never does).
 *
 * Usage: node bench/cold-start-child.ts '<ColdStartSpec as JSON>' (the handler mode reads the
 * platform's environment from its own, as a Lambda does).
 */

export type ColdStartSpec =
  | {
      readonly mode: 'runtime';
      readonly s3Endpoint: string;
      readonly bucket: string;
      readonly key: string;
      readonly row: readonly number[];
    }
  | { readonly mode: 'handler'; readonly event: unknown }
  | {
      readonly mode: 'bundle';
      readonly event: unknown;
      readonly handlerFile: string;
      /** host:port → service name, to attribute the first invocation's requests. */
      readonly services: Record<string, string>;
    };

export interface ColdStartTimings {
  readonly bootMs: number;
  /** Named steps in order, each in milliseconds. */
  readonly steps: Record<string, number>;
  /**
   * Bundle mode: per service, the first invocation's requests: how many, and the wall time during
   * which at least one was waiting for its response (overlapping requests count once).
   */
  readonly requests?: Record<string, { count: number; ms: number }>;
  readonly totalMs: number;
  /** Bundle mode: user + system CPU time of the process (all threads) until the first answer. */
  readonly cpuMs?: number;
}

const bootMs = performance.now();
const spec = JSON.parse(process.argv[2] ?? '{}') as ColdStartSpec;
const steps: Record<string, number> = {};
let mark = performance.now();
const step = (name: string) => {
  const now = performance.now();
  steps[name] = now - mark;
  mark = now;
};

if (spec.mode === 'runtime') {
  await import('onnxruntime-node');
  step('importOrt');
  const { GetObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
  const { OnnxModel } = await import('#adapters/onnxruntime/onnx-model.ts');
  step('importOther');
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: spec.s3Endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const object = await s3.send(new GetObjectCommand({ Bucket: spec.bucket, Key: spec.key }));
  const bytes = await object.Body?.transformToByteArray();
  if (bytes === undefined) throw new Error('The model file is empty.');
  step('fetchS3');
  const model = await OnnxModel.create(bytes);
  step('createSession');
  const result = await model.predict([spec.row]);
  step('firstPrediction');
  if (result.predictions.length !== 1) throw new Error('The first prediction gave no answer.');
} else if (spec.mode === 'handler') {
  const { handler } = await import('../functions/http/inference/predict.ts');
  const { lambdaContext } = await import('../local/api-gateway/lambda-context.ts');
  step('importHandler');
  const response = await handler(
    spec.event as Parameters<typeof handler>[0],
    lambdaContext('predict', 'cold-start'),
  );
  step('firstInvocation');
  if (response.statusCode !== 200) throw new Error(`The first invocation answered ${response.statusCode}.`);
} else {
  throw new Error(`cold-start-child.ts does not run the ${spec.mode} mode: see cold-start-bundle-child.mjs.`);
}

const timings: ColdStartTimings = { bootMs, steps, totalMs: performance.now() };
process.stdout.write(`${JSON.stringify(timings)}\n`);
// Keep-alive sockets to the emulators would hold the process open for seconds; the answer is out.
process.exit(0);
