/**
 * Columns a model was trained beside but does not read (preprocessing dropped them): the export
 * lists them, the serving plan reads the list, and a request row may carry them; an unknown column
 * is still refused.
 */
import { describe, expect, it } from 'vitest';
import { UnprocessableError } from '../../../../functions/core/errors.ts';
import { feedsFromInstances } from '../../../../functions/core/inference/instances.ts';
import { prepareForServing, type TensorInfo } from '../../../../functions/core/inference/onnx-graph.ts';
import type { FeaturePipeline, LinearModel } from '../../../../functions/core/training/model-contracts.ts';
import {
  exportPipelineToOnnx,
  OnnxExportError,
} from '../../../../functions/core/training/onnx-export/export-pipeline.ts';

const pipeline: FeaturePipeline = {
  features: [
    { kind: 'numeric', column: 'tenure', fill: 12, mean: 20, scale: 8 },
    { kind: 'categorical', column: 'contract', fill: 'monthly', categories: ['monthly', 'yearly'] },
  ],
  width: 4,
};

const model: LinearModel = {
  kind: 'linear',
  algorithm: 'linear-regression',
  task: 'regression',
  weights: Float64Array.of(0.5, -1, 1, 0.25),
  intercepts: Float64Array.of(0.1),
  outputs: 1,
  width: 4,
  hyperParameters: {},
};

const inputs: TensorInfo[] = [
  { name: 'tenure', isTensor: true, type: 'float64', shape: ['N', 1] },
  { name: 'contract', isTensor: true, type: 'string', shape: ['N', 1] },
];

describe('ignored inputs', () => {
  it('are listed by the export and read into the serving plan, not made graph inputs', () => {
    const bytes = exportPipelineToOnnx(pipeline, model, { ignoredInputs: ['customer_id', 'country'] });
    const { serving, info } = prepareForServing(bytes);
    expect(serving.ignoredInputs).toEqual(['customer_id', 'country']);
    expect(info.signature.inputs.map((i) => i.name)).toEqual(['tenure', 'contract']);
    expect(prepareForServing(exportPipelineToOnnx(pipeline, model)).serving.ignoredInputs).toEqual([]);
  });

  it('cannot name a column the model reads', () => {
    expect(() => exportPipelineToOnnx(pipeline, model, { ignoredInputs: ['tenure'] })).toThrow(
      OnnxExportError,
    );
  });

  it('may be in a request row and are discarded; a column the model never saw is refused', () => {
    const row = { tenure: 3, contract: 'yearly', customer_id: 'c-17', country: 44 };
    const feeds = feedsFromInstances([row], inputs, ['customer_id', 'country']);
    expect(Object.keys(feeds)).toEqual(['tenure', 'contract']);
    expect(Array.from(feeds.tenure?.data as Float64Array)).toEqual([3]);

    expect(() => feedsFromInstances([row], inputs)).toThrow(UnprocessableError);
    expect(() => feedsFromInstances([{ ...row, colour: 'red' }], inputs, ['customer_id', 'country'])).toThrow(
      /unknown feature "colour"/,
    );
    // Still a missing feature when a read column is absent, whatever the ignored ones hold.
    expect(() =>
      feedsFromInstances([{ contract: 'yearly', customer_id: 'c' }], inputs, ['customer_id']),
    ).toThrow(/missing feature "tenure"/);
  });

  it('are discarded for a one-input model too', () => {
    const one: TensorInfo[] = [{ name: 'x', isTensor: true, type: 'float32', shape: [null, 1] }];
    expect(Object.keys(feedsFromInstances([{ x: 1, id: 'a' }], one, ['id']))).toEqual(['x']);
    expect(() => feedsFromInstances([{ x: 1, id: 'a' }], one)).toThrow(/unknown feature "id"/);
  });
});
