/**
 * An ONNX model loaded into onnxruntime-node, ready to predict. Flow: read the model's description →
 * rewrite it so every output is a tensor → create one InferenceSession (reused for every call) →
 * per call: rows → checked tensors → run → predictions.
 */

import * as ort from 'onnxruntime-node';
import { UnprocessableError, ValidationError } from '#core/errors.ts';
import { packFloat16, unpackFloat16 } from '#core/inference/float16.ts';
import { feedsFromPlan, type InstancesPlan, planInstances } from '#core/inference/instances.ts';
import {
  type ModelSignature,
  type OnnxModelInfo,
  prepareForServing,
  type ServingPlan,
} from '#core/inference/onnx-graph.ts';
import { decodePredictions, type PredictionResult } from '#core/inference/outputs.ts';
import {
  allocate,
  elementCount,
  type FeedableElementType,
  type TensorData,
  type TensorMap,
} from '#core/inference/tensors.ts';

export interface OnnxModelOptions {
  /** A name for logs and errors, e.g. `iris@3`. */
  readonly id?: string;
  /**
   * Threads one `run()` may use. Default 1: a Lambda has 1–2 vCPUs and gets its concurrency from
   * more instances, and small tabular models do not gain from a thread pool.
   */
  readonly intraOpNumThreads?: number;
  /**
   * Threads for a batch of at least `batchRowsFrom` rows (sized to the function's vCPUs, see
   * core/inference/inference-threads.ts). Above 1, such batches run on a second session with that
   * many intra-op threads, which onnxruntime splits the rows between (tree ensembles gain the
   * most); smaller requests keep the single-threaded session, where a thread pool only costs.
   * Default 1: one session.
   */
  readonly batchThreads?: number;
  /** Rows from which a request counts as a large batch. Default 256. */
  readonly batchRowsFrom?: number;
  /** Default 'all'. */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** onnxruntime's own log level (0 verbose … 4 fatal). Default 3: errors only. */
  readonly logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
}

const MAX_REASON_LENGTH = 400;
/** Rows from which a request runs on the threaded session, unless `batchRowsFrom` says otherwise. */
export const DEFAULT_BATCH_ROWS_FROM = 256;
/** onnxruntime's refusal of an opset beyond the ones it knows. */
const UNRELEASED_OPSET = /Opset (\d+) is under development/;

/** onnxruntime's message without its source paths and codes, short enough for a response body. */
export function trimRuntimeMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const cleaned = raw
    .replace(/\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*[A-Z_]+\s*:\s*/g, '')
    // "<source file>:<line> <C++ function signature> " before the message proper.
    .replace(/\S+\.(?:cc|cpp|h|hpp):\d+\s+(?:[^()\n]*\([^()]*\)\s*(?:const\s*)?)?/g, '')
    // Any absolute path left (a working directory, a temporary file) is the server's, not the caller's.
    .replace(/"?(?:\/[\w.@+-]+){2,}\/?"?/g, '<server path>')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length > MAX_REASON_LENGTH
    ? `${cleaned.slice(0, MAX_REASON_LENGTH)}…`
    : cleaned || 'unknown error';
}

/** The batch size of a request's feeds: the first dimension of its first tensor (1 for a scalar). */
function rowsOf(feeds: TensorMap): number {
  for (const name in feeds) return feeds[name]?.dims[0] ?? 1;
  return 1;
}

function toOrtTensor(tensor: TensorData): ort.Tensor {
  // The TensorData buffers are the types onnxruntime expects for each element type, except
  // float16: values in the core, FP16 bit patterns (a Uint16Array) for onnxruntime.
  const data = tensor.type === 'float16' ? packFloat16(tensor.data as Float32Array) : tensor.data;
  return new ort.Tensor(tensor.type as ort.Tensor.Type, data as ort.Tensor.DataType, tensor.dims);
}

function fromOrtValue(value: ort.OnnxValue): TensorData {
  const tensor = value as ort.Tensor;
  const data =
    tensor.type === 'float16' && tensor.data instanceof Uint16Array
      ? unpackFloat16(tensor.data)
      : tensor.data;
  return {
    type: tensor.type as TensorData['type'],
    data: data as TensorData['data'],
    dims: tensor.dims,
  };
}

/**
 * @example
 * const model = await OnnxModel.create(bytes, { id: 'iris@1' });
 * const { predictions, probabilities } = await model.predict([[5.1, 3.5, 1.4, 0.2]]);
 * await model.dispose();
 */
