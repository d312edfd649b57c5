/**
 * A fitted feature pipeline and model (linear, or gradient-boosted trees) → one ONNX graph whose
 * inputs are the raw dataset columns, so the platform's predict endpoint serves it like any uploaded
 * model. Flow: check the two agree → one graph input per column → per feature, the preprocessing
 * nodes → Concat into the [N, width] matrix → the model's raw scores (linear: Gemm; trees: see
 * tree-ensemble.ts) → the same head for both → outputs named as the platform's output decoding
 * expects.
 *
 * Precision: numeric inputs are float64 and the whole pipeline and model run in float64; only the
 * outputs are float32. With float32 inputs a caller's value is rounded before the graph sees it
 * (at 1.7e9, e.g. a Unix time in seconds, float32 steps are 128), and after scaling that error is
 * far beyond the 1e-5 parity with the TypeScript transform; onnxruntime's ai.onnx.ml Imputer has
 * no float64 kernel and its Scaler computes in float32, so imputation and scaling use IsNaN/Where
 * and Sub/Div instead, the same operations in the same order as `transformRow`.
 */
import { categoryIndex } from '../feature-transform.ts';
import type {
  CategoricalFeature,
  FeaturePipeline,
  FittedModel,
  LinearModel,
  NumericFeature,
} from '../model-contracts.ts';
import { attribute, DataType, GraphBuilder, tensorInfo } from './graph-builder.ts';
import { ML_DOMAIN, treeEnsembleNodes, treeEnsembleProblem } from './tree-ensemble.ts';

export interface OnnxExportOptions {
  /** The graph's name (what the platform logs a model by when it has no id). Default `ml-platform-model`. */
  readonly modelName?: string;
  /** The platform's version, recorded as the model's `producer_version`. */
  readonly producerVersion?: string;
  /** The target column the model predicts, recorded in the metadata. */
  readonly targetName?: string;
  /**
   * Columns of the training data the pipeline does not use (dropped by preprocessing): recorded in
   * the metadata (`ignored_inputs`, a JSON array) so the predict endpoint accepts them in a row and
   * discards them. They are not graph inputs: onnxruntime would make every caller feed them.
   */
  readonly ignoredInputs?: readonly string[];
}

/** The exporter was given a pipeline and a model that cannot make a valid graph (a trainer bug). */
export class OnnxExportError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'OnnxExportError';
  }
}

export const PRODUCER_NAME = 'ml-platform';
export const OPSET_AI_ONNX = 17;
export const OPSET_AI_ONNX_ML = 3;

/**
 * Output names, first choice then the fallback used when a feature column already has the name;
 * onnx-graph.ts recognises `label`/`output_label` and `probabilities`/`output_probabilities`.
 */
const OUTPUT_NAMES = {
  label: ['label', 'output_label'],
  probabilities: ['probabilities', 'output_probabilities'],
  variable: ['variable', 'output_variable'],
} as const;

/** The batch dimension, shared by every input and output. */
const N = 'N';
/** The input of {@link exportMatrixModelToOnnx}. */
export const MATRIX_INPUT = 'features';

/**
 * Builds the ONNX model for a feature pipeline and a model fitted on its output.
 *
 * Inputs, one per feature in pipeline order, named by the column: numeric → float64 [N, 1] (NaN is
 * missing; the predict endpoint sends null as NaN), categorical → string [N, 1] ('' is missing).
 * Outputs: regression → `variable` float32 [N, outputs]; classification → `label` [N] (int64 when
 * every class is a safe integer, else string) and `probabilities` float32 [N, classes], columns in
 * `model.classes` order. A tree model may take numeric features whose `fill` is NaN: those are not
 * imputed, and a missing value reaches the trees (as NaN after scaling) and takes each branch's
 * learned direction.
 *
 * @throws OnnxExportError when the pipeline and the model disagree or hold invalid values.
 * @example
 * const bytes = exportPipelineToOnnx(pipeline, model, { modelName: 'churn', targetName: 'churned' });
 * const served = await OnnxModel.create(bytes);
 * await served.predict([{ tenure_months: 25, contract: 'yearly' }]);
 * // { predictions: [1], probabilities: [[0.18, 0.82]] }
 */
