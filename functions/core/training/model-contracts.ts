/**
 * The shapes the training pipeline's parts agree on: the fitted feature pipeline (imputation,
 * scaling, one-hot), the numeric matrix trainers learn from, and the fitted models the ONNX exporter
 * turns into one graph. Linear models now; gradient-boosted trees join the `FittedModel` union later.
 */

export interface NumericFeature {
  readonly kind: 'numeric';
  readonly column: string;
  /** Median of the training rows; replaces a missing value. */
  readonly fill: number;
  readonly mean: number;
  /** Standard deviation of the training rows; 1 when it is 0, so constant columns pass through. */
  readonly scale: number;
}

export interface CategoricalFeature {
  readonly kind: 'categorical';
  readonly column: string;
  /** Most frequent training value; replaces a missing value. */
  readonly fill: string;
  /**
   * The categories kept (most frequent first, capped). Each gets one output column, and one more
   * column, last, marks every other value ("unknown": unseen or beyond the cap).
   */
  readonly categories: readonly string[];
}

export type Feature = NumericFeature | CategoricalFeature;

export interface FeaturePipeline {
  /** In output order: a numeric feature is 1 column, a categorical one `categories.length + 1`. */
  readonly features: readonly Feature[];
  /** Total number of output columns. */
  readonly width: number;
}

/** Row-major training data after the feature pipeline. */
export interface TrainingMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly x: Float64Array;
  /** Regression: the target value. Classification: the class index into `classes`. */
  readonly y: Float64Array;
  /** Classification only: the class labels, index i ↔ class i. */
  readonly classes?: readonly (string | number)[];
}

/**
 * A fitted linear model over the pipeline's output columns.
 * - regression: 1 output, value = w·x + b;
 * - binary classification: 1 output, P(class 1) = sigmoid(w·x + b);
 * - multiclass: K outputs, P = softmax(W x + b).
 */
export interface LinearModel {
  readonly kind: 'linear';
  readonly algorithm: 'linear-regression' | 'ridge' | 'logistic-regression';
  readonly task: 'regression' | 'classification';
  /** Row-major [outputs × width]. */
  readonly weights: Float64Array;
  /** [outputs]. */
  readonly intercepts: Float64Array;
  readonly outputs: number;
  readonly width: number;
  /** Classification only. */
  readonly classes?: readonly (string | number)[];
  readonly hyperParameters: Readonly<Record<string, number>>;
}

/**
 * One regression tree in flat arrays (node i's fields at index i; node 0 is the root). A branch
 * sends a row left when its feature value `x` satisfies the comparison with `threshold`
 * (`leq`: x <= threshold, `lt`: x < threshold), right otherwise; a missing value (NaN) goes left
 * when `missingGoesLeft[i]` is 1. Comparisons happen in float32 (`Math.fround(x)`), the precision
 * ONNX's TreeEnsemble operators use, so thresholds are float32 values.
 */
export interface RegressionTree {
  /** Feature column of a branch; -1 marks a leaf. */
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  readonly missingGoesLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** A leaf's contribution to the raw score (learning rate already applied); 0 on branches. */
  readonly value: Float64Array;
}

/**
 * Gradient-boosted trees (this platform's trainer, or a converted XGBoost model).
 * Raw score of output k = baseScores[k] + Σ value of the leaf reached in every tree of output k;
 * regression: the raw score; binary: P(class 1) = sigmoid(raw), 1 output; multiclass: softmax over K outputs.
 */
export interface TreeEnsembleModel {
  readonly kind: 'trees';
  readonly algorithm: 'gradient-boosting' | 'xgboost';
  readonly task: 'regression' | 'classification';
  readonly comparison: 'leq' | 'lt';
  /** Round-major: tree r·outputs + k belongs to output k. */
  readonly trees: readonly RegressionTree[];
  readonly outputs: number;
  readonly baseScores: Float64Array;
  /** Input columns (the feature pipeline's width). */
  readonly width: number;
  readonly classes?: readonly (string | number)[];
  readonly hyperParameters: Readonly<Record<string, number>>;
  /**
   * How the raw score adds up. `float64` (absent: this platform's trainer): one float64 sum, rounded
   * to float32 once. `float32`: XGBoost's predictor, which starts from the float32 base score and
   * adds each tree's leaf in float32, tree by tree in order, so a converted model answers what
   * XGBoost answers (over hundreds of trees the two sums part by more than 1e-6 relative).
   */
  readonly sumPrecision?: 'float32' | 'float64';
}

export type FittedModel = LinearModel | TreeEnsembleModel;
