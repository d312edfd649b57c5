/**
 * An uploaded model file before validation: ONNX passes through, an XGBoost file (any of its three
 * formats) becomes the ONNX tree pipeline with one input per feature name; names are checked against
 * the model's num_feature (400 naming the field), unreadable or unsupported models are 422.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UnprocessableError, ValidationError } from '../../../../functions/core/errors.ts';
import { inspectOnnxModel } from '../../../../functions/core/inference/onnx-graph.ts';
import { servableModel } from '../../../../functions/core/registry/uploaded-model.ts';
import { readXgboostModel } from '../../../../functions/core/training/xgboost/model-file.ts';

const directory = fileURLToPath(new URL('../../../fixtures/xgboost/', import.meta.url));
const fixture = (file: string) => new Uint8Array(readFileSync(`${directory}${file}`));
const NAMES = ['age', 'income', 'visits', 'tenure', 'score', 'distance'];

/** The XGBoost JSON fixture with one field of the learner changed. */
function editedJson(file: string, edit: (learner: Record<string, unknown>) => void): Uint8Array {
  const document = JSON.parse(new TextDecoder().decode(fixture(file)));
  edit(document.learner);
  return new TextEncoder().encode(JSON.stringify(document));
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

const inputNames = (onnx: Uint8Array) => inspectOnnxModel(onnx).signature.inputs.map((input) => input.name);

describe('servableModel', () => {
  it('passes an ONNX file through untouched when no format (or onnx) is declared', () => {
    // Prepare
    const bytes = new Uint8Array([8, 7, 18, 3]);

    // Act
    const undeclared = servableModel(bytes, {}, 'm');
    const declared = servableModel(bytes, { format: 'onnx' }, 'm');

    // Assess
    expect(undeclared).toEqual({ onnx: bytes });
    expect(declared.onnx).toBe(bytes);
  });

  it('refuses featureNames for an ONNX file with 400 naming the field', () => {
    // Act
    const error = thrown(() => servableModel(new Uint8Array([8]), { featureNames: ['a'] }, 'm'));

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { field: 'body.featureNames', message: 'only with format "xgboost"' },
    ]);
  });

  it.each([
    ['JSON', 'regression-200.xgb-json', 'json'],
    ['deprecated binary', 'regression-200.bin', 'binary'],
    ['UBJSON', 'regression.ubj', 'ubjson'],
  ])('converts the %s format, told from the bytes, and records what it was', (_what, file, encoding) => {
    // Act
    const { onnx, source } = servableModel(fixture(file), { format: 'xgboost', featureNames: NAMES }, 'm');

    // Assess
    expect(source).toMatchObject({
      format: 'xgboost',
      encoding,
      objective: 'reg:squarederror',
      featureNames: NAMES,
    });
    expect(inputNames(onnx)).toEqual(NAMES);
  });

  it("names the inputs by the file's feature_names when the request gives none (JSON keeps them)", () => {
    // Act
    const { onnx, source } = servableModel(fixture('regression-200.xgb-json'), { format: 'xgboost' }, 'm');

    // Assess
    expect(readXgboostModel(fixture('regression-200.xgb-json')).featureNames).toEqual(NAMES);
    expect(source?.featureNames).toEqual(NAMES);
    expect(source?.rounds).toBe(400);
    expect(inputNames(onnx)).toEqual(NAMES);
  });

  it("falls back to XGBoost's f0 … f5 for a file without names (the binary format keeps none)", () => {
    // Act
    const { source } = servableModel(fixture('regression-200.bin'), { format: 'xgboost' }, 'm');

    // Assess
    expect(readXgboostModel(fixture('regression-200.bin')).featureNames).toBeUndefined();
    expect(source?.featureNames).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5']);
  });

  it("lets the request's names win over the file's", () => {
    // Act
    const renamed = NAMES.map((name) => `${name}_2026`);
    const { onnx } = servableModel(
      fixture('regression-200.xgb-json'),
      { format: 'xgboost', featureNames: renamed },
      'm',
    );

    // Assess
    expect(inputNames(onnx)).toEqual(renamed);
  });

  it.each([
    ['too few', NAMES.slice(0, 5), 'body', /6 features \(num_feature\); featureNames lists 5/],
    ['too many', [...NAMES, 'extra'], 'query', /6 features \(num_feature\); featureNames lists 7/],
    ['a name twice', [...NAMES.slice(0, 5), 'age'], 'body', /"age" twice/],
  ] as const)('answers %s with 400 naming the field where it was given', (_what, names, where, detail) => {
    // Act
    const error = thrown(() =>
      servableModel(
        fixture('regression-200.bin'),
        { format: 'xgboost', featureNames: names, declaredIn: where },
        'm',
      ),
    );

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(detail);
    expect((error as ValidationError).details.field).toBe(`${where}.featureNames`);
  });

  it.each([
    [
      'an unsupported objective',
      editedJson('regression.xgb-json', (learner) => {
        (learner.objective as Record<string, unknown>).name = 'reg:tweedie';
      }),
      /objective reg:tweedie is not supported; supported: reg:squarederror, reg:linear, binary:logistic, multi:softprob, multi:softmax/,
    ],
    ['a linear booster', fixture('gblinear.xgb-json'), /gblinear booster; only gbtree/],
    [
      'feature_names that are not names',
      editedJson('regression.xgb-json', (learner) => {
        learner.feature_names = [1, 2, 3, 4, 5, 6];
      }),
      /learner.feature_names is not a list of names/,
    ],
    [
      'an ONNX file declared as XGBoost',
      new Uint8Array([8, 7, 18, 3, 0x70, 0x79]),
      /Not a valid XGBoost binary model/,
    ],
    ['a JSON file that is no model', new TextEncoder().encode('{"hello": "world"}'), /learner is missing/],
    ['an empty file', new Uint8Array(), /empty/],
  ])('answers %s with 422 and a detail saying why', (_what, bytes, detail) => {
    // Act
    const error = thrown(() => servableModel(bytes, { format: 'xgboost' }, 'm'));

    // Assess
    expect(error).toBeInstanceOf(UnprocessableError);
    expect((error as Error).message).toMatch(detail);
  });
});