export function exportPipelineToOnnx(
  pipeline: FeaturePipeline,
  model: FittedModel,
  options: OnnxExportOptions = {},
): Uint8Array {
  checkPipeline(pipeline, model);
  const labels = checkModel(model);
  const graph = new GraphBuilder();
  const inputs = pipeline.features.map((feature) =>
    tensorInfo(graph.input(feature.column), feature.kind === 'numeric' ? DataType.DOUBLE : DataType.STRING, [
      N,
      1,
    ]),
  );
  const outputs = claimOutputs(
    graph,
    model,
    labels,
    new Set(pipeline.features.map((feature) => feature.column)),
  );

  const features =
    model.kind === 'trees' ? fusedFeatures(graph, pipeline) : perColumnFeatures(graph, pipeline);
  modelNodes(graph, features, model, labels, outputs);

  return graph.encode({
    name: options.modelName ?? 'ml-platform-model',
    docString: describeModel(pipeline, model, options.targetName),
    producerName: PRODUCER_NAME,
    producerVersion: options.producerVersion ?? '',
    opsets: OPSETS,
    inputs,
    outputs,
    metadata: {
      features: JSON.stringify(pipeline.features.map((f) => ({ name: f.column, kind: f.kind }))),
      ...ignoredInputsMetadata(pipeline, options.ignoredInputs ?? []),
      ...modelMetadata(model, labels, options),
    },
  });
}

function ignoredInputsMetadata(
  pipeline: FeaturePipeline,
  ignored: readonly string[],
): Record<string, string> {
  if (ignored.length === 0) return {};
  const used = new Set(pipeline.features.map((f) => f.column));
  const both = ignored.find((name) => used.has(name));
  if (both !== undefined) throw new OnnxExportError(`The column "${both}" is both an input and ignored.`);
  return { ignored_inputs: JSON.stringify(ignored) };
}

/**
 * The model alone, over the feature pipeline's output: one input `features`, float64 [N, width],
 * then the same nodes, outputs and metadata (but `features`) as {@link exportPipelineToOnnx}. For
 * tests of a model on a matrix no pipeline makes (NaN in any column, values on a threshold) and
 * for checking a converted model against its framework's predictions on the same matrix.
 *
 * @throws OnnxExportError when the model holds invalid values.
 * @example
 * const bytes = exportMatrixModelToOnnx(model);
 * const session = await ort.InferenceSession.create(bytes);
 * await session.run({ features: new ort.Tensor('float64', x, [rows, model.width]) });
 */
export function exportMatrixModelToOnnx(model: FittedModel, options: OnnxExportOptions = {}): Uint8Array {
  if (!Number.isInteger(model.width) || model.width < 1) {
    throw new OnnxExportError(`The model takes ${model.width} columns.`);
  }
  const labels = checkModel(model);
  const graph = new GraphBuilder();
  const inputs = [tensorInfo(graph.input(MATRIX_INPUT), DataType.DOUBLE, [N, model.width])];
  const outputs = claimOutputs(graph, model, labels, new Set([MATRIX_INPUT]));
  modelNodes(graph, MATRIX_INPUT, model, labels, outputs);
  return graph.encode({
    name: options.modelName ?? 'ml-platform-model',
    docString: `${describeAlgorithm(model, options.targetName)} over a float64 [N, ${model.width}] feature matrix.`,
    producerName: PRODUCER_NAME,
    producerVersion: options.producerVersion ?? '',
    opsets: OPSETS,
    inputs,
    outputs,
    metadata: modelMetadata(model, labels, options),
  });
}

const OPSETS = [
  { domain: '', version: OPSET_AI_ONNX },
  { domain: ML_DOMAIN, version: OPSET_AI_ONNX_ML },
] as const;

