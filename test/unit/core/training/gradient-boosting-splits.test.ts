import { describe, expect, it } from 'vitest';
import { Random } from '../../../../functions/core/training/random.ts';
import {
  type BinMapper,
  binRows,
  fitBinMapper,
} from '../../../../functions/core/training/trainers/gradient-boosting/binning.ts';
import { toRegressionTree } from '../../../../functions/core/training/trainers/gradient-boosting/gradient-boosting.ts';
import {
  buildHistogram,
  createHistogram,
  subtractHistogram,
} from '../../../../functions/core/training/trainers/gradient-boosting/histogram.ts';
import {
  emptySplit,
  findBestSplit,
  type SplitParams,
} from '../../../../functions/core/training/trainers/gradient-boosting/split-finder.ts';
import {
  type BinnedTree,
  createTreeGrower,
  leafOfBinnedRow,
} from '../../../../functions/core/training/trainers/gradient-boosting/tree-growth.ts';
import { leafOf } from '../../../../functions/core/training/trainers/tree-predict.ts';

const range = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

interface Problem {
  readonly rows: number;
  readonly cols: number;
  readonly x: Float64Array;
  readonly gradients: Float64Array;
  readonly hessians: Float64Array;
}

/** Small data: few distinct values per column (so every threshold is tried), some NaN, random g and h > 0. */
function smallProblem(seed: number, rows: number, cols: number, missingShare: number): Problem {
  const random = new Random(seed);
  const x = Float64Array.from({ length: rows * cols }, () =>
    random.next() < missingShare ? Number.NaN : random.int(7) - 2 + random.int(2) * 0.5,
  );
  const gradients = Float64Array.from(
    { length: rows },
    () => random.next() * 2 - 1 + (random.next() < 0.3 ? 1 : 0),
  );
  const hessians = Float64Array.from({ length: rows }, () => 0.05 + random.next());
  return { rows, cols, x, gradients, hessians };
}

const score = (g: number, h: number, l2: number) => (g * g) / (h + l2);

interface Candidate {
  readonly feature: number;
  readonly threshold: number;
  readonly missingGoesLeft: boolean;
  readonly gain: number;
}

/**
 * Every split by brute force over the rows: each column, each threshold between two distinct
 * present values (x ≤ t left), each direction for the missing values, and "present left, missing
 * right"; kept when both sides have minSamplesLeaf rows and Hessian ≥ minHessian.
 */
function bruteForceSplits(problem: Problem, params: SplitParams): Candidate[] {
  const { rows, cols, x, gradients, hessians } = problem;
  const { l2, minSamplesLeaf, minHessian } = params;
  let g = 0;
  let h = 0;
  for (let r = 0; r < rows; r += 1) {
    g += gradients[r] as number;
    h += hessians[r] as number;
  }
  const candidates: Candidate[] = [];
  for (let j = 0; j < cols; j += 1) {
    const values = [...new Set(Array.from({ length: rows }, (_, r) => x[r * cols + j] as number))]
      .filter((v) => !Number.isNaN(v))
      .sort((a, b) => a - b);
    const thresholds = [...values.slice(0, -1), Number.POSITIVE_INFINITY];
    for (const threshold of thresholds) {
      for (const missingGoesLeft of [false, true]) {
        let gl = 0;
        let hl = 0;
        let cl = 0;
        for (let r = 0; r < rows; r += 1) {
          const v = x[r * cols + j] as number;
          if (Number.isNaN(v) ? missingGoesLeft : v <= threshold) {
            gl += gradients[r] as number;
            hl += hessians[r] as number;
            cl += 1;
          }
        }
        const cr = rows - cl;
        if (cl < minSamplesLeaf || cr < minSamplesLeaf || hl < minHessian || h - hl < minHessian) continue;
        const gain = score(gl, hl, l2) + score(g - gl, h - hl, l2) - score(g, h, l2);
        candidates.push({ feature: j, threshold, missingGoesLeft, gain });
      }
    }
  }
  return candidates;
}

/** The gain of a split replayed on the rows: NaN by `missingGoesLeft`, else Math.fround(x) ≤ threshold. */
function replayedGain(
  problem: Problem,
  l2: number,
  feature: number,
  threshold: number,
  missingGoesLeft: boolean,
) {
  let gl = 0;
  let hl = 0;
  let g = 0;
  let h = 0;
  for (let r = 0; r < problem.rows; r += 1) {
    const v = problem.x[r * problem.cols + feature] as number;
    g += problem.gradients[r] as number;
    h += problem.hessians[r] as number;
    if (Number.isNaN(v) ? missingGoesLeft : Math.fround(v) <= threshold) {
      gl += problem.gradients[r] as number;
      hl += problem.hessians[r] as number;
    }
  }
  return score(gl, hl, l2) + score(g - gl, h - hl, l2) - score(g, h, l2);
}

