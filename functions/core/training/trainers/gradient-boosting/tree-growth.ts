/**
 * Grows one regression tree on binned rows, leaf-wise (best-first, as LightGBM and scikit-learn's
 * HistGradientBoosting): the leaf whose best split gains most is split next (the lower node id on
 * ties), until `maxLeaves` leaves or no leaf has a split that is allowed and gains. A node is split
 * only below `maxDepth` (0: no limit) and with at least 2·`minSamplesLeaf` rows.
 *
 * Rows: the node's rows are a contiguous range of one index array, which each split partitions in
 * place (stably, so every range stays in ascending row order for the histogram pass). Histograms:
 * the smaller child's is built from its rows, the larger's is the parent's minus it (computed in the
 * parent's buffer); a node keeps its histogram only while it may still be split.
 * Leaf value: −learningRate · G / (H + λ) (Newton step, shrunk).
 */
import type { BinMapper, BinnedMatrix } from './binning.ts';
import { buildHistogram, createHistogram, subtractHistogram } from './histogram.ts';
import { emptySplit, findBestSplit, type SplitInfo, type SplitParams } from './split-finder.ts';

export interface GrowthParams extends SplitParams {
  readonly maxLeaves: number;
  /** Maximum edges from the root to a leaf; 0 for no limit. */
  readonly maxDepth: number;
  readonly learningRate: number;
  /** Every Hessian is 1 (squared error): histograms count rows instead of summing Hessians. */
  readonly unitHessian?: boolean;
}

/**
 * A tree over bins, in flat arrays (node 0 is the root). A branch sends a row left when its bin in
 * column `feature` is ≤ `bin`, or, for the missing bin, when `missingGoesLeft` is 1.
 */
export interface BinnedTree {
  readonly nodeCount: number;
  /** −1 on leaves. */
  readonly feature: Int32Array;
  readonly bin: Int32Array;
  readonly missingGoesLeft: Uint8Array;
  /** −1 on leaves. */
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Leaves: the contribution to the raw score (learning rate applied); 0 on branches. */
  readonly value: Float64Array;
  /** Each node's rows: `indices[start, end)` of the index array the tree was grown on. */
  readonly start: Int32Array;
  readonly end: Int32Array;
}

export interface TreeGrower {
  /**
   * Grows a tree on the rows listed in `indices` (reordered in place), with the gradients and
   * Hessians of the output being fitted (indexed by row), splitting only on `features`.
   */
  grow(
    indices: Int32Array,
    gradients: Float64Array,
    hessians: Float64Array,
    features: Int32Array,
  ): BinnedTree;
}

/**
 * A grower for one binned matrix; it reuses its histogram
 * buffers and scratch space from tree to tree.
 *
 * @example
 * const grower = createTreeGrower(mapper, binned, params);
 * const tree = grower.grow(indices, gradients, hessians, features);
 */
