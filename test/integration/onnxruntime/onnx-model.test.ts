import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import onnxProto, { type onnx as Onnx } from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxModel, trimRuntimeMessage } from '../../../functions/adapters/onnxruntime/onnx-model.ts';
import { UnprocessableError } from '../../../functions/core/errors.ts';
import { tensorsFromV2Inputs } from '../../../functions/core/inference/instances.ts';
import { encodeV2Outputs } from '../../../functions/core/inference/outputs.ts';
import { float16ScalerModel } from '../../support/float16-onnx.ts';
import {
  customOperatorModel,
  externalDataModel,
  futureOpsetModel,
  localFunctionModel,
} from '../../support/unsupported-onnx.ts';

const { onnx } = onnxProto;
const FIXTURES = fileURLToPath(new URL('../../fixtures/onnx/', import.meta.url));

interface Fixture {
  readonly rows: unknown[];
  readonly expected: { readonly predict: (number | string)[]; readonly predict_proba?: number[][] };
}
const fixtureNames = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.onnx'))
  .map((file) => file.replace(/\.onnx$/, ''));
const fixtureBytes = (name: string) => new Uint8Array(readFileSync(`${FIXTURES}${name}.onnx`));
const fixtureCase = (name: string): Fixture => JSON.parse(readFileSync(`${FIXTURES}${name}.json`, 'utf8'));

// ── A small ONNX builder (onnx-proto) ──
const FLOAT = 1;
const INT64 = 7;
const STRING = 8;
const BOOL = 9;
const DOUBLE = 11;
type DimSpec = number | string | null;
const dim = (d: DimSpec) =>
  typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {};
const tensor = (name: string, elemType: number, dims: DimSpec[]): Onnx.IValueInfoProto => ({
  name,
  type: { tensorType: { elemType, shape: { dim: dims.map(dim) } } },
});
const ints = (name: string, values: number[]): Onnx.IAttributeProto => ({ name, type: 7, ints: values });
const int = (name: string, value: number): Onnx.IAttributeProto => ({ name, type: 2, i: value });
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

function buildModel(
  graph: Onnx.IGraphProto,
  opsetImport?: Onnx.IOperatorSetIdProto[],
  metadataProps?: Onnx.IStringStringEntryProto[],
): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'integration-test',
    ...(metadataProps === undefined ? {} : { metadataProps }),
    opsetImport: opsetImport ?? [
      { domain: '', version: 11 },
      { domain: 'ai.onnx.ml', version: 1 },
    ],
    graph: { name: 'test', ...graph },
  }).finish();
}

const models: OnnxModel[] = [];
async function load(bytes: Uint8Array): Promise<OnnxModel> {
  const model = await OnnxModel.create(bytes);
  models.push(model);
  return model;
}
afterAll(async () => {
  await Promise.all(models.map((model) => model.dispose()));
});

describe('OnnxModel.predict on the scikit-learn fixtures', () => {
  for (const name of fixtureNames) {
    it(`reproduces scikit-learn's outputs for ${name}`, async () => {
      // Prepare
      const { rows, expected } = fixtureCase(name);
      const model = await load(fixtureBytes(name));

      // Act
      const result = await model.predict(rows);

      // Assess
      if (expected.predict_proba === undefined) {
        expect(model.serving.kind).toBe('regressor');
        expect(result.predictions).toHaveLength(expected.predict.length);
        result.predictions.forEach((value, i) => {
          const want = expected.predict[i] as number;
          expect(Math.abs((value as number) - want)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(want)));
        });
      } else {
        expect(result.predictions).toEqual(expected.predict);
        expect(result.probabilities).toHaveLength(expected.predict_proba.length);
        result.probabilities?.forEach((row, i) => {
          row.forEach((p, j) => {
            expect(Math.abs(p - (expected.predict_proba?.[i]?.[j] as number))).toBeLessThanOrEqual(1e-5);
          });
        });
      }
    });
  }

  it('exposes the served signature: every output a tensor, ZipMap outputs under their own names', async () => {
    // Prepare
    const model = await load(fixtureBytes('iris_logreg_zipmap'));

    // Act
    const { signature, info, serving } = model;

    // Assess
    expect(signature.outputs).toEqual([
      { name: 'output_label', isTensor: true, type: 'int64', shape: [null] },
      { name: 'output_probability', isTensor: true, type: 'float32', shape: [null, 3] },
    ]);
    expect(info.signature.outputs[1]?.type).toBe('sequence<map<int64,float32>>');
    expect(serving.classLabels).toEqual([0, 1, 2]);
    expect(model.sizeBytes).toBe(fixtureBytes('iris_logreg_zipmap').byteLength);
  });

  it('runs v2 tensors and encodes every served output', async () => {
    // Prepare
    const model = await load(fixtureBytes('iris_logreg_zipmap'));
    const feeds = tensorsFromV2Inputs(
      [{ name: 'X', shape: [1, 4], datatype: 'FP32', data: [6.7, 3.1, 5.6, 2.4] }],
      model.signature.inputs,
    );

    // Act
    const encoded = encodeV2Outputs(await model.runTensors(feeds));

    // Assess
    expect(encoded.map(({ name, shape, datatype }) => ({ name, shape, datatype }))).toEqual([
      { name: 'output_label', shape: [1], datatype: 'INT64' },
      { name: 'output_probability', shape: [1, 3], datatype: 'FP32' },
    ]);
    expect(encoded[0]?.data).toEqual([2]);
  });

  it('refuses a row that does not fit the signature before running, naming row and feature', async () => {
    // Prepare
    const model = await load(fixtureBytes('tenure_mixed_inputs'));

    // Act
    const error = await model
      .predict([
        { tenure_months: 3, contract: 'monthly' },
        { tenure_months: 'x', contract: 'monthly' },
      ])
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(UnprocessableError);
    expect((error as UnprocessableError).details).toEqual({ row: 2, field: 'tenure_months' });
  });
});

