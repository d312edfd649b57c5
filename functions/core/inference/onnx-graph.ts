/**
 * Reads an ONNX model's description (producer, opsets, signature, ZipMap) and rewrites it for
 * serving: onnxruntime-node returns tensors only, so a ZipMap feeding a graph output (scikit-learn
 * classifiers' `seq(map(label, float))` probabilities) is replaced by an Identity of its input, the
 * [N, C] float probabilities, **under the same output name**. Flow: walk the protobuf fields →
 * decode the few messages needed with onnx-proto → describe → (serving) splice the changed fields
 * into a copy of the original bytes, every other byte kept as it was.
 */
import onnxProto, { type onnx as Onnx } from 'onnx-proto';
import { UnprocessableError } from '../errors.ts';
import { unsupportedFeature } from './onnx-support.ts';
import {
  concatBytes,
  fieldBytes,
  fieldString,
  lengthDelimited,
  readFields,
  WIRE_LENGTH_DELIMITED,
  WIRE_VARINT,
  type WireField,
} from './protobuf-wire.ts';
import { type Dim, isFeedable, ONNX_ELEMENT_TYPES, ONNX_FLOAT, type TensorElementType } from './tensors.ts';

const { onnx } = onnxProto;

export interface TensorInfo {
  readonly name: string;
  readonly isTensor: true;
  readonly type: TensorElementType;
  /** Null when the model does not declare a shape (unknown rank). */
  readonly shape: readonly Dim[] | null;
}

export interface NonTensorInfo {
  readonly name: string;
  readonly isTensor: false;
  /** e.g. `sequence<map<int64,float32>>`; a tensor inside a sequence/map/optional shows as its element type. */
  readonly type: string;
  readonly shape: null;
}

export type ValueInfo = TensorInfo | NonTensorInfo;

export interface ModelSignature {
  /** Graph inputs a caller feeds (inputs that are also initializers, i.e. have defaults, are left out). */
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
}

export type ModelFramework =
  | 'scikit-learn'
  | 'pytorch'
  | 'tensorflow'
  | 'keras'
  | 'xgboost'
  | 'lightgbm'
  | 'catboost'
  | 'sparkml'
  | 'paddle'
  /** Trained and exported by this platform's own training pipeline. */
  | 'ml-platform'
  | 'onnx';

export interface OpsetImport {
  /** '' is the default `ai.onnx` domain. */
  readonly domain: string;
  readonly version: number;
}

export type ClassLabel = number | string;

export interface ZipMapInfo {
  readonly node: string;
  /** The [N, C] float32 probabilities tensor ZipMap reads. */
  readonly input: string;
  /** The graph output it produces (`seq(map(label, float))`). */
  readonly output: string;
  /** From `classlabels_int64s` (numbers; strings beyond 2^53) or `classlabels_strings`. */
  readonly classLabels: readonly ClassLabel[];
}

export interface OnnxModelInfo {
  readonly irVersion: number;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly domain: string;
  readonly modelVersion: number;
  readonly docString: string;
  readonly graphName: string;
  /** A guess from the producer name and the graph; 'onnx' when nothing tells. */
  readonly framework: ModelFramework;
  readonly opsets: readonly OpsetImport[];
  readonly metadata: Readonly<Record<string, string>>;
  /** The model as declared (before any serving rewrite). */
  readonly signature: ModelSignature;
  /** ZipMap nodes whose output is a graph output. */
  readonly zipMaps: readonly ZipMapInfo[];
  readonly nodeCount: number;
  /** Distinct operators, `domain:op_type` (`:Add` for the default domain), sorted. */
  readonly operators: readonly string[];
  /** Initializers of the main graph whose data lives in files beside the model (`data_location` EXTERNAL). */
  readonly externalDataTensors: readonly string[];
  /** Functions the model defines itself, `domain:name`: operators a graph may use in any domain. */
  readonly localFunctions: readonly string[];
}

