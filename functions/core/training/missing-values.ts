/**
 * Missing numeric values, kept or imputed by model family. The feature set stores numeric columns
 * with NaN where the value was missing (the pipeline's transform with every numeric `fill` NaN);
 * tree models learn from that matrix as it is, each split learning where a missing value goes
 * (`trainers/gradient-boosting/binning.ts` gives missing values their own bin), and their exported
 * graph leaves missing values to the trees (`fill: NaN`, see onnx-export/export-pipeline.ts).
 * Linear models need numbers: `imputeMissing` puts the fitted median back, exactly as the pipeline's
 * transform with the median fill would (`(fill − mean) / scale`, in the same double arithmetic).
 */
import type { FeaturePipeline, FittedModel, TrainingMatrix } from './model-contracts.ts';

/**
 * The pipeline with every numeric feature's fill NaN: missing values stay missing.
 *
 * @example
 * transformRows(keepingMissing(pipeline), [{ age: null }]); // [NaN]
 */
export function keepingMissing(pipeline: FeaturePipeline): FeaturePipeline {
  return {
    ...pipeline,
    features: pipeline.features.map((feature) =>
      feature.kind === 'numeric' ? { ...feature, fill: Number.NaN } : feature,
    ),
  };
}

/** The pipeline a fitted model is exported and parity-checked with: trees keep missing values. */
export function pipelineFor(model: Pick<FittedModel, 'kind'>, pipeline: FeaturePipeline): FeaturePipeline {
  return model.kind === 'trees' ? keepingMissing(pipeline) : pipeline;
}

/** Whether a trainer learns from missing values itself (the tree ensembles) or needs them imputed. */
export function learnsMissing(algorithm: string): boolean {
  return algorithm === 'gradient-boosting';
}

/**
 * A copy of a matrix made by {@link keepingMissing} with each NaN of a numeric column replaced by
 * that column's scaled median, `(fill − mean) / scale`: the matrix `pipeline` itself makes.
 *
 * @example
 * const forLinear = imputeMissing(featureSet.train, pipeline);
 */
export function imputeMissing(matrix: TrainingMatrix, pipeline: FeaturePipeline): TrainingMatrix {
  if (matrix.cols !== pipeline.width) {
    throw new RangeError(`The matrix has ${matrix.cols} columns, the pipeline ${pipeline.width}.`);
  }
  const replacement: { column: number; value: number }[] = [];
  let column = 0;
  for (const feature of pipeline.features) {
    if (feature.kind === 'numeric') {
      replacement.push({ column, value: (feature.fill - feature.mean) / feature.scale });
      column += 1;
    } else column += feature.categories.length + 1;
  }
  const x = Float64Array.from(matrix.x);
  for (let row = 0; row < matrix.rows; row += 1) {
    const offset = row * matrix.cols;
    for (const { column: c, value } of replacement) {
      if (Number.isNaN(x[offset + c] as number)) x[offset + c] = value;
    }
  }
  return { ...matrix, x };
}
