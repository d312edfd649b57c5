/**
 * The benchmark's model and rows: the iris fixture (scikit-learn LogisticRegression with a ZipMap,
 * the same file as the demo model) and its 10 rows, repeated to 100. The "raw" paths load the bytes
 * the platform serves (ZipMap rewritten to a tensor by `prepareForServing`, since onnxruntime-node
 * cannot return a ZipMap's sequence of maps) with the session options OnnxModel uses, so raw and
 * platform paths run the same graph the same way.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { prepareForServing } from '#core/inference/onnx-graph.ts';

const fixtureUrl = new URL('../test/fixtures/onnx/', import.meta.url);

export const MODEL_FILE = 'test/fixtures/onnx/iris_logreg_zipmap.onnx';

export interface BenchModel {
  /** The file as uploaded. */
  readonly bytes: Uint8Array;
  /** What onnxruntime loads: the file with its ZipMap replaced by an Identity. */
  readonly servedBytes: Uint8Array;
  readonly inputName: string;
  readonly outputNames: readonly string[];
  readonly features: number;
  /** The fixture's rows repeated to `count`. */
  rows(count: number): number[][];
  /** scikit-learn's labels for `rows(count)`. */
  expectedLabels(count: number): number[];
}

function repeat<T>(items: readonly T[], count: number): T[] {
  return Array.from({ length: count }, (_, i) => items[i % items.length] as T);
}

export function loadBenchModel(): BenchModel {
  const bytes = readFileSync(new URL('iris_logreg_zipmap.onnx', fixtureUrl));
  const { rows, expected } = JSON.parse(
    readFileSync(new URL('iris_logreg_zipmap.json', fixtureUrl), 'utf8'),
  ) as {
    rows: number[][];
    expected: { predict: number[] };
  };
  const { bytes: servedBytes, serving } = prepareForServing(bytes);
  const input = serving.inputs[0];
  if (input === undefined) throw new Error('The iris model has no input.');
  return {
    bytes,
    servedBytes,
    inputName: input.name,
    outputNames: serving.outputs.map((output) => output.name),
    features: rows[0]?.length ?? 0,
    rows: (count) => repeat(rows, count),
    expectedLabels: (count) => repeat(expected.predict, count),
  };
}

/** An InferenceSession with the options OnnxModel.create uses by default. */
export function createRawSession(model: BenchModel): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model.servedBytes, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  });
}

/** Rows as the [N, features] float32 buffer a caller hands to onnxruntime. */
export function toFloat32(rows: readonly (readonly number[])[], features: number): Float32Array {
  const data = new Float32Array(rows.length * features);
  rows.forEach((row, r) => {
    data.set(row, r * features);
  });
  return data;
}

/** One raw prediction: tensor from a ready buffer → run → label and probability tensors. */
export function runRaw(
  session: ort.InferenceSession,
  model: BenchModel,
  data: Float32Array,
): Promise<ort.InferenceSession.OnnxValueMapType> {
  const feeds = {
    [model.inputName]: new ort.Tensor('float32', data, [data.length / model.features, model.features]),
  };
  return session.run(feeds, model.outputNames as string[]);
}