/** How the served model's outputs become predictions. */
export interface ServingPlan {
  /**
   * `classifier` when a label or class-probability output was found; `regressor` when a regression
   * operator or a tabular exporter produced the numeric output; `other` otherwise (e.g. a PyTorch
   * network: its first output is returned as it is).
   */
  readonly kind: 'classifier' | 'regressor' | 'other';
  /** What a caller feeds: all tensors of types a request can carry. */
  readonly inputs: readonly TensorInfo[];
  /** What the served model returns (and what is fetched from the session): all tensors, graph order. */
  readonly outputs: readonly TensorInfo[];
  /** Classifier: the tensor of predicted labels ([N] or [N, 1], int64 or string). */
  readonly labelOutput: string | null;
  /** Classifier: the [N, C] float probabilities (a removed ZipMap's output name, now this tensor). */
  readonly probabilityOutput: string | null;
  /** The class of each probability column: from the ZipMap, else the classifier operator. */
  readonly classLabels: readonly ClassLabel[] | null;
  /** Regressor / other: the output decoded as predictions. */
  readonly valueOutput: string | null;
  /** ZipMaps taken out; each `output` name now carries the ZipMap's [N, C] float32 input. */
  readonly zipMapsRemoved: readonly ZipMapInfo[];
  /** Declared outputs that are not tensors and could not be rewritten: not fetched. */
  readonly skippedOutputs: readonly string[];
  /**
   * Names a request row may carry that the model does not read (the platform's exports list the
   * training columns preprocessing dropped, in the `ignored_inputs` metadata): accepted, discarded.
   */
  readonly ignoredInputs?: readonly string[];
  /**
   * Inputs whose missing values (null in a request: NaN for floats, '' for strings) the graph
   * handles: every input of the platform's own exports (they impute in the graph, or let trees
   * route NaN), and the inputs an uploaded model lists in its `accepts_missing` metadata entry.
   */
  readonly inputsAcceptingMissing: readonly string[];
}

export interface ServableModel {
  /** The model to load into onnxruntime (the input bytes themselves when nothing had to change). */
  readonly bytes: Uint8Array;
  readonly serving: ServingPlan;
  /** The model as uploaded (what `inspectOnnxModel` returns), read in the same pass. */
  readonly info: OnnxModelInfo;
}

// Field numbers of onnx.proto.
const MODEL = {
  irVersion: 1,
  producerName: 2,
  producerVersion: 3,
  domain: 4,
  modelVersion: 5,
  doc: 6,
} as const;
const MODEL_GRAPH = 7;
const MODEL_OPSET_IMPORT = 8;
const MODEL_METADATA_PROPS = 14;
const MODEL_FUNCTIONS = 25;
const FUNCTION = { name: 1, domain: 10 } as const;
const TENSOR = { externalData: 13, dataLocation: 14 } as const;
const DATA_LOCATION_EXTERNAL = 1;
const GRAPH = {
  node: 1,
  name: 2,
  initializer: 5,
  input: 11,
  output: 12,
  valueInfo: 13,
  sparseInit: 15,
} as const;
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 } as const;
const ATTRIBUTE_NAME = 1;
const TENSOR_NAME = 8;
const VALUE_INFO_NAME = 1;
const SPARSE_TENSOR_VALUES = 1;

const ML_DOMAIN = 'ai.onnx.ml';
const CLASSIFIER_OPS = new Set(['LinearClassifier', 'TreeEnsembleClassifier', 'SVMClassifier']);
const REGRESSOR_OPS = new Set(['LinearRegressor', 'TreeEnsembleRegressor', 'SVMRegressor', 'TreeEnsemble']);
/** Operators that keep the meaning of their first input (a label stays a label through a Cast). */
const PASS_THROUGH_OPS = new Set([
  'Cast',
  'Identity',
  'Reshape',
  'Squeeze',
  'Unsqueeze',
  'Flatten',
  'Normalizer',
  'ZipMap',
]);
const TABULAR_FRAMEWORKS = new Set<ModelFramework>([
  'scikit-learn',
  'xgboost',
  'lightgbm',
  'catboost',
  'sparkml',
  'ml-platform',
]);
/** The opset declared for the Identity that replaces a ZipMap when a model imports no default domain. */
const FALLBACK_DEFAULT_OPSET = 9;

interface RawNode {
  readonly field: WireField;
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Attribute name → its encoded AttributeProto (decoded only when asked for). */
  readonly attributes: ReadonlyMap<string, Uint8Array>;
}

interface RawValueInfo {
  readonly field: WireField;
  readonly info: ValueInfo;
}

interface NamedField {
  readonly field: WireField;
  readonly name: string;
}

interface ParsedModel {
  readonly bytes: Uint8Array;
  readonly modelFields: readonly WireField[];
  readonly graphField: WireField;
  readonly graphBytes: Uint8Array;
  readonly graphFields: readonly WireField[];
  readonly nodes: readonly RawNode[];
  readonly outputs: readonly RawValueInfo[];
  readonly valueInfo: readonly NamedField[];
  readonly info: OnnxModelInfo;
}