describe('OnnxModel.predict on built models', () => {
  it('takes FP16 input and returns FP16 output as numbers, through onnxruntime', async () => {
    // Prepare
    const model = await load(float16ScalerModel());

    // Act
    const result = await model.predict([[0.1, 3]]);
    const overflowing = await model
      .predict([
        [0.1, 3],
        [-65504, 1],
      ])
      .catch((error: unknown) => error);
    const v2 = encodeV2Outputs(
      await model.runTensors(
        tensorsFromV2Inputs(
          [{ name: 'X', shape: [1, 2], datatype: 'FP16', data: [1.5, 4] }],
          model.signature.inputs,
        ),
      ),
    );
    const warmed = await model.warmUp();

    // Assess: 0.1 is 0.0999755859375 in FP16, times 2 exactly; -65504 · 2 overflows FP16 to -Infinity.
    expect(model.signature.inputs[0]).toMatchObject({ type: 'float16' });
    expect(result.predictions[0]).toEqual([0.199951171875, 1.5]);
    expect(v2).toEqual([{ name: 'Y', shape: [1, 2], datatype: 'FP16', data: [3, 2] }]);
    expect(warmed).toBe(true);
    expect(overflowing).toBeInstanceOf(UnprocessableError);
    expect((overflowing as Error).message).toMatch(/^Row 2: the model's output "Y" is -Infinity/);
  });

  it('takes float64 input and returns an [N] output as one number per row', async () => {
    // Prepare
    const model = await load(
      buildModel({
        node: [
          {
            opType: 'ReduceSum',
            input: ['X'],
            output: ['total'],
            attribute: [ints('axes', [1]), int('keepdims', 0)],
          },
        ],
        input: [tensor('X', DOUBLE, ['N', 3])],
        output: [tensor('total', DOUBLE, ['N'])],
      }),
    );

    // Act
    const result = await model.predict([
      [0.1, 0.2, 0.3],
      [1e300, 1e300, -1e300],
    ]);

    // Assess
    expect(model.signature.inputs[0]).toMatchObject({ type: 'float64' });
    expect(result.predictions).toHaveLength(2);
    expect(result.predictions[0]).toBeCloseTo(0.6, 15);
    expect(result.predictions[1]).toBe(1e300);
  });

  it('takes int64 input and returns an [N, 1] output as one number per row (strings beyond 2^53)', async () => {
    // Prepare: onnxruntime's int64 ReduceSum rounds beyond 2^53, so big values go through an Identity.
    const model = await load(
      buildModel({
        node: [
          {
            opType: 'ReduceSum',
            input: ['ids'],
            output: ['total'],
            attribute: [ints('axes', [1]), int('keepdims', 1)],
          },
          { opType: 'Identity', input: ['ids'], output: ['same'] },
        ],
        input: [tensor('ids', INT64, ['N', 2])],
        output: [tensor('total', INT64, ['N', 1]), tensor('same', INT64, ['N', 2])],
      }),
    );

    // Act
    const result = await model.predict([
      [40, 2],
      [-7, 0],
    ]);
    const big = encodeV2Outputs(
      await model.runTensors(
        tensorsFromV2Inputs(
          [{ name: 'ids', shape: [1, 2], datatype: 'INT64', data: ['9007199254740993', -1] }],
          model.signature.inputs,
        ),
        ['same'],
      ),
    );

    // Assess
    expect(model.signature.inputs[0]).toMatchObject({ type: 'int64' });
    expect(result.predictions).toEqual([42, -7]);
    expect(big[0]?.data).toEqual(['9007199254740993', -1]);
  });

  it('serves a string-labelled ZipMap classifier in a model that imports only ai.onnx.ml', async () => {
    // Prepare
    const labels = ['setosa', 'versicolor', 'virginica'];
    const model = await load(
      buildModel(
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
          output: [
            tensor('label', STRING, ['batch']),
            {
              name: 'output_probability',
              type: {
                sequenceType: {
                  elemType: { mapType: { keyType: STRING, valueType: { tensorType: { elemType: FLOAT } } } },
                },
              },
            },
          ],
        },
        [{ domain: 'ai.onnx.ml', version: 1 }],
      ),
    );

    // Act
    const result = await model.predict([
      [3, 0],
      [0, 3],
      [-3, -3],
    ]);

    // Assess: scores are (x0, x1, -x0 - x1) through a softmax.
    const softmax = (scores: number[]) => {
      const exps = scores.map(Math.exp);
      const sum = exps.reduce((a, b) => a + b, 0);
      return exps.map((e) => e / sum);
    };
    expect(result.predictions).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(result.classLabels).toEqual(labels);
    [softmax([3, 0, -3]), softmax([0, 3, -3]), softmax([-3, -3, 6])].forEach((want, i) => {
      want.forEach((p, j) => {
        expect(result.probabilities?.[i]?.[j]).toBeCloseTo(p, 6);
      });
    });
  });

  it('serves a model with no ZipMap and several [N] inputs, from objects or arrays', async () => {
    // Prepare
    const model = await load(
      buildModel({
        node: [{ opType: 'Sub', input: ['a', 'b'], output: ['difference'] }],
        input: [tensor('a', FLOAT, ['N']), tensor('b', FLOAT, ['N'])],
        output: [tensor('difference', FLOAT, ['N'])],
      }),
    );

    // Act
    const fromObjects = await model.predict([
      { a: 5, b: 3 },
      { b: 1, a: 0.5 },
    ]);
    const fromArrays = await model.predict([
      [5, 3],
      [0.5, 1],
    ]);

    // Assess
    expect(model.serving).toMatchObject({ kind: 'other', zipMapsRemoved: [], valueOutput: 'difference' });
    expect(fromObjects.predictions).toEqual([2, -0.5]);
    expect(fromArrays).toEqual(fromObjects);
  });

  const nanTestGraph = {
    node: [
      { opType: 'Identity', input: ['X'], output: ['same'] },
      { opType: 'IsNaN', input: ['X'], output: ['missing'] },
    ],
    input: [tensor('X', FLOAT, ['N', 2])],
    output: [tensor('same', FLOAT, ['N', 2]), tensor('missing', BOOL, ['N', 2])],
  };

  it('passes null through as NaN, for a model that declares it handles missing values (IsNaN)', async () => {
    // Prepare
    const model = await load(
      buildModel(nanTestGraph, [{ domain: '', version: 13 }], [{ key: 'accepts_missing', value: 'X' }]),
    );

    // Act
    const raw = await model.runTensors(
      tensorsFromV2Inputs(
        [{ name: 'X', shape: [1, 2], datatype: 'FP32', data: [null, 4] }],
        model.signature.inputs,
        model.serving.inputsAcceptingMissing,
      ),
      ['missing'],
    );

    // Assess
    expect(model.serving.inputsAcceptingMissing).toEqual(['X']);
    expect(encodeV2Outputs(raw)).toEqual([
      { name: 'missing', shape: [1, 2], datatype: 'BOOL', data: [true, false] },
    ]);
  });

  it('never returns the NaN a row makes the model produce: 422 naming that row', async () => {
    // Prepare
    const model = await load(
      buildModel(nanTestGraph, [{ domain: '', version: 13 }], [{ key: 'accepts_missing', value: '*' }]),
    );

    // Act
    const refusal = model.predict([
      [1, 2],
      [null, 2],
    ]);

    // Assess
    await expect(refusal).rejects.toThrow(UnprocessableError);
    await expect(refusal).rejects.toMatchObject({ details: { row: 2, field: 'instances', output: 'same' } });
  });

  it('refuses null for a model that does not declare it handles missing values', async () => {
    // Prepare
    const model = await load(buildModel(nanTestGraph, [{ domain: '', version: 13 }]));

    // Act
    const refusal = model.predict([[1, null]]);

    // Assess
    expect(model.serving.inputsAcceptingMissing).toEqual([]);
    await expect(refusal).rejects.toMatchObject({ details: { row: 1, field: 'X[1]' } });
  });
});