/** Claims the graph outputs, named so that no input (feature column) has the name. */
function claimOutputs(
  graph: GraphBuilder,
  model: FittedModel,
  labels: ClassLabels | null,
  taken: ReadonlySet<string>,
) {
  const outputName = (choices: readonly string[]): string => {
    const name = choices.find((choice) => !taken.has(choice));
    if (name === undefined) {
      throw new OnnxExportError(
        `Feature columns take every name for the output (${choices.join(', ')}); rename one of them.`,
      );
    }
    return name;
  };
  return labels === null
    ? [tensorInfo(graph.output(outputName(OUTPUT_NAMES.variable)), DataType.FLOAT, [N, model.outputs])]
    : [
        tensorInfo(graph.output(outputName(OUTPUT_NAMES.label)), labels.type, [N]),
        tensorInfo(graph.output(outputName(OUTPUT_NAMES.probabilities)), DataType.FLOAT, [
          N,
          labels.values.length,
        ]),
      ];
}

function modelMetadata(
  model: FittedModel,
  labels: ClassLabels | null,
  options: OnnxExportOptions,
): Record<string, string> {
  return {
    ...(options.targetName === undefined ? {} : { target: options.targetName }),
    task: model.task,
    algorithm: model.algorithm,
    ...(labels === null ? {} : { class_labels: JSON.stringify(labels.values) }),
  };
}

/**
 * [N, width] float64 features → the claimed outputs: the raw scores (linear: Gemm in float64;
 * trees: the ensemble's float32 sums, widened) → regression: float32 `variable`; classification:
 * the classifier head.
 */
function modelNodes(
  graph: GraphBuilder,
  features: string,
  model: FittedModel,
  labels: ClassLabels | null,
  outputs: readonly { readonly name?: string | null }[],
): void {
  const first = outputs[0]?.name as string;
  let scores: string;
  if (model.kind === 'linear') {
    scores = graph.node1({
      op: 'Gemm',
      inputs: [
        features,
        graph.double('coefficients', [...model.weights], [model.outputs, model.width]),
        graph.double('intercepts', [...model.intercepts], [model.outputs]),
      ],
      outputs: ['scores'],
      attributes: [attribute.int('transB', 1)],
    });
    if (labels === null) {
      castToFloat(graph, scores, first);
      return;
    }
  } else {
    // Regression: the ensemble writes the float32 output itself.
    const raw = treeEnsembleNodes(graph, features, model, labels === null ? first : 'raw_scores');
    if (labels === null) return;
    scores = graph.node1({
      op: 'Cast',
      inputs: [raw],
      outputs: ['scores'],
      attributes: [attribute.int('to', DataType.DOUBLE)],
    });
  }
  classifierHead(graph, scores, model.outputs, labels, {
    label: first,
    probabilities: outputs[1]?.name as string,
  });
}

/** The [N, width] float64 feature matrix: each feature's block of nodes, then one Concat. */
function perColumnFeatures(graph: GraphBuilder, pipeline: FeaturePipeline): string {
  const blocks = pipeline.features.map((feature) =>
    feature.kind === 'numeric' ? numericBlock(graph, feature) : categoricalBlock(graph, feature),
  );
  return graph.node1({
    op: 'Concat',
    inputs: blocks,
    outputs: ['features'],
    attributes: [attribute.int('axis', 1)],
  });
}

/**
 * The same [N, width] float64 matrix in a few nodes, whatever the number of numeric columns (a run
 * pays for each node, which dominates one row of a wide table): the raw numeric columns and the
 * categorical blocks are concatenated in pipeline order, then one IsNaN / Where / Sub / Div over the
 * whole matrix with per-column fill, mean and scale vectors. One-hot columns get fill 0, mean 0 and
 * scale 1 (never NaN; x − 0 and x / 1 are x exactly), and a numeric column with a NaN fill (trees
 * only: not imputed) keeps its NaN, so every value is bit for bit the per-column graph's. Used for
 * tree models; the linear export keeps its per-column layout.
 */