function histogramOf(problem: Problem, mapper: BinMapper, indices: Int32Array, start: number, end: number) {
  const binned = binRows(mapper, problem.x, range(problem.rows));
  const histogram = createHistogram(mapper);
  buildHistogram(
    histogram,
    mapper,
    binned.slots,
    indices,
    start,
    end,
    problem.gradients,
    problem.hessians,
    undefined,
  );
  return histogram;
}

describe('findBestSplit', () => {
  it.each([
    [1, { l2: 0, minSamplesLeaf: 1, minHessian: 1e-3 }, 0.15],
    [2, { l2: 1, minSamplesLeaf: 1, minHessian: 1e-3 }, 0.15],
    [3, { l2: 0.5, minSamplesLeaf: 4, minHessian: 1e-3 }, 0.3],
    [4, { l2: 0, minSamplesLeaf: 2, minHessian: 1e-3 }, 0],
    [5, { l2: 2, minSamplesLeaf: 1, minHessian: 2 }, 0.5],
    [6, { l2: 0, minSamplesLeaf: 3, minHessian: 1e-3 }, 0.2],
  ])(
    'finds the brute-force best split over all thresholds and missing directions (seed %i)',
    (seed, params, missing) => {
      // Prepare
      const problem = smallProblem(seed, 40, 3, missing);
      const mapper = fitBinMapper(problem.x, problem.cols, range(problem.rows), { maxBins: 255, seed: 0 });
      const histogram = histogramOf(problem, mapper, range(problem.rows), 0, problem.rows);
      const sumG = problem.gradients.reduce((s, v) => s + v, 0);
      const sumH = problem.hessians.reduce((s, v) => s + v, 0);
      const best = emptySplit();

      // Act
      const found = findBestSplit(
        histogram,
        mapper,
        range(problem.cols),
        sumG,
        sumH,
        problem.rows,
        params,
        best,
      );

      // Assess: the same best gain; the split found, replayed on the rows, has that gain.
      const candidates = bruteForceSplits(problem, params);
      const bestGain = Math.max(0, ...candidates.map((c) => c.gain));
      expect(found).toBe(true);
      expect(best.gain).toBeCloseTo(bestGain, 10);
      const present = mapper.binCounts[best.feature] as number;
      const threshold =
        best.bin === present - 1
          ? Number.POSITIVE_INFINITY
          : ((mapper.edges[best.feature] as Float32Array)[best.bin] as number);
      expect(replayedGain(problem, params.l2, best.feature, threshold, best.missingGoesLeft)).toBeCloseTo(
        bestGain,
        10,
      );
    },
  );

  it('finds the split of missing against present values', () => {
    // Prepare: the gradient is −1 exactly on the rows where column 0 is missing; present values are noise.
    const x = Float64Array.of(Number.NaN, 1, Number.NaN, 2, 3, Number.NaN, 1, 2);
    const gradients = Float64Array.of(-1, 1, -1, 1, 1, -1, 1, 1);
    const problem: Problem = { rows: 8, cols: 1, x, gradients, hessians: new Float64Array(8).fill(1) };
    const mapper = fitBinMapper(x, 1, range(8), { maxBins: 255, seed: 0 });
    const histogram = histogramOf(problem, mapper, range(8), 0, 8);
    const best = emptySplit();

    // Act
    findBestSplit(histogram, mapper, range(1), 2, 8, 8, { l2: 0, minSamplesLeaf: 1, minHessian: 1e-3 }, best);

    // Assess: all present bins left, missing right: gain 5²/5 + 3²/3 − 2²/8.
    expect(best).toMatchObject({ feature: 0, bin: 2, missingGoesLeft: false, leftCount: 5 });
    expect(best.gain).toBeCloseTo(25 / 5 + 9 / 3 - 4 / 8, 12);
  });

  it('sends missing values to the larger child when the node has none', () => {
    // Prepare: a step at 2.5 with 2 rows below and 4 above.
    const x = Float64Array.of(1, 2, 3, 4, 5, 6);
    const gradients = Float64Array.of(-1, -1, 1, 1, 1, 1);
    const problem: Problem = { rows: 6, cols: 1, x, gradients, hessians: new Float64Array(6).fill(1) };
    const mapper = fitBinMapper(x, 1, range(6), { maxBins: 255, seed: 0 });
    const best = emptySplit();

    // Act
    findBestSplit(
      histogramOf(problem, mapper, range(6), 0, 6),
      mapper,
      range(1),
      2,
      6,
      6,
      {
        l2: 0,
        minSamplesLeaf: 1,
        minHessian: 1e-3,
      },
      best,
    );

    // Assess
    expect(best).toMatchObject({ feature: 0, bin: 1, missingGoesLeft: false, leftCount: 2 });
  });

  it('finds nothing when no split gains or every split leaves a side too small', () => {
    // Prepare
    const x = Float64Array.of(1, 2, 3, 4);
    const flat: Problem = {
      rows: 4,
      cols: 1,
      x,
      gradients: new Float64Array(4),
      hessians: new Float64Array(4).fill(1),
    };
    const mapper = fitBinMapper(x, 1, range(4), { maxBins: 255, seed: 0 });
    const stepped: Problem = { ...flat, gradients: Float64Array.of(-1, -1, 1, 1) };
    const best = emptySplit();
    const params = { l2: 0, minSamplesLeaf: 1, minHessian: 1e-3 };

    // Act
    const onFlat = findBestSplit(
      histogramOf(flat, mapper, range(4), 0, 4),
      mapper,
      range(1),
      0,
      4,
      4,
      params,
      best,
    );
    const tooSmall = findBestSplit(
      histogramOf(stepped, mapper, range(4), 0, 4),
      mapper,
      range(1),
      0,
      4,
      4,
      {
        ...params,
        minSamplesLeaf: 3,
      },
      best,
    );

    // Assess
    expect(onFlat).toBe(false);
    expect(tooSmall).toBe(false);
    expect(best.feature).toBe(-1);
  });
});