describe('OnnxModel.create', () => {
  it.each([
    ['an empty file', new Uint8Array(0)],
    ['random bytes', new Uint8Array(Array.from({ length: 512 }, (_, i) => (i * 104729 + 7) % 256))],
    [
      'a corrupted model',
      (() => {
        const bytes = fixtureBytes('breast_cancer_gbdt').slice();
        bytes.fill(0xff, 100, 400);
        return bytes;
      })(),
    ],
    ['a truncated model', fixtureBytes('breast_cancer_gbdt').subarray(0, 5000)],
  ])('refuses %s with UnprocessableError', async (_label, bytes) => {
    // Act
    const error = await OnnxModel.create(bytes).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(UnprocessableError);
    expect((error as Error).message).toMatch(/not a valid ONNX model|cannot load/);
  });

  it.each([
    [
      'weights in external files',
      externalDataModel(),
      /^This model keeps its weights in external files.*save_as_external_data=False/,
    ],
    [
      'a custom operator domain',
      customOperatorModel(),
      /^This model uses custom operators \(com\.acme:Frob\).*re-export the model with standard ONNX operators/,
    ],
    [
      'an opset newer than onnxruntime knows',
      futureOpsetModel(),
      /^This model imports ONNX opset 99, newer than onnxruntime here supports; re-export it with an older opset/,
    ],
  ])('refuses %s saying what to do, never naming a server path', async (_label, bytes, message) => {
    // Act
    const error = await OnnxModel.create(bytes).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(UnprocessableError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toMatch(/\/work|\/tmp|\/var|onnxruntime_src|\.cc/);
  });

  it('serves a custom-domain operator the model defines itself as a function', async () => {
    // Act
    const model = await load(localFunctionModel());
    const outputs = await model.runTensors({
      X: { type: 'float32', data: new Float32Array([1, 2]), dims: [1, 2] },
    });

    // Assess
    expect(Array.from(outputs.Y?.data as Float32Array)).toEqual([2, 4]);
  });

  it('replaces absolute paths in onnxruntime messages', () => {
    expect(trimRuntimeMessage(new Error('External data path does not exist: "/srv/app/weights.bin"'))).toBe(
      'External data path does not exist: <server path>',
    );
  });

  it("refuses a model onnxruntime cannot load with onnxruntime's reason", async () => {
    // Prepare
    const bytes = buildModel({
      node: [{ opType: 'NoSuchOperator', input: ['X'], output: ['Y'] }],
      input: [tensor('X', FLOAT, ['N', 2])],
      output: [tensor('Y', FLOAT, ['N', 2])],
    });

    // Act
    const error = await OnnxModel.create(bytes).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(UnprocessableError);
    expect((error as Error).message).toMatch(
      /^onnxruntime cannot load the model: .*No Op registered for NoSuchOperator/,
    );
  });

  it('runs with the number of intra-op threads asked for', async () => {
    // Prepare
    const model = await OnnxModel.create(fixtureBytes('digits_logreg_tensor'), {
      id: 'digits@1',
      intraOpNumThreads: 2,
    });
    const { rows, expected } = fixtureCase('digits_logreg_tensor');

    // Act
    const result = await model.predict(rows);
    await model.dispose();

    // Assess
    expect(model.id).toBe('digits@1');
    expect(result.predictions).toEqual(expected.predict);
    expect(model.disposed).toBe(true);
    await expect(model.runTensors({})).rejects.toThrow(/disposed/);
  });
});

describe('OnnxModel.warmUp', () => {
  it('runs every fixture once on a row of zeros', async () => {
    // Prepare
    const loaded = await Promise.all(fixtureNames.map((name) => load(fixtureBytes(name))));

    // Act
    const warmed = await Promise.all(loaded.map((model) => model.warmUp()));

    // Assess
    expect(warmed).toEqual(fixtureNames.map(() => true));
  });
});

describe('trimRuntimeMessage', () => {
  it('drops source paths and C++ signatures', () => {
    // Prepare
    const raw =
      '/onnxruntime_src/onnxruntime/core/graph/model_load_utils.h:46 void onnxruntime::model_load_utils::ValidateOpsetForDomain(const std::unordered_map<std::string, int>&, bool) ONNX Runtime only *guarantees* support for models stamped with official released onnx opset versions.\n';

    // Act
    const trimmed = trimRuntimeMessage(new Error(raw));

    // Assess
    expect(trimmed).toBe(
      'ONNX Runtime only *guarantees* support for models stamped with official released onnx opset versions.',
    );
  });
});