function fusedFeatures(graph: GraphBuilder, pipeline: FeaturePipeline): string {
  const numeric = pipeline.features.filter((feature) => feature.kind === 'numeric');
  const blocks = pipeline.features.map((feature) =>
    feature.kind === 'numeric' ? feature.column : categoricalBlock(graph, feature),
  );
  const raw = graph.node1({
    op: 'Concat',
    inputs: blocks,
    outputs: [numeric.length === 0 ? 'features' : 'features_raw'],
    attributes: [attribute.int('axis', 1)],
  });
  if (numeric.length === 0) return raw;
  const fill: number[] = [];
  const mean: number[] = [];
  const scale: number[] = [];
  for (const feature of pipeline.features) {
    const columns = feature.kind === 'numeric' ? 1 : feature.categories.length + 1;
    for (let c = 0; c < columns; c += 1) {
      fill.push(feature.kind === 'numeric' ? feature.fill : 0);
      mean.push(feature.kind === 'numeric' ? feature.mean : 0);
      scale.push(feature.kind === 'numeric' ? feature.scale : 1);
    }
  }
  let imputed = raw;
  if (numeric.some((feature) => !Number.isNaN(feature.fill))) {
    const missing = graph.node1({ op: 'IsNaN', inputs: [raw], outputs: ['features_missing'] });
    imputed = graph.node1({
      op: 'Where',
      inputs: [missing, graph.double('fill', fill), raw],
      outputs: ['features_imputed'],
    });
  }
  const centered = graph.node1({
    op: 'Sub',
    inputs: [imputed, graph.double('mean', mean)],
    outputs: ['features_centered'],
  });
  return graph.node1({
    op: 'Div',
    inputs: [centered, graph.double('scale', scale)],
    outputs: ['features'],
  });
}

/** Numeric column → [N, 1] float64: missing (NaN) → fill, then (v − mean) / scale. */
function numericBlock(graph: GraphBuilder, feature: NumericFeature): string {
  const column = feature.column;
  const missing = graph.node1({ op: 'IsNaN', inputs: [column], outputs: [`${column}_missing`] });
  const imputed = graph.node1({
    op: 'Where',
    inputs: [missing, graph.double(`${column}_fill`, [feature.fill], []), column],
    outputs: [`${column}_imputed`],
  });
  const centered = graph.node1({
    op: 'Sub',
    inputs: [imputed, graph.double(`${column}_mean`, [feature.mean], [])],
    outputs: [`${column}_centered`],
  });
  return graph.node1({
    op: 'Div',
    inputs: [centered, graph.double(`${column}_scale`, [feature.scale], [])],
    outputs: [`${column}_scaled`],
  });
}

/**
 * Categorical column → [N, K + 1] float64: a LabelEncoder maps each kept category to its index, ''
 * (missing) to the fill's index, anything else to K (the "unknown" column); OneHot of depth K + 1
 * then makes the block, unknown column included, in one step.
 */
function categoricalBlock(graph: GraphBuilder, feature: CategoricalFeature): string {
  const column = feature.column;
  const unknown = feature.categories.length;
  const index = categoryIndex(feature);
  index.set('', index.get(feature.fill) ?? unknown);
  const indices = graph.node1({
    op: 'LabelEncoder',
    domain: ML_DOMAIN,
    inputs: [column],
    outputs: [`${column}_index`],
    attributes: [
      attribute.strings('keys_strings', [...index.keys()]),
      attribute.ints('values_int64s', [...index.values()]),
      attribute.int('default_int64', unknown),
    ],
  });
  const oneHot = graph.node1({
    op: 'OneHot',
    inputs: [
      indices,
      graph.int64(`${column}_depth`, [unknown + 1], []),
      graph.float(`${column}_off_on`, [0, 1]),
    ],
    outputs: [`${column}_onehot3d`],
    attributes: [attribute.int('axis', -1)],
  });
  const squeezed = graph.node1({
    op: 'Squeeze',
    inputs: [oneHot, graph.int64(`${column}_axis`, [1])],
    outputs: [`${column}_onehot_float`],
  });
  // onnxruntime's OneHot has no float64 output kernel; 0 and 1 are exact in both.
  return graph.node1({
    op: 'Cast',
    inputs: [squeezed],
    outputs: [`${column}_onehot`],
    attributes: [attribute.int('to', DataType.DOUBLE)],
  });
}

