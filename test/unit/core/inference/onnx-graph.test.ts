import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import onnxProto, { type onnx as Onnx } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { UnprocessableError } from '../../../../functions/core/errors.ts';
import { inspectOnnxModel, prepareForServing } from '../../../../functions/core/inference/onnx-graph.ts';

const { onnx } = onnxProto;
const FIXTURES = fileURLToPath(new URL('../../../fixtures/onnx/', import.meta.url));
const fixture = (name: string) => new Uint8Array(readFileSync(`${FIXTURES}${name}.onnx`));

// ── A small ONNX builder (onnx-proto) ──
const FLOAT = 1;
const INT64 = 7;
const STRING = 8;
const FLOAT16 = 10;
const BFLOAT16 = 16;
type DimSpec = number | string | null;
const dim = (d: DimSpec) =>
  typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {};
const tensor = (name: string, elemType: number, dims: DimSpec[]): Onnx.IValueInfoProto => ({
  name,
  type: { tensorType: { elemType, shape: { dim: dims.map(dim) } } },
});
const seqMap = (name: string, keyType: number): Onnx.IValueInfoProto => ({
  name,
  type: {
    sequenceType: { elemType: { mapType: { keyType, valueType: { tensorType: { elemType: FLOAT } } } } },
  },
});
const ints = (name: string, values: number[]): Onnx.IAttributeProto => ({ name, type: 7, ints: values });
const floats = (name: string, values: number[]): Onnx.IAttributeProto => ({ name, type: 6, floats: values });
const strings = (name: string, values: string[]): Onnx.IAttributeProto => ({
  name,
  type: 8,
  strings: values.map((v) => new TextEncoder().encode(v)),
});
const text = (name: string, value: string): Onnx.IAttributeProto => ({
  name,
  type: 3,
  s: new TextEncoder().encode(value),
});

function buildModel(graph: Onnx.IGraphProto, extra: Partial<Onnx.IModelProto> = {}): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'unit-test',
    opsetImport: [
      { domain: '', version: 15 },
      { domain: 'ai.onnx.ml', version: 3 },
    ],
    graph: { name: 'test', ...graph },
    ...extra,
  }).finish();
}

/** LinearClassifier(labels) → label [N], probabilities [N, C] → ZipMap → output_probability. */
function stringZipMapClassifier(opsetImport?: Onnx.IOperatorSetIdProto[]): Uint8Array {
  const labels = ['setosa', 'versicolor', 'virginica'];
  return buildModel(
    {
      node: [
        {
          name: 'clf',
          opType: 'LinearClassifier',
          domain: 'ai.onnx.ml',
          input: ['X'],
          output: ['label', 'probabilities'],
          attribute: [
            strings('classlabels_strings', labels),
            floats('coefficients', [1, 0, 0, 1, -1, -1]),
            floats('intercepts', [0, 0, 0]),
            text('post_transform', 'SOFTMAX'),
          ],
        },
        {
          name: 'zm',
          opType: 'ZipMap',
          domain: 'ai.onnx.ml',
          input: ['probabilities'],
          output: ['output_probability'],
          attribute: [strings('classlabels_strings', labels)],
        },
      ],
      input: [tensor('X', FLOAT, ['batch', 2])],
      output: [tensor('label', STRING, ['batch']), seqMap('output_probability', STRING)],
    },
    opsetImport === undefined ? {} : { opsetImport },
  );
}

