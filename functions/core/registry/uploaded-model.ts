/**
 * What an uploaded model file becomes before the usual ONNX validation. An ONNX file is served as
 * it is. An XGBoost model file (JSON, UBJSON or the deprecated binary format, told apart from the
 * bytes as XGBoost's own loader does) is converted to the platform's ONNX tree pipeline: one float64
 * input per feature, named by the feature names (missing values, null or NaN, take each branch's
 * learned direction), the trees compared and summed in float32 as XGBoost does, and XGBoost's outputs
 * (regression values; classifiers' labels 0 … K − 1 and probabilities).
 *
 * The format is declared (`onnx`, the default, or `xgboost`), not guessed: XGBoost's binary format
 * has no magic number (XGBoost 1.x writes it starting with the float32 base score), so an ONNX file
 * and a binary XGBoost file cannot be told apart reliably, and a declared format lets a broken file
 * get the parse error of the format it was meant to be.
 */
import { UnprocessableError, ValidationError } from '../errors.ts';
import type { FeaturePipeline } from '../training/model-contracts.ts';
import { exportPipelineToOnnx, OnnxExportError } from '../training/onnx-export/export-pipeline.ts';
import { xgboostToTreeEnsemble } from '../training/xgboost/convert.ts';
import { readXgboostModel, type XgboostModel } from '../training/xgboost/model-file.ts';
import type { SourceFileRecord } from './model-records.ts';

export const MODEL_FILE_FORMATS = ['onnx', 'xgboost'] as const;
export type ModelFileFormat = (typeof MODEL_FILE_FORMATS)[number];

/** What the request says about the file. */
export interface ModelFileDeclaration {
  /** Default `onnx`. */
  readonly format?: ModelFileFormat;
  /** XGBoost only: one name per model feature, in the model's column order. */
  readonly featureNames?: readonly string[];
  /** Where the request carried them (`body` or `query`), so that a 400 names the field. */
  readonly declaredIn?: 'body' | 'query';
}

/** What the conversion knows of the file; registration adds where it is stored and its digest. */
export type SourceModelFile = Omit<SourceFileRecord, 'key' | 'sizeBytes' | 'sha256'>;

export interface ServableModel {
  /** The ONNX bytes to validate, store and serve. */
  readonly onnx: Uint8Array;
  /** Set when the upload was converted: what it was. */
  readonly source?: SourceModelFile;
}

/**
 * @throws ValidationError (400) when featureNames do not fit the model or are given for ONNX;
 * UnprocessableError (422) when the XGBoost file cannot be read or converted (unsupported objective,
 * booster, categorical splits …).
 * @example
 * const { onnx, source } = servableModel(bytes, { format: 'xgboost', featureNames: ['age', 'income'] }, 'churn');
 */
export function servableModel(
  bytes: Uint8Array,
  declaration: ModelFileDeclaration,
  modelName: string,
): ServableModel {
  const field = `${declaration.declaredIn ?? 'body'}.featureNames`;
  if ((declaration.format ?? 'onnx') === 'onnx') {
    if (declaration.featureNames !== undefined) {
      throw new ValidationError(
        'featureNames apply to XGBoost files (format "xgboost"); an ONNX model names its inputs in its graph.',
        [{ field, message: 'only with format "xgboost"' }],
      );
    }
    return { onnx: bytes };
  }
  const model = readXgboostModel(bytes);
  const ensemble = xgboostToTreeEnsemble(model);
  const featureNames = featureNamesFor(model, declaration.featureNames, field);
  const pipeline: FeaturePipeline = {
    // Passed through as they are (x − 0) / 1, and a missing value stays missing for the trees.
    features: featureNames.map((column) => ({
      kind: 'numeric',
      column,
      fill: Number.NaN,
      mean: 0,
      scale: 1,
    })),
    width: featureNames.length,
  };
  let onnx: Uint8Array;
  try {
    onnx = exportPipelineToOnnx(pipeline, ensemble, { modelName });
  } catch (error) {
    if (error instanceof OnnxExportError) {
      throw new UnprocessableError(`The XGBoost model cannot be exported to ONNX: ${error.message}`, {
        field: 'model',
      });
    }
    throw error;
  }
  return {
    onnx,
    source: {
      format: 'xgboost',
      encoding: model.format,
      objective: model.objective,
      rounds: ensemble.hyperParameters.rounds ?? 0,
      featureNames,
    },
  };
}

/**
 * The request's names (they win over the file's), else those the file was trained with, else
 * XGBoost's own defaults f0 … f(n − 1) (what XGBoost calls unnamed features, in importance plots too).
 */
function featureNamesFor(
  model: XgboostModel,
  declared: readonly string[] | undefined,
  field: string,
): readonly string[] {
  const count = model.numFeature;
  if (declared === undefined) {
    if (model.featureNames === undefined) return Array.from({ length: count }, (_, i) => `f${i}`);
    if (model.featureNames.length !== count) {
      throw new UnprocessableError(
        `The XGBoost model has ${count} features but names ${model.featureNames.length}; give featureNames.`,
        { field: 'model' },
      );
    }
    return model.featureNames;
  }
  if (declared.length !== count) {
    throw new ValidationError(
      `The XGBoost model has ${count} features (num_feature); featureNames lists ${declared.length}.`,
      [{ field, message: `${count} names expected, got ${declared.length}` }],
    );
  }
  const seen = new Set<string>();
  for (const name of declared) {
    if (seen.has(name)) {
      throw new ValidationError(`featureNames lists "${name}" twice.`, [
        { field, message: 'duplicate name' },
      ]);
    }
    seen.add(name);
  }
  return declared;
}
