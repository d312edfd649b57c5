/**
 * The XGBoost converter on real model files made by XGBoost 1.7 itself (scripts/make_xgboost_fixtures.py),
 * in its three formats, against XGBoost's own predictions for the same rows: margins and probabilities
 * within 1e-5, rows with missing values and rows exactly on split thresholds included.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UnprocessableError } from '../../../../functions/core/errors.ts';
import type { TreeEnsembleModel } from '../../../../functions/core/training/model-contracts.ts';
import {
  predictTreeEnsemble,
  predictTrees,
} from '../../../../functions/core/training/trainers/tree-predict.ts';
import {
  convertXgboostModel,
  SUPPORTED_OBJECTIVES,
  xgboostToTreeEnsemble,
} from '../../../../functions/core/training/xgboost/convert.ts';
import { fileFromModelArchive } from '../../../../functions/core/training/xgboost/model-archive.ts';
import { detectFormat, readXgboostModel } from '../../../../functions/core/training/xgboost/model-file.ts';

const directory = fileURLToPath(new URL('../../../fixtures/xgboost/', import.meta.url));
const fixture = (file: string) => new Uint8Array(readFileSync(`${directory}${file}`));

type Table = number[] | number[][];
interface Outputs {
  readonly margin: Table;
  readonly probabilities?: Table;
  readonly values?: number[];
  readonly labels?: number[];
}
interface Expected {
  readonly objective: string;
  readonly outputs: number;
  readonly rounds: number;
  readonly rows: (number | null)[][];
  readonly all: Outputs;
  readonly best?: Outputs;
  readonly bestIteration?: number;
}

const expectedOf = (name: string) =>
  JSON.parse(readFileSync(`${directory}${name}.expected.json`, 'utf8')) as Expected;

const MODELS = ['binary-logistic', 'multiclass-softprob', 'multiclass-softmax-forest', 'regression'] as const;
const FORMATS = [
  ['JSON', 'xgb-json'],
  ['UBJSON', 'ubj'],
  ['deprecated binary', 'bin'],
] as const;
const TOLERANCE = 1e-5;

/** The fixture rows as the model's input matrix, missing values as NaN. */
function matrixOf(expected: Expected): { x: Float64Array; rows: number } {
  const rows = expected.rows.length;
  const width = expected.rows[0]?.length ?? 0;
  const x = new Float64Array(rows * width);
  expected.rows.forEach((row, r) => {
    row.forEach((value, c) => {
      x[r * width + c] = value ?? Number.NaN;
    });
  });
  return { x, rows };
}

/** Largest |a − b| over a flat array and a table of one (1-D) or K (2-D) columns. */
function largestGap(actual: ArrayLike<number>, table: Table): number {
  const flat = (table as (number | number[])[]).flat();
  expect(actual.length).toBe(flat.length);
  let worst = 0;
  flat.forEach((value, i) => {
    worst = Math.max(worst, Math.abs((actual[i] as number) - value));
  });
  return worst;
}

/** Largest |a − b| / |b| (|a − b| where b is 0). */
function largestRelativeGap(actual: ArrayLike<number>, expected: readonly number[]): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  expected.forEach((value, i) => {
    const gap = Math.abs((actual[i] as number) - value);
    worst = Math.max(worst, value === 0 ? gap : gap / Math.abs(value));
  });
  return worst;
}

/** Checks margins, and probabilities (classifiers) or values (regression), against XGBoost's. */
function expectLikeXgboost(model: TreeEnsembleModel, expected: Expected, outputs: Outputs): void {
  const { x, rows } = matrixOf(expected);
  expect(largestGap(predictTrees(model, x, rows), outputs.margin)).toBeLessThan(TOLERANCE);
  const prediction = predictTreeEnsemble(model, x, rows);
  if (prediction.task === 'regression') {
    expect(largestGap(prediction.values, outputs.values ?? [])).toBeLessThan(TOLERANCE);
    return;
  }
  const probabilities =
    model.outputs === 1
      ? prediction.probabilities.filter((_, i) => i % 2 === 1) // P(class 1), as XGBoost reports it
      : prediction.probabilities;
  expect(largestGap(probabilities, outputs.probabilities ?? [])).toBeLessThan(TOLERANCE);
  if (outputs.labels) expect(Array.from(prediction.labels)).toEqual(outputs.labels);
}

