/**
 * The best split of a node from its gradient histogram, by the second-order gain of XGBoost and
 * LightGBM (with L2 penalty λ):
 *   gain = G_L²/(H_L + λ) + G_R²/(H_R + λ) − G²/(H + λ),
 * over every column, every threshold between bins ("bin ≤ b" goes left), and both directions for
 * the node's missing values. Also the split of missing against present values (all present bins
 * left, missing right). A node without missing values sends them, at prediction, to the child with
 * more training rows (the left on ties), as scikit-learn does. A side must keep at least
 * `minSamplesLeaf` rows and a Hessian sum of `minHessian`; a split must gain more than rounding
 * noise (1e-10 of the children's score). Ties keep the first candidate met: lower column, lower bin,
 * missing right before missing left.
 */
import type { BinMapper } from './binning.ts';
import { SLOTS_PER_BIN } from './histogram.ts';

export interface SplitParams {
  readonly l2: number;
  readonly minSamplesLeaf: number;
  readonly minHessian: number;
}

/** A node's best split; written in place by {@link findBestSplit}. */
export interface SplitInfo {
  gain: number;
  feature: number;
  /** Present values with bin ≤ `bin` go left; `bin` = the column's last present bin splits missing vs present. */
  bin: number;
  missingGoesLeft: boolean;
  leftGradient: number;
  leftHessian: number;
  leftCount: number;
}

/** A split that gains less than this share of the children's score is rounding noise. */
const MIN_RELATIVE_GAIN = 1e-10;

export function emptySplit(): SplitInfo {
  return {
    gain: 0,
    feature: -1,
    bin: -1,
    missingGoesLeft: false,
    leftGradient: 0,
    leftHessian: 0,
    leftCount: 0,
  };
}

/**
 * Finds the best split of a node whose histogram is `histogram` and whose totals are `sumGradient`,
 * `sumHessian`, `count`, over the listed `features`. Writes it to `best` and returns true, or
 * returns false (and leaves `best.feature` −1) when no split is allowed and gains.
 *
 * @example
 * const best = emptySplit();
 * if (findBestSplit(histogram, mapper, features, g, h, n, params, best)) console.log(best.gain);
 */
export function findBestSplit(
  histogram: Float64Array,
  mapper: BinMapper,
  features: Int32Array,
  sumGradient: number,
  sumHessian: number,
  count: number,
  params: SplitParams,
  best: SplitInfo,
): boolean {
  const { l2, minSamplesLeaf, minHessian } = params;
  const parentScore = (sumGradient * sumGradient) / (sumHessian + l2);
  best.gain = 0;
  best.feature = -1;
  let bestScore = Number.NEGATIVE_INFINITY;

  /** Scores one candidate; keeps it when it beats the best so far. */
  const consider = (
    feature: number,
    bin: number,
    missingGoesLeft: boolean,
    gl: number,
    hl: number,
    cl: number,
  ): void => {
    const cr = count - cl;
    if (cl < minSamplesLeaf || cr < minSamplesLeaf) return;
    const hr = sumHessian - hl;
    if (hl < minHessian || hr < minHessian) return;
    const gr = sumGradient - gl;
    const score = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2);
    if (score <= bestScore) return;
    if (!(score - parentScore > MIN_RELATIVE_GAIN * score)) return;
    bestScore = score;
    best.gain = score - parentScore;
    best.feature = feature;
    best.bin = bin;
    best.missingGoesLeft = missingGoesLeft;
    best.leftGradient = gl;
    best.leftHessian = hl;
    best.leftCount = cl;
  };

  for (let j = 0; j < features.length; j += 1) {
    const feature = features[j] as number;
    const present = mapper.binCounts[feature] as number;
    const base = (mapper.offsets[feature] as number) * SLOTS_PER_BIN;
    const missing = base + present * SLOTS_PER_BIN;
    const gm = histogram[missing] as number;
    const hm = histogram[missing + 1] as number;
    const cm = histogram[missing + 2] as number;
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let b = 0; b + 1 < present; b += 1) {
      const slot = base + b * SLOTS_PER_BIN;
      const binCount = histogram[slot + 2] as number;
      // An empty bin moves no row: the same partition as the bin before it.
      if (binCount === 0) continue;
      gl += histogram[slot] as number;
      hl += histogram[slot + 1] as number;
      cl += binCount;
      // Every later threshold leaves fewer rows on the right.
      if (count - cl < minSamplesLeaf) break;
      consider(feature, b, false, gl, hl, cl);
      if (cm > 0) consider(feature, b, true, gl + gm, hl + hm, cl + cm);
    }
    if (cm > 0 && cm < count) {
      consider(feature, present - 1, false, sumGradient - gm, sumHessian - hm, count - cm);
    }
  }
  if (best.feature < 0) return false;
  if (!hasMissing(histogram, mapper, best.feature)) {
    // No missing values here: at prediction they follow the majority.
    best.missingGoesLeft = best.leftCount >= count - best.leftCount;
  }
  return true;
}

function hasMissing(histogram: Float64Array, mapper: BinMapper, feature: number): boolean {
  const slot = ((mapper.offsets[feature] as number) + (mapper.binCounts[feature] as number)) * SLOTS_PER_BIN;
  return (histogram[slot + 2] as number) > 0;
}