/**
 * Reads an ONNX model's description without loading it into a runtime.
 *
 * @throws UnprocessableError for empty input, bytes that are not an ONNX ModelProto, or a model with no graph.
 * @example
 * const info = inspectOnnxModel(await readFile('iris.onnx'));
 * info.signature.inputs; // [{ name: 'X', isTensor: true, type: 'float32', shape: [null, 4] }]
 */
export function inspectOnnxModel(bytes: Uint8Array): OnnxModelInfo {
  return parseModel(bytes).info;
}

/**
 * Rewrites a model so every output it serves is a tensor, and plans how to decode them.
 * A ZipMap whose output is a graph output becomes `Identity(probabilities) → <same output name>`,
 * declared float32 [N, C]. (If other nodes also read the ZipMap's output, the ZipMap stays and the
 * graph output becomes its input tensor, under that tensor's own name.)
 *
 * @throws UnprocessableError when the model is not ONNX, has an input a request cannot carry
 * (non-tensor, bfloat16…), or has no tensor output at all.
 * @example
 * const { bytes: servable, serving } = prepareForServing(bytes);
 * serving.probabilityOutput; // 'output_probability' (now float32 [N, 3])
 */
export function prepareForServing(bytes: Uint8Array): ServableModel {
  const model = parseModel(bytes);
  const { info } = model;
  const unsupported = unsupportedFeature(info);
  if (unsupported !== undefined) throw new UnprocessableError(unsupported.message, unsupported.details);
  const inputs: TensorInfo[] = [];
  for (const input of info.signature.inputs) {
    if (!input.isTensor) {
      throw new UnprocessableError(
        `The model's input "${input.name}" is a ${input.type}; only tensor inputs can be served.`,
        { field: input.name },
      );
    }
    if (!isFeedable(input.type)) {
      throw new UnprocessableError(
        `The model's input "${input.name}" has element type ${input.type}, which requests cannot carry (supported: float32, float64, float16, int8–int64, uint8–uint64, bool, string); re-export the model with a supported input type (e.g. float32 and a Cast to ${input.type} inside the graph).`,
        { field: input.name },
      );
    }
    inputs.push(input);
  }

  const consumers = new Map<string, number>();
  for (const node of model.nodes) {
    for (const name of node.inputs) consumers.set(name, (consumers.get(name) ?? 0) + 1);
  }
  const declaredOutputs = new Set(info.signature.outputs.map((output) => output.name));
  const nodeReplacements = new Map<WireField, Uint8Array | null>();
  const outputReplacements = new Map<string, { info: TensorInfo; proto: Uint8Array } | null>();
  const removedValueInfo = new Set<string>();
  const zipMapsRemoved: ZipMapInfo[] = [];
  let needsDefaultOpset = false;

  for (const zipMap of info.zipMaps) {
    // Output names are unique in a graph (node names need not be): find the node by its output.
    const node = model.nodes.find(
      (candidate) => candidate.opType === 'ZipMap' && candidate.outputs[0] === zipMap.output,
    );
    if (node === undefined || outputReplacements.has(zipMap.output)) continue;
    const shape: Dim[] = [batchDimension(info.signature), zipMap.classLabels.length || null];
    if ((consumers.get(zipMap.output) ?? 0) === 0) {
      nodeReplacements.set(
        node.field,
        onnx.NodeProto.encode({
          name: node.name,
          opType: 'Identity',
          domain: '',
          input: [zipMap.input],
          output: [zipMap.output],
        }).finish(),
      );
      outputReplacements.set(zipMap.output, floatOutput(zipMap.output, shape));
      removedValueInfo.add(zipMap.output);
      needsDefaultOpset ||= !info.opsets.some((opset) => opset.domain === '' || opset.domain === 'ai.onnx');
      zipMapsRemoved.push(zipMap);
    } else {
      // Other nodes read the map: keep the ZipMap, serve its input tensor instead of its output.
      const served = declaredOutputs.has(zipMap.input) ? null : floatOutput(zipMap.input, shape);
      outputReplacements.set(zipMap.output, served);
      zipMapsRemoved.push({ ...zipMap, output: zipMap.input });
    }
  }

  const servedOutputs: TensorInfo[] = [];
  const skippedOutputs: string[] = [];
  for (const output of info.signature.outputs) {
    const replacement = outputReplacements.get(output.name);
    if (replacement === null) continue;
    if (replacement !== undefined) servedOutputs.push(replacement.info);
    else if (output.isTensor) servedOutputs.push(output);
    else skippedOutputs.push(output.name);
  }
  if (servedOutputs.length === 0) {
    throw new UnprocessableError(
      `None of the model's outputs is a tensor (${info.signature.outputs.map((o) => `${o.name}: ${o.type}`).join(', ')}); there is nothing to serve.`,
    );
  }

  const servedBytes =
    nodeReplacements.size === 0 && outputReplacements.size === 0
      ? bytes
      : rewrite(model, { nodeReplacements, outputReplacements, removedValueInfo, needsDefaultOpset });

  return {
    bytes: servedBytes,
    serving: {
      ...planOutputs(model, inputs, servedOutputs, zipMapsRemoved, skippedOutputs),
      ignoredInputs: ignoredInputsFromMetadata(info.metadata, inputs),
      inputsAcceptingMissing: inputsAcceptingMissing(info, inputs),
    },
    info,
  };
}

