/**
 * Histogram gradient boosting (as LightGBM and scikit-learn's HistGradientBoosting): regression
 * with squared error, binary classification with log loss, multiclass with multinomial log loss
 * (one tree per class per round, softmax).
 *
 * Flow: (1) hold out `validationFraction` of the given rows for early stopping (a seeded split,
 * stratified by class for classification: the pipeline hands the trainer only its training matrix,
 * so this validation set is carved from it and its rows are never fitted); (2) bin every column once
 * (`binning.ts`: ≤ `maxBins` quantile bins from a sample, float32 edges, a bin for missing values);
 * (3) start from the best constant (mean, log-odds of the prior, log priors); (4) each round: the
 * loss's gradients and Hessians at the current scores, a row subsample (`subsample`, Bernoulli per
 * row, shared by the round's trees), then per output a column subsample (`colsampleByTree`) and a
 * leaf-wise tree (`tree-growth.ts`) whose shrunk leaf values are added to the scores; (5) after each
 * round the validation loss; training stops once it has not improved (by more than 1e-7 relative)
 * for `earlyStoppingRounds` rounds, or after `maxRounds`, and the model keeps the rounds up to the
 * best one. Deterministic for a seed: every random choice draws from seeded streams, and all sums
 * run in a fixed order. Without a validation set (`validationFraction` or `earlyStoppingRounds` 0,
 * or data too small to split) every row is fitted and all `maxRounds` rounds are kept.
 */
import type { RegressionTree, TrainingMatrix, TreeEnsembleModel } from '../../model-contracts.ts';
import { Random } from '../../random.ts';
import { holdOutSplit, type Split } from '../../split.ts';
import {
  checkTrainingMatrix,
  createCheckpoint,
  type HyperParameterSpec,
  type HyperParameters,
  resolveHyperParameters,
  type Task,
  type Trainer,
  type TrainOptions,
} from '../trainer.ts';
import { type BinMapper, binRows, fitBinMapper, MAX_BINS } from './binning.ts';
import { type Loss, lossFor } from './losses.ts';
import { type BinnedTree, createTreeGrower, leafOfBinnedRow } from './tree-growth.ts';

export const HYPER_PARAMETERS: Readonly<Record<string, HyperParameterSpec>> = {
  /** Shrinkage of every leaf value. */
  learningRate: { default: 0.1, min: 0, exclusiveMin: true, max: 1 },
  /** Upper bound on boosting rounds (early stopping usually ends sooner). */
  maxRounds: { default: 300, min: 1, max: 10_000, integer: true },
  /**
   * Leaves per tree. At most 256: every leaf that may still split keeps a histogram
   * (24 bytes × (bins + 1) × columns, 123 kB at 20 columns of 255 bins).
   */
  maxLeaves: { default: 31, min: 2, max: 256, integer: true },
  /** Edges from the root to the deepest leaf; 0 for no limit (maxLeaves bounds the tree). */
  maxDepth: { default: 0, min: 0, max: 64, integer: true },
  minSamplesLeaf: { default: 20, min: 1, max: 1_000_000, integer: true },
  /** L2 penalty λ on leaf values (the denominator H + λ). */
  l2: { default: 0, min: 0, max: 1_000_000 },
  /** Share of rows each round fits (sampled without replacement); 1 for all. */
  subsample: { default: 1, min: 0, exclusiveMin: true, max: 1 },
  /** Share of columns each tree may split on; 1 for all. */
  colsampleByTree: { default: 1, min: 0, exclusiveMin: true, max: 1 },
  /** Bins for present values per column (a missing-value bin comes on top). */
  maxBins: { default: MAX_BINS, min: 2, max: MAX_BINS, integer: true },
  /** Share of the rows held out for early stopping; 0 fits every row, without early stopping. */
  validationFraction: { default: 0.1, min: 0, max: 0.5 },
  /** Rounds without a better validation loss before stopping; 0 turns early stopping off. */
  earlyStoppingRounds: { default: 20, min: 0, max: 10_000, integer: true },
};