export class OnnxModel {
  readonly id: string;
  /** The model as uploaded: producer, framework guess, opsets, declared signature, ZipMaps. */
  readonly info: OnnxModelInfo;
  /** What callers see: the inputs to feed and the (tensor) outputs the served model returns. */
  readonly signature: ModelSignature;
  readonly serving: ServingPlan;
  /** The uploaded model's size in bytes (what a cache counts). */
  readonly sizeBytes: number;
  readonly #session: ort.InferenceSession;
  /** The threaded session for large batches, once asked for; undefined while none is. */
  #batchSession: Promise<ort.InferenceSession | undefined> | undefined;
  /** Ready: large batches run on it. */
  #batchSessionReady: ort.InferenceSession | undefined;
  /** What the threaded session is made from, kept only while it may still be needed. */
  #batchSource: { bytes: Uint8Array; options: ort.InferenceSession.SessionOptions } | undefined;
  readonly batchThreads: number;
  readonly #batchRowsFrom: number;
  readonly #fetches: readonly string[];
  /** How request rows map onto the inputs, resolved once per loaded version. */
  readonly #instancesPlan: InstancesPlan;
  #disposed = false;

  private constructor(
    id: string,
    info: OnnxModelInfo,
    serving: ServingPlan,
    sizeBytes: number,
    session: ort.InferenceSession,
    batch: {
      threads: number;
      rowsFrom: number;
      source?: { bytes: Uint8Array; options: ort.InferenceSession.SessionOptions };
    },
  ) {
    this.id = id;
    this.batchThreads = batch.threads;
    this.#batchRowsFrom = batch.rowsFrom;
    this.#batchSource = batch.source;
    this.info = info;
    this.serving = serving;
    this.signature = { inputs: serving.inputs, outputs: serving.outputs };
    this.sizeBytes = sizeBytes;
    this.#session = session;
    this.#fetches = serving.outputs.map((output) => output.name);
    this.#instancesPlan = planInstances(
      serving.inputs,
      serving.ignoredInputs ?? [],
      serving.inputsAcceptingMissing,
    );
  }

  /**
   * Reads, rewrites and loads a model.
   *
   * @throws UnprocessableError when the bytes are not an ONNX model, the model cannot be served, or
   * onnxruntime refuses it (its reason, trimmed).
   */
  static async create(bytes: Uint8Array, options: OnnxModelOptions = {}): Promise<OnnxModel> {
    const { bytes: servable, serving, info } = prepareForServing(bytes);
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: options.intraOpNumThreads ?? 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
      logSeverityLevel: options.logSeverityLevel ?? 3,
      ...(options.id === undefined ? {} : { logId: options.id }),
    };
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(servable, sessionOptions);
    } catch (error) {
      const opset = UNRELEASED_OPSET.exec(error instanceof Error ? error.message : String(error));
      if (opset !== null) {
        throw new UnprocessableError(
          `This model imports ONNX opset ${opset[1]}, newer than onnxruntime here supports; re-export it with an ` +
            'older opset, e.g. torch.onnx.export(…, opset_version=17) or ' +
            'onnx.version_converter.convert_version(model, 17).',
          { feature: 'opset', opset: Number(opset[1]) },
          { cause: error },
        );
      }
      throw new UnprocessableError(
        `onnxruntime cannot load the model: ${trimRuntimeMessage(error)}`,
        {},
        { cause: error },
      );
    }
    const threads = Math.max(1, Math.floor(options.batchThreads ?? 1));
    const batchOptions: ort.InferenceSession.SessionOptions = {
      ...sessionOptions,
      intraOpNumThreads: threads,
      // Idle threads sleep instead of spinning: a spinning pool burns the CPU the function is
      // billed for, and on a shared container the CPU other requests need.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    };
    return new OnnxModel(options.id ?? info.graphName, info, serving, bytes.byteLength, session, {
      threads,
      rowsFrom: options.batchRowsFrom ?? DEFAULT_BATCH_ROWS_FROM,
      ...(threads > 1 ? { source: { bytes: servable, options: batchOptions } } : {}),
    });
  }

  /**
   * Creates the threaded session for large batches now (it is otherwise created in the background
   * when the first large batch arrives, which still runs single-threaded). Resolves false when the
   * model has no batch threads or onnxruntime refused the threaded session.
   */
  async prepareBatchSession(): Promise<boolean> {
    return (await this.#startBatchSession()) !== undefined;
  }

  #startBatchSession(): Promise<ort.InferenceSession | undefined> {
    if (this.#batchSession !== undefined) return this.#batchSession;
    const source = this.#batchSource;
    if (source === undefined || this.#disposed) return Promise.resolve(undefined);
    this.#batchSource = undefined;
    this.#batchSession = ort.InferenceSession.create(source.bytes, source.options).then(
      (session) => {
        if (this.#disposed) {
          void session.release().catch(() => undefined);
          return undefined;
        }
        this.#batchSessionReady = session;
        return session;
      },
      // The single-threaded session serves every batch then.
      () => undefined,
    );
    return this.#batchSession;
  }

  /** The session for a request of `rows` rows. */
  #sessionFor(rows: number): ort.InferenceSession {
    if (this.batchThreads === 1 || rows < this.#batchRowsFrom) return this.#session;
    if (this.#batchSessionReady !== undefined) return this.#batchSessionReady;
    void this.#startBatchSession();
    return this.#session;
  }

  /**
   * Validates request rows against the signature, runs the model and decodes its outputs.
   *
   * @throws UnprocessableError for a row that does not fit the signature (details name row and
   * field), when the model fails on the input or answers a row with NaN/±Infinity;
   * PayloadTooLargeError above MAX_INSTANCES rows; ModelOutputError for a non-finite output no
   * row can be blamed for.
   */
  async predict(instances: unknown): Promise<PredictionResult> {
    const feeds = this.feedsFor(instances);
    const outputs = await this.runTensors(feeds);
    const rows = Array.isArray(instances) ? instances.length : 0;
    return decodePredictions(outputs, this.serving, { rows, field: 'instances' });
  }

  /**
   * Request rows as checked input tensors, by the plan resolved when the model loaded.
   *
   * @throws what {@link predict} throws for rows that do not fit the signature.
   */
  feedsFor(instances: unknown): TensorMap {
    return feedsFromPlan(instances, this.#instancesPlan);
  }

  /**
   * Runs the model on ready tensors (e.g. from `tensorsFromV2Inputs`) and returns the requested
   * outputs (default: all served outputs).
   */
  async runTensors(feeds: TensorMap, outputNames: readonly string[] = this.#fetches): Promise<TensorMap> {
    if (this.#disposed) throw new Error(`Model ${this.id} was disposed.`);
    if (outputNames !== this.#fetches) {
      for (const name of outputNames) {
        if (!this.#fetches.includes(name)) {
          const message = `The model has no output "${name}" (its outputs: ${this.#fetches.join(', ')}).`;
          throw new ValidationError(message, [{ field: 'outputs', message }]);
        }
      }
    }
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, tensor] of Object.entries(feeds)) ortFeeds[name] = toOrtTensor(tensor);
    let results: ort.InferenceSession.OnnxValueMapType;
    try {
      results = await this.#sessionFor(rowsOf(feeds)).run(ortFeeds, outputNames);
    } catch (error) {
      throw new UnprocessableError(
        `The model failed on this input: ${trimRuntimeMessage(error)}`,
        {},
        { cause: error },
      );
    }
    const outputs: TensorMap = {};
    for (const name of outputNames) {
      const value = results[name];
      if (value !== undefined) outputs[name] = fromOrtValue(value);
    }
    return outputs;
  }

  /**
   * Runs the model once on a row of zeros (empty strings for string inputs) so that the first real
   * call does not pay for onnxruntime's first-run allocations. Best effort: resolves false if the
   * model refuses such a row.
   */
  async warmUp(): Promise<boolean> {
    const feeds: TensorMap = {};
    for (const input of this.serving.inputs) {
      const dims = (input.shape ?? [1, 1]).map((dim) => (typeof dim === 'number' ? dim : 1));
      const type = input.type as FeedableElementType;
      feeds[input.name] = { type, data: allocate(type, elementCount(dims)), dims };
    }
    try {
      await this.runTensors(feeds);
      return true;
    } catch {
      return false;
    }
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Releases the native sessions. Idempotent. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#batchSource = undefined;
    const batch = this.#batchSessionReady;
    this.#batchSessionReady = undefined;
    await Promise.all([this.#session.release(), batch?.release()]);
  }
}