/** `ignored_inputs`: a JSON array of names, none of them a graph input; anything else reads as none. */
function ignoredInputsFromMetadata(
  metadata: Readonly<Record<string, string>>,
  inputs: readonly TensorInfo[],
): string[] {
  const raw = metadata.ignored_inputs;
  if (raw === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed) || !parsed.every((name) => typeof name === 'string')) return [];
    return parsed.filter((name) => !inputs.some((input) => input.name === name));
  } catch {
    return [];
  }
}

/** The metadata_props entry by which an uploaded model says its graph handles missing values. */
export const ACCEPTS_MISSING_METADATA_KEY = 'accepts_missing';

/**
 * Which inputs take null. Without a declaration none does: in a graph that does not test for
 * NaN, a NaN flows through the arithmetic and the answer is silently wrong (or NaN).
 * `accepts_missing` is `*` (every input) or a comma-separated list of input names.
 */
function inputsAcceptingMissing(info: OnnxModelInfo, inputs: readonly TensorInfo[]): string[] {
  const names = inputs.map((input) => input.name);
  if (info.framework === 'ml-platform') return names;
  const declared = info.metadata[ACCEPTS_MISSING_METADATA_KEY];
  if (declared === undefined) return [];
  const listed = declared.split(',').map((name) => name.trim());
  if (listed.includes('*')) return names;
  return names.filter((name) => listed.includes(name));
}

function floatOutput(name: string, shape: readonly Dim[]): { info: TensorInfo; proto: Uint8Array } {
  const proto = onnx.ValueInfoProto.encode({
    name,
    type: {
      tensorType: {
        elemType: ONNX_FLOAT,
        shape: {
          dim: shape.map((dim) =>
            typeof dim === 'number' ? { dimValue: dim } : typeof dim === 'string' ? { dimParam: dim } : {},
          ),
        },
      },
    },
  }).finish();
  return { info: { name, isTensor: true, type: 'float32', shape }, proto };
}

/** The batch dimension of the first tensor input (what N is for scikit-learn's [N, C] outputs). */
function batchDimension(signature: ModelSignature): Dim {
  for (const input of signature.inputs) {
    if (input.isTensor && input.shape !== null && input.shape.length > 0) {
      return input.shape[0] as Dim;
    }
  }
  return null;
}

function rewrite(
  model: ParsedModel,
  changes: {
    nodeReplacements: ReadonlyMap<WireField, Uint8Array | null>;
    outputReplacements: ReadonlyMap<string, { info: TensorInfo; proto: Uint8Array } | null>;
    removedValueInfo: ReadonlySet<string>;
    needsDefaultOpset: boolean;
  },
): Uint8Array {
  const { bytes, graphBytes } = model;
  const outputsByField = new Map(model.outputs.map((output) => [output.field, output.info.name]));
  const valueInfoByField = new Map(model.valueInfo.map((entry) => [entry.field, entry.name]));

  const graphChunks: Uint8Array[] = [];
  for (const field of model.graphFields) {
    const original = graphBytes.subarray(field.start, field.end);
    if (field.field === GRAPH.node && changes.nodeReplacements.has(field)) {
      const replacement = changes.nodeReplacements.get(field);
      if (replacement) graphChunks.push(...lengthDelimited(GRAPH.node, [replacement]));
    } else if (
      field.field === GRAPH.output &&
      changes.outputReplacements.has(outputsByField.get(field) ?? '')
    ) {
      const replacement = changes.outputReplacements.get(outputsByField.get(field) ?? '');
      if (replacement) graphChunks.push(...lengthDelimited(GRAPH.output, [replacement.proto]));
    } else if (
      field.field === GRAPH.valueInfo &&
      changes.removedValueInfo.has(valueInfoByField.get(field) ?? '')
    ) {
      // The ZipMap output's declared seq(map) type would contradict the tensor it now is.
    } else {
      graphChunks.push(original);
    }
  }

  const chunks: Uint8Array[] = [];
  for (const field of model.modelFields) {
    if (field === model.graphField) chunks.push(...lengthDelimited(MODEL_GRAPH, graphChunks));
    else chunks.push(bytes.subarray(field.start, field.end));
  }
  if (changes.needsDefaultOpset) {
    const opset = onnx.OperatorSetIdProto.encode({ domain: '', version: FALLBACK_DEFAULT_OPSET }).finish();
    chunks.push(...lengthDelimited(MODEL_OPSET_IMPORT, [opset]));
  }
  return concatBytes(chunks);
}