const FIXTURE_SIGNATURES = {
  iris_logreg_zipmap: {
    inputs: [{ name: 'X', isTensor: true, type: 'float32', shape: [null, 4] }],
    outputs: [
      { name: 'output_label', isTensor: true, type: 'int64', shape: [null] },
      { name: 'output_probability', isTensor: false, type: 'sequence<map<int64,float32>>', shape: null },
    ],
    zipMap: { node: 'ZipMap', input: 'probabilities', output: 'output_probability', classLabels: [0, 1, 2] },
    served: { name: 'output_probability', isTensor: true, type: 'float32', shape: [null, 3] },
    kind: 'classifier',
    classLabels: [0, 1, 2],
  },
  breast_cancer_gbdt: {
    inputs: [{ name: 'X', isTensor: true, type: 'float32', shape: [null, 30] }],
    outputs: [
      { name: 'output_label', isTensor: true, type: 'int64', shape: [null] },
      { name: 'output_probability', isTensor: false, type: 'sequence<map<int64,float32>>', shape: null },
    ],
    zipMap: { node: 'ZipMap', input: 'probabilities', output: 'output_probability', classLabels: [0, 1] },
    served: { name: 'output_probability', isTensor: true, type: 'float32', shape: [null, 2] },
    kind: 'classifier',
    classLabels: [0, 1],
  },
  tenure_mixed_inputs: {
    inputs: [
      { name: 'tenure_months', isTensor: true, type: 'float32', shape: [null, 1] },
      { name: 'contract', isTensor: true, type: 'string', shape: [null, 1] },
    ],
    outputs: [
      { name: 'output_label', isTensor: true, type: 'int64', shape: [null] },
      { name: 'output_probability', isTensor: false, type: 'sequence<map<int64,float32>>', shape: null },
    ],
    zipMap: { node: 'ZipMap', input: 'probabilities', output: 'output_probability', classLabels: [0, 1] },
    served: { name: 'output_probability', isTensor: true, type: 'float32', shape: [null, 2] },
    kind: 'classifier',
    classLabels: [0, 1],
  },
  digits_logreg_tensor: {
    inputs: [{ name: 'X', isTensor: true, type: 'float32', shape: [null, 64] }],
    outputs: [
      { name: 'label', isTensor: true, type: 'int64', shape: [null] },
      { name: 'probabilities', isTensor: true, type: 'float32', shape: [null, 10] },
    ],
    zipMap: null,
    served: { name: 'probabilities', isTensor: true, type: 'float32', shape: [null, 10] },
    kind: 'classifier',
    classLabels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  },
  diabetes_linear: {
    inputs: [{ name: 'X', isTensor: true, type: 'float32', shape: [null, 10] }],
    outputs: [{ name: 'variable', isTensor: true, type: 'float32', shape: [null, 1] }],
    zipMap: null,
    served: { name: 'variable', isTensor: true, type: 'float32', shape: [null, 1] },
    kind: 'regressor',
    classLabels: null,
  },
} as const;