describe('subtractHistogram', () => {
  it('gives the sibling histogram: parent − left child = right child built from its rows', () => {
    // Prepare: a parent of 300 rows, its children split by row parity.
    const problem = smallProblem(9, 300, 4, 0.1);
    const mapper = fitBinMapper(problem.x, problem.cols, range(300), { maxBins: 255, seed: 0 });
    const indices = Int32Array.from([...range(300)].sort((a, b) => (a % 2) - (b % 2) || a - b));
    const parent = histogramOf(problem, mapper, indices, 0, 300);
    const left = histogramOf(problem, mapper, indices, 0, 150);
    const right = histogramOf(problem, mapper, indices, 150, 300);

    // Act
    subtractHistogram(parent, left);

    // Assess: counts exact, sums to rounding.
    for (let s = 0; s < parent.length; s += 1) {
      if (s % 3 === 2) expect(parent[s]).toBe(right[s]);
      else expect(parent[s]).toBeCloseTo(right[s] as number, 12);
    }
  });
});

describe('buildHistogram', () => {
  it('counts rows as Hessians when every Hessian is 1, as summing them would', () => {
    // Prepare
    const problem = { ...smallProblem(10, 200, 3, 0.1), hessians: new Float64Array(200).fill(1) };
    const mapper = fitBinMapper(problem.x, problem.cols, range(200), { maxBins: 255, seed: 0 });
    const binned = binRows(mapper, problem.x, range(200));
    const summed = createHistogram(mapper);
    const counted = createHistogram(mapper);

    // Act
    buildHistogram(
      summed,
      mapper,
      binned.slots,
      range(200),
      20,
      180,
      problem.gradients,
      problem.hessians,
      undefined,
    );
    buildHistogram(
      counted,
      mapper,
      binned.slots,
      range(200),
      20,
      180,
      problem.gradients,
      undefined,
      undefined,
    );

    // Assess
    expect(Array.from(counted)).toEqual(Array.from(summed));
  });

  it('fills only the listed columns', () => {
    // Prepare
    const problem = smallProblem(11, 50, 3, 0);
    const mapper = fitBinMapper(problem.x, problem.cols, range(50), { maxBins: 255, seed: 0 });
    const binned = binRows(mapper, problem.x, range(50));
    const all = createHistogram(mapper);
    const some = createHistogram(mapper);

    // Act
    buildHistogram(
      all,
      mapper,
      binned.slots,
      range(50),
      0,
      50,
      problem.gradients,
      problem.hessians,
      undefined,
    );
    buildHistogram(
      some,
      mapper,
      binned.slots,
      range(50),
      0,
      50,
      problem.gradients,
      problem.hessians,
      Int32Array.of(1),
    );

    // Assess
    const from = (mapper.offsets[1] as number) * 3;
    const to = (mapper.offsets[2] as number) * 3;
    expect(Array.from(some.subarray(from, to))).toEqual(Array.from(all.subarray(from, to)));
    expect(some.subarray(0, from).every((v) => v === 0)).toBe(true);
    expect(some.subarray(to).every((v) => v === 0)).toBe(true);
  });
});

function depthOf(tree: BinnedTree, node = 0): number {
  if ((tree.feature[node] as number) < 0) return 0;
  return 1 + Math.max(depthOf(tree, tree.left[node] as number), depthOf(tree, tree.right[node] as number));
}