function planOutputs(
  model: ParsedModel,
  inputs: readonly TensorInfo[],
  outputs: readonly TensorInfo[],
  zipMapsRemoved: readonly ZipMapInfo[],
  skippedOutputs: readonly string[],
): Omit<ServingPlan, 'ignoredInputs' | 'inputsAcceptingMissing'> {
  const producers = new Map<string, { node: RawNode; index: number }>();
  for (const node of model.nodes) {
    node.outputs.forEach((name, index) => {
      producers.set(name, { node, index });
    });
  }
  // Follow a value back through pass-through operators to the operator that made it.
  const origin = (name: string): { node: RawNode; index: number } | undefined => {
    let current = producers.get(name);
    for (let hops = 0; current !== undefined && hops < 64; hops += 1) {
      if (!PASS_THROUGH_OPS.has(current.node.opType)) return current;
      const source = current.node.inputs[0];
      if (source === undefined) return current;
      current = producers.get(source);
    }
    return current;
  };
  const isClassifier = (node: RawNode) => node.domain === ML_DOMAIN && CLASSIFIER_OPS.has(node.opType);

  let labelOutput: TensorInfo | undefined;
  let probabilityOutput: TensorInfo | undefined;
  let classifierNode: RawNode | undefined;
  for (const output of outputs) {
    const source = origin(output.name);
    if (source === undefined || !isClassifier(source.node)) continue;
    if (source.index === 0 && labelOutput === undefined) labelOutput = output;
    if (source.index === 1 && probabilityOutput === undefined) probabilityOutput = output;
    classifierNode ??= source.node;
  }
  const zipMap = zipMapsRemoved[0];
  if (probabilityOutput === undefined && zipMap !== undefined) {
    probabilityOutput = outputs.find((output) => output.name === zipMap.output);
  }
  labelOutput ??= outputs.find(
    (output) =>
      /^(output_)?label$/i.test(output.name) &&
      ['int64', 'int32', 'string'].includes(output.type) &&
      (output.shape === null || output.shape.length <= 2),
  );
  probabilityOutput ??= outputs.find(
    (output) =>
      /^(output_)?probabilit(y|ies)$/i.test(output.name) &&
      (output.type === 'float32' || output.type === 'float64') &&
      (output.shape === null || output.shape.length === 2),
  );
  classifierNode ??= singleOrNone(model.nodes.filter(isClassifier));

  const zipMapOfProbabilities = zipMapsRemoved.find((entry) => entry.output === probabilityOutput?.name);
  const classLabels =
    zipMapOfProbabilities?.classLabels ??
    (classifierNode === undefined ? undefined : classLabelsOf(classifierNode)) ??
    (model.info.framework === 'ml-platform' ? classLabelsFromMetadata(model.info.metadata) : undefined) ??
    null;

  if (labelOutput !== undefined || probabilityOutput !== undefined) {
    return {
      kind: 'classifier',
      inputs,
      outputs,
      labelOutput: labelOutput?.name ?? null,
      probabilityOutput: probabilityOutput?.name ?? null,
      classLabels,
      valueOutput: null,
      zipMapsRemoved,
      skippedOutputs,
    };
  }

  const valueOutput =
    outputs.find((output) => output.type !== 'string' && output.type !== 'bool') ??
    (outputs[0] as TensorInfo);
  const source = origin(valueOutput.name);
  const fromRegressor =
    source !== undefined && source.node.domain === ML_DOMAIN && REGRESSOR_OPS.has(source.node.opType);
  const numeric = valueOutput.type === 'float32' || valueOutput.type === 'float64';
  const tabular = TABULAR_FRAMEWORKS.has(model.info.framework) && numeric;
  return {
    kind: fromRegressor || tabular ? 'regressor' : 'other',
    inputs,
    outputs,
    labelOutput: null,
    probabilityOutput: null,
    classLabels: null,
    valueOutput: valueOutput.name,
    zipMapsRemoved,
    skippedOutputs,
  };
}

function singleOrNone<T>(items: readonly T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined;
}