describe('convertXgboostModel', () => {
  describe.each(MODELS)('%s', (name) => {
    const expected = expectedOf(name);

    it.each(FORMATS)("reproduces XGBoost's margins and probabilities from the %s file", (_format, suffix) => {
      // Act
      const model = convertXgboostModel(fixture(`${name}.${suffix}`), { iterations: 'all' });

      // Assess
      expect(model).toMatchObject({ kind: 'trees', algorithm: 'xgboost', comparison: 'lt', width: 6 });
      expect(model.trees).toHaveLength(
        expected.rounds * expected.outputs * (name.endsWith('forest') ? 2 : 1),
      );
      expectLikeXgboost(model, expected, expected.all);
    });

    it('reads the same model from the JSON, UBJSON and deprecated binary files', () => {
      // Act
      const [json, ubjson, binary] = FORMATS.map(([, suffix]) =>
        convertXgboostModel(fixture(`${name}.${suffix}`)),
      );

      // Assess
      expect(ubjson).toEqual(json);
      expect(binary).toEqual(json);
    });

    it('covers missing values and rows exactly on a split threshold, where < and <= disagree', () => {
      // Prepare
      const model = convertXgboostModel(fixture(`${name}.xgb-json`), { iterations: 'all' });
      const { x, rows } = matrixOf(expected);

      // Act
      const asLeq = predictTrees({ ...model, comparison: 'leq' }, x, rows);

      // Assess
      expect(expected.rows.some((row) => row.includes(null))).toBe(true);
      expect(largestGap(asLeq, expected.all.margin)).toBeGreaterThan(1e-3);
    });
  });

  describe('sums leaf values in float32, one tree at a time, as XGBoost does', () => {
    // 400 rounds with outputs around 200, where float32 steps are 1.5e-5.
    const expected = expectedOf('regression-200');
    const { x, rows } = matrixOf(expected);
    const want = expected.all.values ?? [];

    it.each([
      ['JSON', 'xgb-json'],
      ['deprecated binary', 'bin'],
    ])("reproduces XGBoost's values within relative 1e-6 from the %s file", (_format, suffix) => {
      // Act
      const model = convertXgboostModel(fixture(`regression-200.${suffix}`));
      const values = predictTrees(model, x, rows);

      // Assess
      expect(model.sumPrecision).toBe('float32');
      expect(largestRelativeGap(values, want)).toBeLessThanOrEqual(1e-6);
      expect(Array.from(values)).toEqual(want); // in fact bit for bit: the same additions in the same order
    });

    it('misses them by more than that with one float64 sum, the way it summed before', () => {
      // Prepare
      const model = convertXgboostModel(fixture('regression-200.xgb-json'));

      // Act
      const values = predictTrees({ ...model, sumPrecision: 'float64' }, x, rows);

      // Assess
      expect(largestRelativeGap(values, want)).toBeGreaterThan(1e-6);
    });

    it.each(['binary-logistic', 'multiclass-softprob', 'regression'] as const)(
      "gives %s XGBoost's margins within relative 1e-6",
      (name) => {
        // Prepare
        const other = expectedOf(name);
        const matrix = matrixOf(other);

        // Act
        const margins = predictTrees(
          convertXgboostModel(fixture(`${name}.ubj`), { iterations: 'all' }),
          matrix.x,
          matrix.rows,
        );

        // Assess
        expect(
          largestRelativeGap(margins, (other.all.margin as (number | number[])[]).flat()),
        ).toBeLessThanOrEqual(1e-6);
      },
    );
  });

  it('turns base_score into the margin per objective: logit for binary:logistic, as stored otherwise', () => {
    // Act
    const binary = convertXgboostModel(fixture('binary-logistic.ubj'));
    const regression = convertXgboostModel(fixture('regression.ubj'));
    const multiclass = convertXgboostModel(fixture('multiclass-softprob.ubj'));

    // Assess
    const p = Math.fround(0.3);
    expect(binary.baseScores[0]).toBeCloseTo(Math.log(p / (1 - p)), 6);
    expect(binary.baseScores[0]).toBe(Math.fround(binary.baseScores[0] as number)); // float32, as XGBoost keeps it
    expect(Array.from(regression.baseScores)).toEqual([0.5]);
    expect(Array.from(multiclass.baseScores)).toEqual([0.5, 0.5, 0.5]);
    expect(binary.hyperParameters.baseScore).toBe(p);
  });

  it('keeps the rounds up to the best iteration early stopping saved, as XGBoost predicts with it', () => {
    // Prepare
    const expected = expectedOf('binary-logistic');

    // Act
    const best = convertXgboostModel(fixture('binary-logistic.bin'));

    // Assess
    expect(expected.bestIteration).toBeLessThan(expected.rounds - 1);
    expect(best.trees).toHaveLength((expected.bestIteration ?? 0) + 1);
    expect(best.hyperParameters).toMatchObject({
      rounds: (expected.bestIteration ?? 0) + 1,
      trainedRounds: expected.rounds,
      bestIteration: expected.bestIteration,
    });
    expectLikeXgboost(best, expected, expected.best as Outputs);
  });

  it('orders several trees per class and round (num_parallel_tree) round-major by output', () => {
    // Act
    const model = convertXgboostModel(fixture('multiclass-softmax-forest.ubj'));
    const source = readXgboostModel(fixture('multiclass-softmax-forest.ubj'));

    // Assess
    expect(source.numParallelTree).toBe(2);
    expect(model.hyperParameters).toMatchObject({ numParallelTree: 2, rounds: 4 });
    expect(model.trees).toHaveLength(4 * 3 * 2);
  });

  it('sets the width and the class labels it is given', () => {
    // Act
    const model = convertXgboostModel(fixture('multiclass-softprob.xgb-json'), {
      width: 9,
      classes: ['setosa', 'versicolor', 'virginica'],
    });

    // Assess
    expect(model.width).toBe(9);
    expect(model.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(model.task).toBe('classification');
  });

  it('reads the xgboost-model file of a SageMaker model.tar.gz', () => {
    // Act
    const model = convertXgboostModel(
      fileFromModelArchive(fixture('sagemaker-model.tar.gz'), 'xgboost-model'),
    );

    // Assess
    expect(model).toEqual(convertXgboostModel(fixture('binary-logistic.bin')));
  });

  it('lists the objectives it supports', () => {
    // Assess
    expect(Object.keys(SUPPORTED_OBJECTIVES).sort()).toEqual([
      'binary:logistic',
      'multi:softmax',
      'multi:softprob',
      'reg:linear',
      'reg:squarederror',
    ]);
  });
});

describe('detectFormat', () => {
  it('tells JSON, UBJSON and the deprecated binary format apart by their first bytes', () => {
    // Assess
    expect(detectFormat(fixture('regression.xgb-json'))).toBe('json');
    expect(detectFormat(fixture('regression.ubj'))).toBe('ubjson');
    expect(detectFormat(fixture('regression.bin'))).toBe('binary');
    expect(detectFormat(new TextEncoder().encode(' \n'))).toBe('binary');
  });
});

describe('convertXgboostModel refusals', () => {
  /** The JSON fixture, changed by `change`, as bytes. */
  function changedJson(name: string, change: (document: any) => void): Uint8Array {
    const document = JSON.parse(new TextDecoder().decode(fixture(`${name}.xgb-json`)));
    change(document);
    return new TextEncoder().encode(JSON.stringify(document));
  }
  const firstTree = (document: any) => document.learner.gradient_booster.model.trees[0];

  it.each([
    ['a gblinear booster', () => fixture('gblinear.xgb-json'), /gblinear booster; only gbtree/],
    [
      'an unsupported objective',
      () =>
        changedJson('regression', (d) => {
          d.learner.objective.name = 'count:poisson';
        }),
      /objective count:poisson is not supported; supported: reg:squarederror, reg:linear, binary:logistic/,
    ],
    [
      'a dart booster',
      () =>
        changedJson('regression', (d) => {
          d.learner.gradient_booster.name = 'dart';
        }),
      /dart booster.*dropout weights/,
    ],
    [
      'a categorical split',
      () =>
        changedJson('regression', (d) => {
          firstTree(d).split_type[0] = 1;
        }),
      /categorical split \(node 0\)/,
    ],
    [
      'a node reached twice',
      () =>
        changedJson('regression', (d) => {
          firstTree(d).right_children[0] = firstTree(d).left_children[0];
        }),
      /is not a tree/,
    ],
    [
      'a child out of range',
      () =>
        changedJson('regression', (d) => {
          firstTree(d).left_children[0] = 10_000;
        }),
      /children out of range/,
    ],
    [
      'node arrays of different lengths',
      () =>
        changedJson('regression', (d) => {
          firstTree(d).split_indices.pop();
        }),
      /node arrays of different lengths/,
    ],
    ['a pickled booster', () => Uint8Array.from([0x80, 0x04, 0x95, 0x00]), /pickled Python object/],
    ['an empty file', () => new Uint8Array(), /the file is empty/],
    [
      'a truncated binary model',
      () => fixture('regression.bin').slice(0, -50),
      /binary model: the file ends early/,
    ],
    [
      'a binary model with an implausible tree count',
      () => fixture('regression.bin').slice(0, 2000),
      /binary model: 20 trees cannot fit in the file/,
    ],
    ['a truncated UBJSON model', () => fixture('regression.ubj').slice(0, 2000), /UBJSON model file/],
    ['broken JSON', () => fixture('regression.xgb-json').slice(0, 2000), /Not a valid XGBoost JSON model/],
  ])('refuses %s with an UnprocessableError', (_case, bytes, message) => {
    // Act
    const converting = () => convertXgboostModel(bytes());

    // Assess
    expect(converting).toThrow(UnprocessableError);
    expect(converting).toThrow(message);
  });

  it('refuses a feature set narrower than the model, and the wrong number of classes', () => {
    // Prepare
    const model = readXgboostModel(fixture('multiclass-softprob.ubj'));

    // Assess
    expect(() => xgboostToTreeEnsemble(model, { width: 5 })).toThrow(
      'The model was trained on 6 columns; the feature set has 5.',
    );
    expect(() => xgboostToTreeEnsemble(model, { classes: ['a', 'b'] })).toThrow(
      'The model predicts 3 classes; the feature set has 2.',
    );
    expect(() => xgboostToTreeEnsemble({ ...model, numTarget: 2 })).toThrow(/2 targets/);
  });
});