/** Smallest Hessian sum a child may have (scikit-learn's `min_hessian_to_split`). */
const MIN_CHILD_HESSIAN = 1e-3;
/** A validation loss improves when it falls below the best by more than this share of it. */
const IMPROVEMENT_TOLERANCE = 1e-7;

export interface GradientBoostingFit {
  readonly model: TreeEnsembleModel;
  /** Rounds kept in the model (the best validation loss's round, or all without early stopping). */
  readonly rounds: number;
  /** Rounds trained before stopping. */
  readonly roundsTrained: number;
  readonly stoppedEarly: boolean;
  /** Mean validation loss after each trained round; empty without a validation set. */
  readonly validationLosses: Float64Array;
  readonly trainingRows: number;
  readonly validationRows: number;
}

/** Whether `holdOutSplit` can split the matrix (stratified, some class needs 2 rows). */
function canHoldOut(data: TrainingMatrix, task: Task, classes: number): boolean {
  if (data.rows < 2) return false;
  if (task === 'regression') return true;
  const counts = new Int32Array(classes);
  for (let i = 0; i < data.rows; i += 1) {
    const label = data.y[i] as number;
    counts[label] = (counts[label] as number) + 1;
    if ((counts[label] as number) >= 2) return true;
  }
  return false;
}

function gather(values: Float64Array, rows: Int32Array): Float64Array {
  const result = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i += 1) result[i] = values[rows[i] as number] as number;
  return result;
}

function range(count: number): Int32Array {
  const indices = new Int32Array(count);
  for (let i = 0; i < count; i += 1) indices[i] = i;
  return indices;
}

/** `count` of the `cols` column indices, chosen with `random`, ascending. */
function sampleColumns(cols: number, count: number, random: Random): Int32Array {
  if (count >= cols) return range(cols);
  const shuffled = random.shuffle(range(cols));
  return shuffled.subarray(0, count).sort();
}

/** A binned tree as the contract's float32-threshold tree. */
export function toRegressionTree(tree: BinnedTree, mapper: BinMapper): RegressionTree {
  const threshold = new Float32Array(tree.nodeCount);
  for (let node = 0; node < tree.nodeCount; node += 1) {
    const f = tree.feature[node] as number;
    if (f < 0) continue;
    const b = tree.bin[node] as number;
    // The last present bin as the threshold splits missing from present values: every number ≤ ∞.
    threshold[node] =
      b === (mapper.binCounts[f] as number) - 1
        ? Number.POSITIVE_INFINITY
        : ((mapper.edges[f] as Float32Array)[b] as number);
  }
  return {
    feature: tree.feature,
    threshold,
    missingGoesLeft: tree.missingGoesLeft,
    left: tree.left,
    right: tree.right,
    value: tree.value,
  };
}

/**
 * Fits gradient-boosted trees and tells how boosting ended. The task follows the matrix: with
 * `classes`, classification; without, regression.
 *
 * @example
 * const { model, rounds, stoppedEarly } = await fitGradientBoosting(matrix, { maxLeaves: 15 }, { seed: 7 });
 */
export interface BoostingOptions extends TrainOptions {
  /**
   * Rows to early-stop on instead of a split carved from `data` (cross-validation's fold: every
   * row of `data` is fitted). Early stopping then runs with `earlyStoppingRounds` even when
   * `validationFraction` is 0.
   */
  readonly evaluation?: TrainingMatrix;
  /** Keep every round trained, not only those up to the best validation loss (cross-validation). */
  readonly keepTrainedRounds?: boolean;
}