// ── Parsing ──────────────────────────────────────────────────────────────────────────────────────

function notOnnx(reason: string, cause?: unknown): UnprocessableError {
  return new UnprocessableError(
    `The file is not a valid ONNX model: ${reason}.`,
    {},
    cause === undefined ? undefined : { cause },
  );
}

function parseModel(bytes: Uint8Array): ParsedModel {
  if (!(bytes instanceof Uint8Array)) throw notOnnx('expected the model file bytes');
  if (bytes.length === 0) throw notOnnx('the file is empty');
  try {
    return parseModelUnchecked(bytes);
  } catch (error) {
    if (error instanceof UnprocessableError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw notOnnx(`it does not parse as an ONNX ModelProto (${detail})`, error);
  }
}

function parseModelUnchecked(bytes: Uint8Array): ParsedModel {
  const modelFields = readFields(bytes);
  let irVersion = 0;
  let producerName = '';
  let producerVersion = '';
  let domain = '';
  let modelVersion = 0;
  let docString = '';
  let graphField: WireField | undefined;
  const opsets: OpsetImport[] = [];
  const metadataEntries: [string, string][] = [];
  for (const field of modelFields) {
    const delimited = field.wireType === WIRE_LENGTH_DELIMITED;
    if (field.field === MODEL.irVersion && field.wireType === WIRE_VARINT) irVersion = field.varint;
    else if (field.field === MODEL.modelVersion && field.wireType === WIRE_VARINT)
      modelVersion = field.varint;
    else if (!delimited) continue;
    else if (field.field === MODEL.producerName) producerName = fieldString(bytes, field);
    else if (field.field === MODEL.producerVersion) producerVersion = fieldString(bytes, field);
    else if (field.field === MODEL.domain) domain = fieldString(bytes, field);
    else if (field.field === MODEL.doc) docString = fieldString(bytes, field);
    else if (field.field === MODEL_GRAPH) graphField = field;
    else if (field.field === MODEL_OPSET_IMPORT) {
      const opset = onnx.OperatorSetIdProto.decode(fieldBytes(bytes, field));
      opsets.push({ domain: opset.domain, version: toNumber(opset.version) });
    } else if (field.field === MODEL_METADATA_PROPS) {
      const entry = onnx.StringStringEntryProto.decode(fieldBytes(bytes, field));
      metadataEntries.push([entry.key, entry.value]);
    }
  }
  // fromEntries defines own properties: a "__proto__" key stays a plain key.
  const metadata: Record<string, string> = Object.fromEntries(metadataEntries);
  if (graphField === undefined) {
    throw irVersion === 0 && opsets.length === 0
      ? notOnnx('it has no IR version, no opset and no graph')
      : notOnnx('the model has no graph');
  }
  if (irVersion === 0) throw notOnnx('it declares no IR version');

  const graphBytes = fieldBytes(bytes, graphField);
  const graphFields = readFields(graphBytes);
  let graphName = '';
  const nodes: RawNode[] = [];
  const inputs: RawValueInfo[] = [];
  const outputs: RawValueInfo[] = [];
  const valueInfo: NamedField[] = [];
  const initializers = new Set<string>();
  const externalDataTensors: string[] = [];
  for (const field of graphFields) {
    if (field.wireType !== WIRE_LENGTH_DELIMITED) continue;
    const value = fieldBytes(graphBytes, field);
    switch (field.field) {
      case GRAPH.node:
        nodes.push(readNode(value, field));
        break;
      case GRAPH.name:
        graphName = fieldString(graphBytes, field);
        break;
      case GRAPH.initializer: {
        const name = readStringField(value, TENSOR_NAME);
        initializers.add(name);
        if (storesDataExternally(value)) externalDataTensors.push(name);
        break;
      }
      case GRAPH.sparseInit: {
        const values = readFields(value).find((f) => f.field === SPARSE_TENSOR_VALUES);
        if (values) initializers.add(readStringField(fieldBytes(value, values), TENSOR_NAME));
        break;
      }
      case GRAPH.input:
        inputs.push({ field, info: describeValue(onnx.ValueInfoProto.decode(value)) });
        break;
      case GRAPH.output:
        outputs.push({ field, info: describeValue(onnx.ValueInfoProto.decode(value)) });
        break;
      case GRAPH.valueInfo:
        valueInfo.push({ field, name: readStringField(value, VALUE_INFO_NAME) });
        break;
    }
  }
  if (opsets.length === 0) throw notOnnx('it imports no operator set');
  if (outputs.length === 0) throw notOnnx('its graph has no outputs');

  const outputNames = new Set(outputs.map((output) => output.info.name));
  const zipMaps: ZipMapInfo[] = [];
  for (const node of nodes) {
    const output = node.outputs[0];
    const input = node.inputs[0];
    if (node.opType !== 'ZipMap' || node.domain !== ML_DOMAIN) continue;
    if (output === undefined || input === undefined || !outputNames.has(output)) continue;
    zipMaps.push({ node: node.name, input, output, classLabels: classLabelsOf(node) ?? [] });
  }

  const signature: ModelSignature = {
    inputs: inputs.filter((input) => !initializers.has(input.info.name)).map((input) => input.info),
    outputs: outputs.map((output) => output.info),
  };
  const operators = [...new Set(nodes.map((node) => `${node.domain}:${node.opType}`))].sort();
  const info: OnnxModelInfo = {
    irVersion,
    producerName,
    producerVersion,
    domain,
    modelVersion,
    docString,
    graphName,
    framework: guessFramework(producerName, graphName, docString, metadata, nodes),
    opsets,
    metadata,
    signature,
    zipMaps,
    nodeCount: nodes.length,
    operators,
    externalDataTensors,
    localFunctions: modelFields
      .filter((field) => field.field === MODEL_FUNCTIONS && field.wireType === WIRE_LENGTH_DELIMITED)
      .map((field) => {
        const fn = fieldBytes(bytes, field);
        return `${readStringField(fn, FUNCTION.domain)}:${readStringField(fn, FUNCTION.name)}`;
      }),
  };
  return { bytes, modelFields, graphField, graphBytes, graphFields, nodes, outputs, valueInfo, info };
}

/** A TensorProto whose bytes are in another file: `data_location` EXTERNAL or `external_data` entries. */
function storesDataExternally(tensor: Uint8Array): boolean {
  return readFields(tensor).some(
    (field) =>
      field.field === TENSOR.externalData ||
      (field.field === TENSOR.dataLocation &&
        field.wireType === WIRE_VARINT &&
        field.varint === DATA_LOCATION_EXTERNAL),
  );
}

/** A NodeProto's names and attribute list; attribute values are decoded later, if ever. */
function readNode(bytes: Uint8Array, field: WireField): RawNode {
  let name = '';
  let opType = '';
  let domain = '';
  const inputs: string[] = [];
  const outputs: string[] = [];
  const attributes = new Map<string, Uint8Array>();
  for (const entry of readFields(bytes)) {
    if (entry.wireType !== WIRE_LENGTH_DELIMITED) continue;
    if (entry.field === NODE.input) inputs.push(fieldString(bytes, entry));
    else if (entry.field === NODE.output) outputs.push(fieldString(bytes, entry));
    else if (entry.field === NODE.name) name = fieldString(bytes, entry);
    else if (entry.field === NODE.opType) opType = fieldString(bytes, entry);
    else if (entry.field === NODE.domain) domain = fieldString(bytes, entry);
    else if (entry.field === NODE.attribute) {
      const attribute = fieldBytes(bytes, entry);
      attributes.set(readStringField(attribute, ATTRIBUTE_NAME), attribute);
    }
  }
  return { field, name, opType, domain, inputs, outputs, attributes };
}

function readStringField(bytes: Uint8Array, fieldNumber: number): string {
  for (const field of readFields(bytes)) {
    if (field.field === fieldNumber && field.wireType === WIRE_LENGTH_DELIMITED)
      return fieldString(bytes, field);
  }
  return '';
}

const utf8 = new TextDecoder('utf-8');

/** `classlabels_int64s` / `classlabels_ints` (numbers) or `classlabels_strings` of an ML operator. */
/** The platform's own exports name their classes in metadata (`class_labels`, a JSON array). */
function classLabelsFromMetadata(metadata: Readonly<Record<string, string>>): ClassLabel[] | undefined {
  const raw = metadata.class_labels;
  if (raw === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return undefined;
    const valid = parsed.every(
      (v) => typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)),
    );
    return valid ? (parsed as ClassLabel[]) : undefined;
  } catch {
    return undefined;
  }
}