function castToFloat(graph: GraphBuilder, input: string, output: string): string {
  return graph.node1({
    op: 'Cast',
    inputs: [input],
    outputs: [output],
    attributes: [attribute.int('to', DataType.FLOAT)],
  });
}

interface ClassLabels {
  readonly type: typeof DataType.INT64 | typeof DataType.STRING;
  readonly values: readonly (number | string)[];
}

/**
 * [N, outputs] float64 scores → probabilities (binary: [1 − p, p] with p = Sigmoid(score); else
 * Softmax) and the label: the class index from the scores, as `predictRaw` takes it (binary:
 * score > 0; else ArgMax, the first maximum on a tie), then a Gather of the class labels.
 */
function classifierHead(
  graph: GraphBuilder,
  scores: string,
  outputs: number,
  labels: ClassLabels,
  names: { readonly label: string; readonly probabilities: string },
): void {
  let probabilities: string;
  let classIndex: string;
  if (outputs === 1) {
    const p = graph.node1({ op: 'Sigmoid', inputs: [scores], outputs: ['positive_probability'] });
    const q = graph.node1({
      op: 'Sub',
      inputs: [graph.double('one', [1], []), p],
      outputs: ['negative_probability'],
    });
    probabilities = graph.node1({
      op: 'Concat',
      inputs: [q, p],
      outputs: ['probabilities_double'],
      attributes: [attribute.int('axis', 1)],
    });
    const positive = graph.node1({
      op: 'Greater',
      inputs: [scores, graph.double('zero', [0], [])],
      outputs: ['is_positive'],
    });
    const index = graph.node1({
      op: 'Cast',
      inputs: [positive],
      outputs: ['class_index_2d'],
      attributes: [attribute.int('to', DataType.INT64)],
    });
    classIndex = graph.node1({
      op: 'Reshape',
      inputs: [index, graph.int64('flat', [-1])],
      outputs: ['class_index'],
    });
  } else {
    probabilities = graph.node1({
      op: 'Softmax',
      inputs: [scores],
      outputs: ['probabilities_double'],
      attributes: [attribute.int('axis', 1)],
    });
    classIndex = graph.node1({
      op: 'ArgMax',
      inputs: [scores],
      outputs: ['class_index'],
      attributes: [attribute.int('axis', 1), attribute.int('keepdims', 0)],
    });
  }
  const table =
    labels.type === DataType.INT64
      ? graph.int64('class_labels', labels.values as number[])
      : graph.strings('class_labels', labels.values as string[]);
  graph.node1({ op: 'Gather', inputs: [table, classIndex], outputs: [names.label] });
  castToFloat(graph, probabilities, names.probabilities);
}

function describeAlgorithm(model: FittedModel, target: string | undefined): string {
  const trees =
    model.kind === 'trees'
      ? `, ${model.trees.length} tree${model.trees.length === 1 ? '' : 's'} (${model.comparison === 'leq' ? 'x <= t' : 'x < t'} in float32)`
      : '';
  return `${model.algorithm} (${model.task})${trees}${target === undefined ? '' : ` of "${target}"`}`;
}