export function createTreeGrower(mapper: BinMapper, binned: BinnedMatrix, params: GrowthParams): TreeGrower {
  const { rows, slots, columns } = binned;
  const { maxLeaves, maxDepth, minSamplesLeaf, l2, learningRate } = params;
  const unitHessian = params.unitHessian === true;
  const capacity = 2 * maxLeaves - 1;
  const scratch = new Int32Array(rows);
  const pool: Float64Array[] = [];
  const acquire = () => pool.pop() ?? createHistogram(mapper);
  const release = (histogram: Float64Array | undefined) => {
    if (histogram !== undefined) pool.push(histogram);
  };

  // Per-node state, reused by every tree.
  const feature = new Int32Array(capacity);
  const bin = new Int32Array(capacity);
  const missingGoesLeft = new Uint8Array(capacity);
  const left = new Int32Array(capacity);
  const right = new Int32Array(capacity);
  const start = new Int32Array(capacity);
  const end = new Int32Array(capacity);
  const depth = new Int32Array(capacity);
  const sumGradient = new Float64Array(capacity);
  const sumHessian = new Float64Array(capacity);
  const histograms: (Float64Array | undefined)[] = new Array(capacity).fill(undefined);
  const splits: SplitInfo[] = Array.from({ length: capacity }, emptySplit);

  return {
    grow(indices, gradients, hessians, features) {
      let nodeCount = 0;
      let leaves = 1;
      /** Leaves that have a split, waiting their turn. */
      const open: number[] = [];

      const canSplit = (node: number) =>
        leaves < maxLeaves &&
        (end[node] as number) - (start[node] as number) >= 2 * minSamplesLeaf &&
        (maxDepth === 0 || (depth[node] as number) < maxDepth);

      const newNode = (from: number, to: number, nodeDepth: number, g: number, h: number): number => {
        const node = nodeCount;
        nodeCount += 1;
        feature[node] = -1;
        bin[node] = -1;
        missingGoesLeft[node] = 0;
        left[node] = -1;
        right[node] = -1;
        start[node] = from;
        end[node] = to;
        depth[node] = nodeDepth;
        sumGradient[node] = g;
        sumHessian[node] = h;
        histograms[node] = undefined;
        return node;
      };

      /** Finds the node's best split from its histogram; queues the node or drops the histogram. */
      const evaluate = (node: number) => {
        const histogram = histograms[node] as Float64Array;
        const found = findBestSplit(
          histogram,
          mapper,
          features,
          sumGradient[node] as number,
          sumHessian[node] as number,
          (end[node] as number) - (start[node] as number),
          params,
          splits[node] as SplitInfo,
        );
        if (found) {
          open.push(node);
        } else {
          release(histogram);
          histograms[node] = undefined;
        }
      };

      const buildFor = (node: number): Float64Array => {
        const histogram = acquire();
        buildHistogram(
          histogram,
          mapper,
          slots,
          indices,
          start[node] as number,
          end[node] as number,
          gradients,
          unitHessian ? undefined : hessians,
          features,
        );
        histograms[node] = histogram;
        return histogram;
      };

      const split = (node: number) => {
        const info = splits[node] as SplitInfo;
        const from = start[node] as number;
        const to = end[node] as number;
        const f = info.feature;
        const threshold = info.bin;
        const missingBin = mapper.binCounts[f] as number;
        const missingLeft = info.missingGoesLeft;
        const column = columns.subarray(f * rows, (f + 1) * rows);
        // Stable partition: left rows forward in place, right rows through the scratch buffer.
        let l = from;
        let r = 0;
        for (let i = from; i < to; i += 1) {
          const row = indices[i] as number;
          const b = column[row] as number;
          if (b === missingBin ? missingLeft : b <= threshold) {
            indices[l] = row;
            l += 1;
          } else {
            scratch[r] = row;
            r += 1;
          }
        }
        indices.set(scratch.subarray(0, r), l);
        if (l - from !== info.leftCount) {
          throw new Error(
            `Split of node ${node}: ${l - from} rows went left, the histogram said ${info.leftCount}.`,
          );
        }

        feature[node] = f;
        bin[node] = threshold;
        missingGoesLeft[node] = missingLeft ? 1 : 0;
        const childDepth = (depth[node] as number) + 1;
        const g = sumGradient[node] as number;
        const h = sumHessian[node] as number;
        const leftChild = newNode(from, l, childDepth, info.leftGradient, info.leftHessian);
        const rightChild = newNode(l, to, childDepth, g - info.leftGradient, h - info.leftHessian);
        left[node] = leftChild;
        right[node] = rightChild;
        leaves += 1;

        const parentHistogram = histograms[node] as Float64Array;
        histograms[node] = undefined;
        const leftSplits = canSplit(leftChild);
        const rightSplits = canSplit(rightChild);
        if (!leftSplits && !rightSplits) {
          release(parentHistogram);
          return;
        }
        const leftIsSmaller = l - from <= to - l;
        const smaller = leftIsSmaller ? leftChild : rightChild;
        const larger = leftIsSmaller ? rightChild : leftChild;
        const smallerHistogram = buildFor(smaller);
        if (canSplit(larger)) {
          subtractHistogram(parentHistogram, smallerHistogram);
          histograms[larger] = parentHistogram;
          evaluate(larger);
        } else {
          release(parentHistogram);
        }
        if (canSplit(smaller)) {
          evaluate(smaller);
        } else {
          release(smallerHistogram);
          histograms[smaller] = undefined;
        }
      };

      let g = 0;
      let h = 0;
      for (let i = 0; i < indices.length; i += 1) {
        const row = indices[i] as number;
        g += gradients[row] as number;
        h += hessians[row] as number;
      }
      const root = newNode(0, indices.length, 0, g, h);
      if (canSplit(root)) {
        buildFor(root);
        evaluate(root);
      }
      while (leaves < maxLeaves && open.length > 0) {
        let bestAt = 0;
        for (let i = 1; i < open.length; i += 1) {
          const gain = (splits[open[i] as number] as SplitInfo).gain;
          const bestGain = (splits[open[bestAt] as number] as SplitInfo).gain;
          if (gain > bestGain || (gain === bestGain && (open[i] as number) < (open[bestAt] as number))) {
            bestAt = i;
          }
        }
        const node = open[bestAt] as number;
        open.splice(bestAt, 1);
        split(node);
      }
      for (const node of open) {
        release(histograms[node]);
        histograms[node] = undefined;
      }

      const value = new Float64Array(nodeCount);
      for (let node = 0; node < nodeCount; node += 1) {
        const denominator = (sumHessian[node] as number) + l2;
        // A leaf without rows (an empty row sample, λ = 0) adds nothing.
        if (feature[node] === -1 && denominator > 0) {
          value[node] = (-learningRate * (sumGradient[node] as number)) / denominator;
        }
      }
      return {
        nodeCount,
        feature: feature.slice(0, nodeCount),
        bin: bin.slice(0, nodeCount),
        missingGoesLeft: missingGoesLeft.slice(0, nodeCount),
        left: left.slice(0, nodeCount),
        right: right.slice(0, nodeCount),
        value,
        start: start.slice(0, nodeCount),
        end: end.slice(0, nodeCount),
      };
    },
  };
}

/** The leaf that row `row` of a binned matrix reaches. */
export function leafOfBinnedRow(
  tree: BinnedTree,
  mapper: BinMapper,
  binned: BinnedMatrix,
  row: number,
): number {
  const { rows, columns } = binned;
  let node = 0;
  for (;;) {
    const f = tree.feature[node] as number;
    if (f < 0) return node;
    const bin = columns[f * rows + row] as number;
    const goLeft =
      bin === (mapper.binCounts[f] as number)
        ? tree.missingGoesLeft[node] === 1
        : bin <= (tree.bin[node] as number);
    node = (goLeft ? tree.left[node] : tree.right[node]) as number;
  }
}