function classLabelsOf(node: RawNode): ClassLabel[] | undefined {
  for (const name of ['classlabels_int64s', 'classlabels_ints']) {
    const bytes = node.attributes.get(name);
    if (bytes === undefined) continue;
    const ints = onnx.AttributeProto.decode(bytes).ints;
    if (ints.length > 0) return ints.map(int64Label);
  }
  const strings = node.attributes.get('classlabels_strings');
  if (strings !== undefined) {
    const values = onnx.AttributeProto.decode(strings).strings;
    if (values.length > 0) return values.map((value) => utf8.decode(value));
  }
  return undefined;
}

type ProtoInt = number | { toString(): string };

function toNumber(value: ProtoInt | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : Number(value.toString());
}

/** An int64 label as a number when it is exactly representable, else as its decimal string. */
function int64Label(value: ProtoInt): ClassLabel {
  const text = typeof value === 'number' ? String(value) : value.toString();
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : text;
}

function describeValue(value: Onnx.ValueInfoProto): ValueInfo {
  const type = value.type;
  if (type?.tensorType) {
    return {
      name: value.name,
      isTensor: true,
      type: elementType(type.tensorType.elemType),
      shape: describeShape(type.tensorType.shape),
    };
  }
  return { name: value.name, isTensor: false, type: describeType(type), shape: null };
}