function describeModel(pipeline: FeaturePipeline, model: FittedModel, target: string | undefined): string {
  const numeric = pipeline.features.filter((f) => f.kind === 'numeric').length;
  const categorical = pipeline.features.length - numeric;
  return (
    `${describeAlgorithm(model, target)} over ` +
    `${numeric} numeric and ${categorical} categorical column${categorical === 1 ? '' : 's'}, ` +
    'preprocessing inside: numeric inputs are float64 [N, 1] (NaN = missing), categorical inputs ' +
    "string [N, 1] ('' = missing)."
  );
}

// ── Checks ───────────────────────────────────────────────────────────────────────────────────────

const fail = (message: string) => new OnnxExportError(message);

/** Checks the pipeline is valid and makes the columns the model takes. */
function checkPipeline(pipeline: FeaturePipeline, model: FittedModel): void {
  if (pipeline.features.length === 0) throw fail('The feature pipeline has no features.');
  const columns = new Set<string>();
  let width = 0;
  for (const feature of pipeline.features) {
    const { column } = feature;
    if (column === '') throw fail('A feature has an empty column name.');
    if (columns.has(column)) throw fail(`The column "${column}" appears twice in the feature pipeline.`);
    columns.add(column);
    if (feature.kind === 'numeric') {
      for (const key of ['fill', 'mean', 'scale'] as const) {
        // Trees route a missing value themselves: a NaN fill leaves it missing.
        if (key === 'fill' && model.kind === 'trees' && Number.isNaN(feature.fill)) continue;
        if (!Number.isFinite(feature[key])) throw fail(`Numeric feature "${column}": ${key} is not finite.`);
      }
      if (feature.scale === 0) throw fail(`Numeric feature "${column}": scale is 0.`);
      width += 1;
    } else {
      if (new Set(feature.categories).size !== feature.categories.length) {
        throw fail(`Categorical feature "${column}" lists a category twice.`);
      }
      width += feature.categories.length + 1;
    }
  }
  if (width !== pipeline.width) {
    throw fail(
      `The feature pipeline declares width ${pipeline.width} but its features make ${width} columns.`,
    );
  }
  if (model.width !== pipeline.width) {
    throw fail(`The model takes ${model.width} columns but the feature pipeline makes ${pipeline.width}.`);
  }
}

/** Checks the model's own values; returns the class labels (null for a regressor). */
function checkModel(model: FittedModel): ClassLabels | null {
  if (!Number.isInteger(model.outputs) || model.outputs < 1) {
    throw fail(`The model has ${model.outputs} outputs.`);
  }
  if (model.kind === 'linear') checkLinear(model);
  else {
    const problem = treeEnsembleProblem(model);
    if (problem !== null) throw fail(problem);
  }
  return classLabels(model);
}

function checkLinear(model: LinearModel): void {
  if (model.weights.length !== model.outputs * model.width) {
    throw fail(
      `The model has ${model.weights.length} weights; ${model.outputs} × ${model.width} = ${model.outputs * model.width} expected.`,
    );
  }
  if (model.intercepts.length !== model.outputs) {
    throw fail(`The model has ${model.intercepts.length} intercepts for ${model.outputs} outputs.`);
  }
  if (!model.weights.every(Number.isFinite) || !model.intercepts.every(Number.isFinite)) {
    throw fail('The model has a weight or an intercept that is not finite.');
  }
}

function classLabels(model: FittedModel): ClassLabels | null {
  if (model.task === 'regression') return null;

  const classes = model.classes ?? [];
  const expected = model.outputs === 1 ? 2 : model.outputs;
  if (classes.length !== expected) {
    throw fail(
      `A classifier with ${model.outputs} output${model.outputs === 1 ? '' : 's'} needs ${expected} classes, got ${classes.length}.`,
    );
  }
  const integers = classes.every((c) => typeof c === 'number' && Number.isSafeInteger(c));
  const values = integers ? classes : classes.map((c) => String(c));
  if (new Set(values).size !== values.length) {
    throw fail(`The class labels are not distinct: ${JSON.stringify(values)}.`);
  }
  return { type: integers ? DataType.INT64 : DataType.STRING, values };
}