describe('inspectOnnxModel', () => {
  for (const [name, expected] of Object.entries(FIXTURE_SIGNATURES)) {
    it(`reads the signature of ${name}`, () => {
      // Prepare
      const bytes = fixture(name);

      // Act
      const info = inspectOnnxModel(bytes);

      // Assess
      expect(info.signature.inputs).toEqual(expected.inputs);
      expect(info.signature.outputs).toEqual(expected.outputs);
      expect(info.zipMaps).toEqual(expected.zipMap === null ? [] : [expected.zipMap]);
      expect(info).toMatchObject({
        producerName: 'skl2onnx',
        producerVersion: '1.14.0',
        framework: 'scikit-learn',
      });
      expect(info.irVersion).toBe(8);
      expect(info.opsets).toContainEqual({ domain: 'ai.onnx.ml', version: 1 });
    });
  }

  it('keeps symbolic dimensions by name, unnamed ones as null and fixed ones as numbers', () => {
    // Prepare
    const bytes = buildModel({
      node: [{ opType: 'Identity', input: ['X'], output: ['Y'] }],
      input: [tensor('X', FLOAT, ['batch', null, 3])],
      output: [{ name: 'Y', type: { tensorType: { elemType: FLOAT } } }],
    });

    // Act
    const info = inspectOnnxModel(bytes);

    // Assess
    expect(info.signature.inputs[0]).toEqual({
      name: 'X',
      isTensor: true,
      type: 'float32',
      shape: ['batch', null, 3],
    });
    expect(info.signature.outputs[0]).toEqual({ name: 'Y', isTensor: true, type: 'float32', shape: null });
  });

  it('leaves out inputs that are initializers (inputs with defaults)', () => {
    // Prepare
    const bytes = buildModel({
      node: [{ opType: 'Add', input: ['X', 'B'], output: ['Y'] }],
      input: [tensor('X', FLOAT, ['N', 2]), tensor('B', FLOAT, [2])],
      initializer: [{ name: 'B', dataType: FLOAT, dims: [2], floatData: [1, 2] }],
      output: [tensor('Y', FLOAT, ['N', 2])],
    });

    // Act
    const info = inspectOnnxModel(bytes);

    // Assess
    expect(info.signature.inputs.map((input) => input.name)).toEqual(['X']);
  });

  it('describes string-labelled ZipMaps and their class labels', () => {
    // Prepare
    const bytes = stringZipMapClassifier();

    // Act
    const info = inspectOnnxModel(bytes);

    // Assess
    expect(info.zipMaps).toEqual([
      {
        node: 'zm',
        input: 'probabilities',
        output: 'output_probability',
        classLabels: ['setosa', 'versicolor', 'virginica'],
      },
    ]);
    expect(info.signature.outputs[1]?.type).toBe('sequence<map<string,float32>>');
    expect(info.operators).toEqual(['ai.onnx.ml:LinearClassifier', 'ai.onnx.ml:ZipMap']);
  });

  it.each([
    ['pytorch', '', 'pytorch'],
    ['tf2onnx', '', 'tensorflow'],
    ['skl2onnx', 'ONNX(XGBClassifier)', 'xgboost'],
    ['skl2onnx', 'pipeline_lightgbm', 'lightgbm'],
    ['OnnxMLTools', 'LightGbm model', 'lightgbm'],
    ['CatBoost', '', 'catboost'],
    ['', '', 'onnx'],
  ])('guesses the framework of a model made by %s (graph %s) as %s', (producerName, graphName, framework) => {
    // Prepare
    const bytes = buildModel(
      {
        name: graphName,
        node: [{ opType: 'Identity', input: ['X'], output: ['Y'] }],
        input: [tensor('X', FLOAT, ['N', 2])],
        output: [tensor('Y', FLOAT, ['N', 2])],
      },
      { producerName },
    );

    // Act
    const info = inspectOnnxModel(bytes);

    // Assess
    expect(info.framework).toBe(framework);
  });

  it.each([
    ['an empty file', new Uint8Array(0), /empty/],
    [
      'random bytes',
      new Uint8Array(Array.from({ length: 256 }, (_, i) => (i * 7919 + 13) % 256)),
      /not a valid ONNX/,
    ],
    [
      'a JSON document',
      new TextEncoder().encode('{"model": "iris", "weights": [1, 2, 3]}'),
      /not a valid ONNX/,
    ],
    ['a truncated model', fixture('iris_logreg_zipmap').subarray(0, 300), /not a valid ONNX/],
    [
      'a model with no graph',
      onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ version: 15 }] }).finish(),
      /no graph/,
    ],
  ])('refuses %s with UnprocessableError', (_label, bytes, reason) => {
    // Act
    const act = () => inspectOnnxModel(bytes);

    // Assess
    expect(act).toThrow(UnprocessableError);
    expect(act).toThrow(reason);
  });
});

