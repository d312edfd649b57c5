import { describe, expect, it } from 'vitest';
import { UnprocessableError } from '../../../../functions/core/errors.ts';
import { inspectOnnxModel, prepareForServing } from '../../../../functions/core/inference/onnx-graph.ts';
import { unsupportedFeature } from '../../../../functions/core/inference/onnx-support.ts';
import {
  customOperatorModel,
  externalDataModel,
  futureOpsetModel,
  localFunctionModel,
} from '../../../support/unsupported-onnx.ts';

describe('unsupportedFeature', () => {
  it('names the initializers kept in external files and says how to re-export', () => {
    // Act
    const found = unsupportedFeature(inspectOnnxModel(externalDataModel()));

    // Assess
    expect(found?.message).toMatch(/^This model keeps its weights in external files \(initializer "W"\)/);
    expect(found?.message).toContain('onnx.save_model(model, path, save_as_external_data=False)');
    expect(found?.details).toEqual({ feature: 'external-data', tensors: ['W'] });
  });

  it('names operators of a custom domain', () => {
    // Act
    const found = unsupportedFeature(inspectOnnxModel(customOperatorModel()));

    // Assess
    expect(found?.message).toMatch(/custom operators \(com\.acme:Frob\) from the domain "com\.acme"/);
    expect(found?.details).toEqual({ feature: 'custom-operators', operators: ['com.acme:Frob'] });
  });

  it('accepts a custom domain whose operator the model defines itself as a function', () => {
    expect(unsupportedFeature(inspectOnnxModel(localFunctionModel()))).toBeUndefined();
  });

  it('leaves an unknown opset to onnxruntime (it knows which it supports)', () => {
    expect(unsupportedFeature(inspectOnnxModel(futureOpsetModel()))).toBeUndefined();
  });

  it('makes prepareForServing refuse the model with that message', () => {
    // Act
    const error = (() => {
      try {
        prepareForServing(externalDataModel());
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();

    // Assess
    expect(error).toBeInstanceOf(UnprocessableError);
    expect((error as Error).message).toMatch(/external files/);
  });
});
