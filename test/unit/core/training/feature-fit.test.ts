import { describe, expect, it } from 'vitest';
import {
  categoricalValue,
  fitFeaturePipeline,
  isMissingValue,
  numericValue,
  transformRow,
} from '../../../../functions/core/training/feature-transform.ts';

describe('the missing-value rule', () => {
  it('is null, undefined, NaN or the empty string, with no trimming', () => {
    expect([null, undefined, Number.NaN, ''].map(isMissingValue)).toEqual([true, true, true, true]);
    expect([' ', 'NA', 0, 'a'].map(isMissingValue)).toEqual([false, false, false, false]);
    expect(categoricalValue(' ')).toBe(' ');
    // A numeric column reads text that is not a number as missing.
    expect(numericValue(' ')).toBeNaN();
    expect(numericValue(' 2.5 ')).toBe(2.5);
  });

  it('is the same when fitting a categorical column as when transforming it', () => {
    const values = ['a', ' ', ' ', ' ', '', null, 'a'];
    const pipeline = fitFeaturePipeline(
      [{ name: 'c', kind: 'categorical', values }],
      values.map((_, i) => i),
      10,
    );

    // A blank is a category (the most frequent), as the transform and the ONNX graph see it.
    expect(pipeline.features[0]).toEqual({
      kind: 'categorical',
      column: 'c',
      fill: ' ',
      categories: [' ', 'a'],
    });
    expect(Array.from(transformRow(pipeline, { c: ' ' }))).toEqual([1, 0, 0]);
    expect(Array.from(transformRow(pipeline, { c: '' }))).toEqual([1, 0, 0]);
    expect(Array.from(transformRow(pipeline, { c: 'z' }))).toEqual([0, 0, 1]);
  });

  it('imputes a numeric column with the median of its numbers, on the given rows only', () => {
    const values = ['1', 'NA', ' ', '3', '100'];
    const pipeline = fitFeaturePipeline([{ name: 'n', kind: 'numeric', values }], [0, 1, 2, 3], 10);
    const feature = pipeline.features[0];
    expect(feature).toMatchObject({ kind: 'numeric', fill: 2, mean: 2 });
    expect(pipeline.width).toBe(1);
  });
});