describe('createTreeGrower', () => {
  const problem = smallProblem(12, 2000, 5, 0.1);
  const mapper = fitBinMapper(problem.x, problem.cols, range(problem.rows), { maxBins: 255, seed: 0 });
  const binned = binRows(mapper, problem.x, range(problem.rows));
  const base = { l2: 1, minHessian: 1e-3, learningRate: 0.5 };

  it.each([
    [{ maxLeaves: 7, maxDepth: 0, minSamplesLeaf: 20 }],
    [{ maxLeaves: 31, maxDepth: 3, minSamplesLeaf: 5 }],
    [{ maxLeaves: 64, maxDepth: 0, minSamplesLeaf: 150 }],
  ])('respects maxLeaves, maxDepth and minSamplesLeaf (%o)', (limits) => {
    // Prepare
    const grower = createTreeGrower(mapper, binned, { ...base, ...limits });
    const indices = range(problem.rows);

    // Act
    const tree = grower.grow(indices, problem.gradients, problem.hessians, range(problem.cols));

    // Assess
    const leaves = Array.from(tree.feature).filter((f) => f < 0).length;
    expect(leaves).toBeGreaterThan(1);
    expect(leaves).toBeLessThanOrEqual(limits.maxLeaves);
    if (limits.maxDepth > 0) expect(depthOf(tree)).toBeLessThanOrEqual(limits.maxDepth);
    for (let node = 0; node < tree.nodeCount; node += 1) {
      if ((tree.feature[node] as number) >= 0) continue;
      const from = tree.start[node] as number;
      const to = tree.end[node] as number;
      expect(to - from).toBeGreaterThanOrEqual(limits.minSamplesLeaf);
      // Leaf value: −learningRate · G / (H + λ) over the leaf's rows.
      let g = 0;
      let h = 0;
      for (let i = from; i < to; i += 1) {
        g += problem.gradients[indices[i] as number] as number;
        h += problem.hessians[indices[i] as number] as number;
      }
      expect(tree.value[node]).toBeCloseTo((-0.5 * g) / (h + 1), 10);
    }
  });

  it('routes every row, seen or new, to the same leaf by bins as by float32 thresholds on raw values', () => {
    // Prepare: a tree grown on the rows; new rows drawn from the same values plus in-between values.
    const grower = createTreeGrower(mapper, binned, {
      ...base,
      maxLeaves: 31,
      maxDepth: 0,
      minSamplesLeaf: 5,
    });
    const tree = grower.grow(range(problem.rows), problem.gradients, problem.hessians, range(problem.cols));
    const regressionTree = toRegressionTree(tree, mapper);
    const random = new Random(77);
    const fresh = Float64Array.from({ length: 500 * problem.cols }, () =>
      random.next() < 0.1 ? Number.NaN : (random.next() - 0.4) * 6,
    );
    const freshBinned = binRows(mapper, fresh, range(500));

    // Act / Assess
    const mismatches: number[] = [];
    for (let r = 0; r < problem.rows; r += 1) {
      const viaBins = leafOfBinnedRow(tree, mapper, binned, r);
      const viaValues = leafOf(regressionTree, 'leq', problem.x, r * problem.cols);
      if (viaBins !== viaValues) mismatches.push(r);
    }
    for (let r = 0; r < 500; r += 1) {
      if (
        leafOfBinnedRow(tree, mapper, freshBinned, r) !==
        leafOf(regressionTree, 'leq', fresh, r * problem.cols)
      ) {
        mismatches.push(-r);
      }
    }
    expect(mismatches).toEqual([]);
    // Each grown row's leaf is the leaf whose row range holds it.
    const indices = range(problem.rows);
    const again = grower.grow(indices, problem.gradients, problem.hessians, range(problem.cols));
    for (let node = 0; node < again.nodeCount; node += 1) {
      if ((again.feature[node] as number) >= 0) continue;
      for (let i = again.start[node] as number; i < (again.end[node] as number); i += 1) {
        expect(leafOfBinnedRow(again, mapper, binned, indices[i] as number)).toBe(node);
      }
    }
  });

  it('splits only on the columns it is given', () => {
    // Prepare
    const grower = createTreeGrower(mapper, binned, {
      ...base,
      maxLeaves: 15,
      maxDepth: 0,
      minSamplesLeaf: 5,
    });

    // Act
    const tree = grower.grow(range(problem.rows), problem.gradients, problem.hessians, Int32Array.of(1, 3));

    // Assess
    const used = new Set(Array.from(tree.feature).filter((f) => f >= 0));
    expect([...used].every((f) => f === 1 || f === 3)).toBe(true);
    expect(used.size).toBeGreaterThan(0);
  });
});