function elementType(code: number | null | undefined): TensorElementType {
  return ONNX_ELEMENT_TYPES[code ?? 0] ?? 'undefined';
}

function describeShape(shape: Onnx.ITensorShapeProto | null | undefined): Dim[] | null {
  if (shape === null || shape === undefined) return null;
  return (shape.dim ?? []).map((dim): Dim => {
    if (Object.hasOwn(dim, 'dimValue') && dim.dimValue !== null && dim.dimValue !== undefined) {
      const size = toNumber(dim.dimValue);
      return size >= 0 ? size : null;
    }
    if (Object.hasOwn(dim, 'dimParam') && dim.dimParam) return dim.dimParam;
    return null;
  });
}

/** A compact type description: `float32`, `sequence<map<int64,float32>>`, `optional<float32>`… */
function describeType(type: Onnx.ITypeProto | null | undefined): string {
  if (type === null || type === undefined) return 'unknown';
  if (type.tensorType) return elementType(type.tensorType.elemType);
  if (type.sequenceType) return `sequence<${describeType(type.sequenceType.elemType)}>`;
  if (type.mapType)
    return `map<${elementType(type.mapType.keyType)},${describeType(type.mapType.valueType)}>`;
  if (type.optionalType) return `optional<${describeType(type.optionalType.elemType)}>`;
  if (type.sparseTensorType) return `sparse_tensor<${elementType(type.sparseTensorType.elemType)}>`;
  return 'unknown';
}

function guessFramework(
  producerName: string,
  graphName: string,
  docString: string,
  metadata: Readonly<Record<string, string>>,
  nodes: readonly RawNode[],
): ModelFramework {
  const producer = producerName.toLowerCase();
  if (producer === 'ml-platform') return 'ml-platform';
  const hints = [
    graphName,
    docString,
    ...Object.keys(metadata),
    ...Object.values(metadata),
    ...nodes.map((n) => n.name),
  ]
    .join(' ')
    .toLowerCase();
  const boosted = (): ModelFramework | undefined => {
    if (/xgb|xgboost/.test(hints)) return 'xgboost';
    if (/lightgbm|lgbm/.test(hints)) return 'lightgbm';
    if (/catboost/.test(hints)) return 'catboost';
    return undefined;
  };
  if (producer.includes('skl2onnx') || producer.includes('sklearn')) return boosted() ?? 'scikit-learn';
  if (producer.includes('pytorch') || producer.includes('torch')) return 'pytorch';
  if (producer.includes('tf2onnx') || producer.includes('tensorflow')) return 'tensorflow';
  if (producer.includes('keras')) return 'keras';
  if (producer.includes('catboost')) return 'catboost';
  if (producer.includes('xgboost')) return 'xgboost';
  if (producer.includes('lightgbm')) return 'lightgbm';
  if (producer.includes('paddle')) return 'paddle';
  if (producer.includes('spark')) return 'sparkml';
  if (producer.includes('onnxmltools')) return boosted() ?? treeEnsembleFlavour(nodes) ?? 'onnx';
  return 'onnx';
}

/** onnxmltools' XGBoost trees split on `x < t` (BRANCH_LT), LightGBM's on `x <= t` (BRANCH_LEQ). */
function treeEnsembleFlavour(nodes: readonly RawNode[]): ModelFramework | undefined {
  const tree = nodes.find((node) => node.opType.startsWith('TreeEnsemble'));
  const modes = tree?.attributes.get('nodes_modes');
  if (modes === undefined) return undefined;
  const first = onnx.AttributeProto.decode(modes).strings.map((s) => utf8.decode(s));
  if (first.includes('BRANCH_LT')) return 'xgboost';
  if (first.includes('BRANCH_LEQ')) return 'lightgbm';
  return undefined;
}