export async function fitGradientBoosting(
  data: TrainingMatrix,
  hyperParameters: HyperParameters,
  options: BoostingOptions,
): Promise<GradientBoostingFit> {
  const resolved = resolveHyperParameters(HYPER_PARAMETERS, hyperParameters);
  const learningRate = resolved.learningRate as number;
  const maxRounds = resolved.maxRounds as number;
  const subsample = resolved.subsample as number;
  const earlyStoppingRounds = resolved.earlyStoppingRounds as number;
  const validationFraction = resolved.validationFraction as number;
  const task: Task = data.classes === undefined ? 'regression' : 'classification';
  const classCount = checkTrainingMatrix(data, task, { allowMissing: true });
  const checkpoint = createCheckpoint(options);
  await checkpoint(0);
  const { cols } = data;

  // Independent seeded streams for the split, the binning sample, and the boosting rounds.
  const seeder = new Random(options.seed);
  const splitSeed = seeder.nextUint32();
  const binningSeed = seeder.nextUint32();
  const random = new Random(seeder.nextUint32());

  const evaluation = options.evaluation;
  const carved =
    evaluation === undefined &&
    validationFraction > 0 &&
    earlyStoppingRounds > 0 &&
    canHoldOut(data, task, classCount);
  const early = carved || (evaluation !== undefined && evaluation.rows > 0 && earlyStoppingRounds > 0);
  const split: Split = carved
    ? holdOutSplit(data, validationFraction, { seed: splitSeed, stratify: task === 'classification' })
    : { train: range(data.rows), validation: new Int32Array(0) };

  const mapper = fitBinMapper(data.x, cols, split.train, {
    maxBins: resolved.maxBins as number,
    seed: binningSeed,
  });
  const trainBins = binRows(mapper, data.x, split.train);
  const validationBins =
    evaluation === undefined
      ? binRows(mapper, data.x, split.validation)
      : binRows(mapper, evaluation.x, range(evaluation.rows));
  const yTrain = gather(data.y, split.train);
  const yValidation = evaluation === undefined ? gather(data.y, split.validation) : evaluation.y;
  const n = yTrain.length;
  const nValidation = yValidation.length;
  await checkpoint(0);

  const loss: Loss = lossFor(task, classCount);
  const outputs = loss.outputs;
  const baseScores = loss.baseScores(yTrain);
  const raw = new Float64Array(outputs * n);
  const rawValidation = new Float64Array(outputs * nValidation);
  for (let k = 0; k < outputs; k += 1) {
    raw.fill(baseScores[k] as number, k * n, (k + 1) * n);
    rawValidation.fill(baseScores[k] as number, k * nValidation, (k + 1) * nValidation);
  }
  const gradients = new Float64Array(outputs * n);
  const hessians = new Float64Array(outputs * n);

  const grower = createTreeGrower(mapper, trainBins, {
    maxLeaves: resolved.maxLeaves as number,
    maxDepth: resolved.maxDepth as number,
    minSamplesLeaf: resolved.minSamplesLeaf as number,
    l2: resolved.l2 as number,
    learningRate,
    minHessian: MIN_CHILD_HESSIAN,
    unitHessian: loss.unitHessian,
  });
  const columnsPerTree = Math.max(1, Math.round((resolved.colsampleByTree as number) * cols));
  const sample = range(n);
  const inSample = new Uint8Array(n).fill(1);
  const indices = new Int32Array(n);

  const trees: BinnedTree[] = [];
  const validationLosses: number[] = [];
  let bestLoss = Number.POSITIVE_INFINITY;
  let bestRounds = 0;
  let roundsTrained = 0;
  let stoppedEarly = false;

  for (let round = 0; round < maxRounds; round += 1) {
    loss.gradients(yTrain, raw, gradients, hessians);
    let sampled = n;
    if (subsample < 1) {
      sampled = 0;
      for (let i = 0; i < n; i += 1) {
        const keep = random.next() < subsample;
        inSample[i] = keep ? 1 : 0;
        if (keep) {
          sample[sampled] = i;
          sampled += 1;
        }
      }
    }
    for (let k = 0; k < outputs; k += 1) {
      const features = sampleColumns(cols, columnsPerTree, random);
      const rows = indices.subarray(0, sampled);
      rows.set(sample.subarray(0, sampled));
      const offset = k * n;
      const tree = grower.grow(
        rows,
        gradients.subarray(offset, offset + n),
        hessians.subarray(offset, offset + n),
        features,
      );
      trees.push(tree);
      // Fitted rows: by leaf ranges; the others (row subsampling) and validation rows: by traversal.
      for (let node = 0; node < tree.nodeCount; node += 1) {
        if ((tree.feature[node] as number) >= 0) continue;
        const value = tree.value[node] as number;
        const to = tree.end[node] as number;
        for (let i = tree.start[node] as number; i < to; i += 1) {
          const at = offset + (rows[i] as number);
          raw[at] = (raw[at] as number) + value;
        }
      }
      if (sampled < n) {
        for (let i = 0; i < n; i += 1) {
          if (inSample[i] === 1) continue;
          raw[offset + i] =
            (raw[offset + i] as number) + (tree.value[leafOfBinnedRow(tree, mapper, trainBins, i)] as number);
        }
      }
      const validationOffset = k * nValidation;
      for (let i = 0; i < nValidation; i += 1) {
        rawValidation[validationOffset + i] =
          (rawValidation[validationOffset + i] as number) +
          (tree.value[leafOfBinnedRow(tree, mapper, validationBins, i)] as number);
      }
      await checkpoint((round + (k + 1) / outputs) / maxRounds);
    }
    roundsTrained = round + 1;
    if (!early) {
      bestRounds = roundsTrained;
      continue;
    }
    const validationLoss = loss.loss(yValidation, rawValidation);
    validationLosses.push(validationLoss);
    if (bestRounds === 0 || validationLoss < bestLoss - IMPROVEMENT_TOLERANCE * Math.abs(bestLoss)) {
      bestLoss = validationLoss;
      bestRounds = roundsTrained;
    } else if (roundsTrained - bestRounds >= earlyStoppingRounds) {
      stoppedEarly = roundsTrained < maxRounds;
      break;
    }
  }

  const keptRounds = options.keepTrainedRounds ? roundsTrained : bestRounds;
  const kept = trees.slice(0, keptRounds * outputs).map((tree) => toRegressionTree(tree, mapper));
  await checkpoint(1);
  const model: TreeEnsembleModel = {
    kind: 'trees',
    algorithm: 'gradient-boosting',
    task,
    comparison: 'leq',
    trees: kept,
    outputs,
    baseScores,
    width: cols,
    ...(task === 'classification' ? { classes: data.classes ?? [] } : {}),
    hyperParameters: { ...resolved, rounds: keptRounds },
  };
  return {
    model,
    rounds: bestRounds,
    roundsTrained,
    stoppedEarly,
    validationLosses: Float64Array.from(validationLosses),
    trainingRows: n,
    validationRows: nValidation,
  };
}

/**
 * Gradient-boosted trees for regression and classification. Default grid (4 candidates, each
 * maxRounds 300 with early stopping after 20 rounds without progress): learningRate 0.1,
 * maxLeaves ∈ {15, 31} × l2 ∈ {0, 1}.
 *
 * @example
 * const model = await gradientBoostingTrainer.train(matrix, { maxLeaves: 15 }, { seed: 1 });
 */
export const gradientBoostingTrainer: Trainer = {
  algorithm: 'gradient-boosting',
  tasks: ['regression', 'classification'],
  hyperParameterSpecs: HYPER_PARAMETERS,
  defaultGrid() {
    return [
      { learningRate: 0.1, maxLeaves: 15, l2: 0 },
      { learningRate: 0.1, maxLeaves: 15, l2: 1 },
      { learningRate: 0.1, maxLeaves: 31, l2: 0 },
      { learningRate: 0.1, maxLeaves: 31, l2: 1 },
    ];
  },
  async train(data, hyperParameters, options) {
    return (await fitGradientBoosting(data, hyperParameters, options)).model;
  },
};