describe('prepareForServing', () => {
  for (const [name, expected] of Object.entries(FIXTURE_SIGNATURES)) {
    it(`plans the outputs of ${name}`, () => {
      // Prepare
      const bytes = fixture(name);

      // Act
      const { serving } = prepareForServing(bytes);

      // Assess
      expect(serving.kind).toBe(expected.kind);
      expect(serving.classLabels).toEqual(expected.classLabels);
      expect(serving.inputs).toEqual(expected.inputs);
      expect(serving.outputs).toContainEqual(expected.served);
      expect(serving.outputs.every((output) => output.isTensor)).toBe(true);
      if (expected.kind === 'classifier') {
        expect(serving.labelOutput).toBe(expected.outputs[0].name);
        expect(serving.probabilityOutput).toBe(expected.served.name);
      } else {
        expect(serving.valueOutput).toBe('variable');
      }
    });
  }

  it('replaces a ZipMap feeding a graph output by an Identity of its input, under the same output name', () => {
    // Prepare
    const bytes = fixture('iris_logreg_zipmap');

    // Act
    const { bytes: served, serving } = prepareForServing(bytes);

    // Assess
    const graph = onnx.ModelProto.decode(served).graph as Onnx.GraphProto;
    expect(graph.node.map((node) => node.opType)).toEqual([
      'LinearClassifier',
      'Cast',
      'Normalizer',
      'Identity',
    ]);
    expect(graph.node[3]).toMatchObject({
      input: ['probabilities'],
      output: ['output_probability'],
      domain: '',
    });
    expect(graph.output[1]?.type?.tensorType?.elemType).toBe(FLOAT);
    expect(serving.zipMapsRemoved.map((zipMap) => zipMap.output)).toEqual(['output_probability']);
    expect(inspectOnnxModel(served).signature.outputs[1]).toEqual({
      name: 'output_probability',
      isTensor: true,
      type: 'float32',
      shape: [null, 3],
    });
  });

  it('copies every other byte as it was, unknown fields included', () => {
    // Prepare: a field number ONNX does not define, appended to the model message.
    const unknownField = new Uint8Array([0xfa, 0x0f, 0x03, 0x61, 0x62, 0x63]); // field 255, "abc"
    const original = fixture('breast_cancer_gbdt');
    const bytes = new Uint8Array([...original, ...unknownField]);

    // Act
    const { bytes: served } = prepareForServing(bytes);

    // Assess
    expect(Buffer.from(served).includes(Buffer.from(unknownField))).toBe(true);
    const before = onnx.ModelProto.decode(original).graph as Onnx.GraphProto;
    const after = onnx.ModelProto.decode(served).graph as Onnx.GraphProto;
    expect(onnx.NodeProto.encode(after.node[0] as Onnx.NodeProto).finish()).toEqual(
      onnx.NodeProto.encode(before.node[0] as Onnx.NodeProto).finish(),
    );
  });

  it('returns the bytes untouched when every output is already a tensor', () => {
    // Prepare
    const bytes = fixture('digits_logreg_tensor');

    // Act
    const { bytes: served, serving } = prepareForServing(bytes);

    // Assess
    expect(served).toBe(bytes);
    expect(serving.zipMapsRemoved).toEqual([]);
  });

  it('plans a string-labelled ZipMap classifier and imports the default domain the Identity needs', () => {
    // Prepare: a model that imports only ai.onnx.ml.
    const bytes = stringZipMapClassifier([{ domain: 'ai.onnx.ml', version: 1 }]);

    // Act
    const { bytes: served, serving } = prepareForServing(bytes);

    // Assess
    expect(serving).toMatchObject({
      kind: 'classifier',
      labelOutput: 'label',
      probabilityOutput: 'output_probability',
      classLabels: ['setosa', 'versicolor', 'virginica'],
    });
    expect(serving.outputs[1]).toEqual({
      name: 'output_probability',
      isTensor: true,
      type: 'float32',
      shape: ['batch', 3],
    });
    expect(inspectOnnxModel(served).opsets).toContainEqual({ domain: '', version: 9 });
  });

  it('keeps a ZipMap other nodes read, and serves its input tensor instead', () => {
    // Prepare
    const bytes = buildModel({
      node: [
        {
          name: 'clf',
          opType: 'LinearClassifier',
          domain: 'ai.onnx.ml',
          input: ['X'],
          output: ['label', 'scores'],
          attribute: [
            ints('classlabels_ints', [4, 7]),
            floats('coefficients', [1, -1]),
            floats('intercepts', [0, 0]),
          ],
        },
        {
          name: 'zm',
          opType: 'ZipMap',
          domain: 'ai.onnx.ml',
          input: ['scores'],
          output: ['maps'],
          attribute: [ints('classlabels_int64s', [4, 7])],
        },
        { name: 'len', opType: 'SequenceLength', input: ['maps'], output: ['count'] },
      ],
      input: [tensor('X', FLOAT, ['N', 1])],
      output: [tensor('label', INT64, ['N']), seqMap('maps', INT64), tensor('count', INT64, [])],
    });

    // Act
    const { bytes: served, serving } = prepareForServing(bytes);

    // Assess
    const graph = onnx.ModelProto.decode(served).graph as Onnx.GraphProto;
    expect(graph.node.map((node) => node.opType)).toContain('ZipMap');
    expect(graph.output.map((output) => output.name)).toEqual(['label', 'scores', 'count']);
    expect(serving).toMatchObject({ probabilityOutput: 'scores', labelOutput: 'label', classLabels: [4, 7] });
  });

  it('takes class labels from the classifier operator when there is no ZipMap', () => {
    // Prepare
    const bytes = buildModel({
      node: [
        {
          opType: 'TreeEnsembleClassifier',
          domain: 'ai.onnx.ml',
          input: ['X'],
          output: ['label', 'probabilities'],
          attribute: [ints('classlabels_int64s', [10, 20])],
        },
      ],
      input: [tensor('X', FLOAT, ['N', 3])],
      output: [tensor('label', INT64, ['N']), tensor('probabilities', FLOAT, ['N', 2])],
    });

    // Act
    const { serving } = prepareForServing(bytes);

    // Assess
    expect(serving).toMatchObject({
      kind: 'classifier',
      classLabels: [10, 20],
      probabilityOutput: 'probabilities',
    });
  });

  it('calls a network with a plain float output "other" and serves its first output as values', () => {
    // Prepare
    const bytes = buildModel(
      {
        node: [{ opType: 'Relu', input: ['input'], output: ['logits'] }],
        input: [tensor('input', FLOAT, ['batch', 10])],
        output: [tensor('logits', FLOAT, ['batch', 10])],
      },
      { producerName: 'pytorch' },
    );

    // Act
    const { serving } = prepareForServing(bytes);

    // Assess
    expect(serving).toMatchObject({
      kind: 'other',
      valueOutput: 'logits',
      labelOutput: null,
      classLabels: null,
    });
  });

  it('refuses inputs a request cannot carry (maps, bfloat16) and takes float16 ones', () => {
    // Prepare
    const mapInput = buildModel({
      node: [{ opType: 'DictVectorizer', domain: 'ai.onnx.ml', input: ['features'], output: ['Y'] }],
      input: [
        {
          name: 'features',
          type: { mapType: { keyType: STRING, valueType: { tensorType: { elemType: FLOAT } } } },
        },
      ],
      output: [tensor('Y', FLOAT, ['N'])],
    });
    const bfloat16Input = buildModel({
      node: [{ opType: 'Identity', input: ['X'], output: ['Y'] }],
      input: [tensor('X', BFLOAT16, ['N', 2])],
      output: [tensor('Y', BFLOAT16, ['N', 2])],
    });
    const halfInput = buildModel({
      node: [{ opType: 'Identity', input: ['X'], output: ['Y'] }],
      input: [tensor('X', FLOAT16, ['N', 2])],
      output: [tensor('Y', FLOAT16, ['N', 2])],
    });

    // Act + Assess
    expect(() => prepareForServing(mapInput)).toThrow(/input "features" is a map<string,float32>/);
    expect(() => prepareForServing(bfloat16Input)).toThrow(/element type bfloat16/);
    expect(prepareForServing(halfInput).serving.inputs[0]?.type).toBe('float16');
  });
});
