/**
 * An ONNX model loaded into onnxruntime-node, ready to predict. Flow: read the model's description →
 * rewrite it so every output is a tensor → create one InferenceSession (reused for every call) →
 * per call: rows → checked tensors → run → predictions.
 */

import * as ort from 'onnxruntime-node';
import { UnprocessableError, ValidationError } from '#core/errors.ts';
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
  /** Default 'all'. */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** onnxruntime's own log level (0 verbose … 4 fatal). Default 3: errors only. */
  readonly logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
}

const MAX_REASON_LENGTH = 400;
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

function toOrtTensor(tensor: TensorData): ort.Tensor {
  // The TensorData buffers are the types onnxruntime expects for each element type.
  return new ort.Tensor(tensor.type as ort.Tensor.Type, tensor.data as ort.Tensor.DataType, tensor.dims);
}

function fromOrtValue(value: ort.OnnxValue): TensorData {
  const tensor = value as ort.Tensor;
  return {
    type: tensor.type as TensorData['type'],
    data: tensor.data as TensorData['data'],
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
  ) {
    this.id = id;
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
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(servable, {
        intraOpNumThreads: options.intraOpNumThreads ?? 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
        logSeverityLevel: options.logSeverityLevel ?? 3,
        ...(options.id === undefined ? {} : { logId: options.id }),
      });
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
    return new OnnxModel(options.id ?? info.graphName, info, serving, bytes.byteLength, session);
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
    const feeds = feedsFromPlan(instances, this.#instancesPlan);
    const outputs = await this.runTensors(feeds);
    const rows = Array.isArray(instances) ? instances.length : 0;
    return decodePredictions(outputs, this.serving, { rows, field: 'instances' });
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
      results = await this.#session.run(ortFeeds, outputNames);
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

  /** Releases the native session. Idempotent. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#session.release();
  }
}
