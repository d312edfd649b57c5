/**
 * Gradient histograms of a tree node: for every (column, bin), the sums of the gradients and
 * Hessians of the node's rows in that bin, and their count. One flat `Float64Array`, 3 slots per bin
 * ([Σg, Σh, count]), columns at `BinMapper.offsets`, the missing bin last in each column.
 * A parent's histogram is the sum of its children's, so only the smaller child is built from rows
 * and the other is the parent minus it (the subtraction trick).
 */
import type { BinMapper, BinnedRows } from './binning.ts';

/** Doubles per histogram bin: Σ gradient, Σ Hessian, row count. */
export const SLOTS_PER_BIN = 3;

/** A zeroed histogram for the mapper's layout. */
export function createHistogram(mapper: BinMapper): Float64Array {
  return new Float64Array(mapper.totalBins * SLOTS_PER_BIN);
}

/**
 * Fills `histogram` (zeroing it first) from rows `indices[start, end)` of `bins` (row-major
 * histogram slots, see `binRows`), for every column, or only the listed `features` (the others
 * stay 0). `hessians` undefined means every Hessian is 1 (squared error): the pass then skips them
 * and copies each bin's count into its Hessian sum, as scikit-learn does for constant Hessians.
 *
 * @example
 * buildHistogram(histogram, mapper, bins, indices, 0, indices.length, gradients, hessians, undefined);
 */
export function buildHistogram(
  histogram: Float64Array,
  mapper: BinMapper,
  bins: BinnedRows,
  indices: Int32Array,
  start: number,
  end: number,
  gradients: Float64Array,
  hessians: Float64Array | undefined,
  features: Int32Array | undefined,
): void {
  histogram.fill(0);
  const { cols } = mapper;
  if (hessians === undefined) {
    buildUnitHessianHistogram(histogram, cols, bins, indices, start, end, gradients, features);
    return;
  }
  if (features === undefined || features.length === cols) {
    for (let i = start; i < end; i += 1) {
      const row = indices[i] as number;
      const g = gradients[row] as number;
      const h = hessians[row] as number;
      const base = row * cols;
      for (let j = 0; j < cols; j += 1) {
        const slot = (bins[base + j] as number) * SLOTS_PER_BIN;
        histogram[slot] = (histogram[slot] as number) + g;
        histogram[slot + 1] = (histogram[slot + 1] as number) + h;
        histogram[slot + 2] = (histogram[slot + 2] as number) + 1;
      }
    }
    return;
  }
  const m = features.length;
  for (let i = start; i < end; i += 1) {
    const row = indices[i] as number;
    const g = gradients[row] as number;
    const h = hessians[row] as number;
    const base = row * cols;
    for (let j = 0; j < m; j += 1) {
      const slot = (bins[base + (features[j] as number)] as number) * SLOTS_PER_BIN;
      histogram[slot] = (histogram[slot] as number) + g;
      histogram[slot + 1] = (histogram[slot + 1] as number) + h;
      histogram[slot + 2] = (histogram[slot + 2] as number) + 1;
    }
  }
}

function buildUnitHessianHistogram(
  histogram: Float64Array,
  cols: number,
  bins: BinnedRows,
  indices: Int32Array,
  start: number,
  end: number,
  gradients: Float64Array,
  features: Int32Array | undefined,
): void {
  if (features === undefined || features.length === cols) {
    for (let i = start; i < end; i += 1) {
      const row = indices[i] as number;
      const g = gradients[row] as number;
      const base = row * cols;
      for (let j = 0; j < cols; j += 1) {
        const slot = (bins[base + j] as number) * SLOTS_PER_BIN;
        histogram[slot] = (histogram[slot] as number) + g;
        histogram[slot + 2] = (histogram[slot + 2] as number) + 1;
      }
    }
  } else {
    const m = features.length;
    for (let i = start; i < end; i += 1) {
      const row = indices[i] as number;
      const g = gradients[row] as number;
      const base = row * cols;
      for (let j = 0; j < m; j += 1) {
        const slot = (bins[base + (features[j] as number)] as number) * SLOTS_PER_BIN;
        histogram[slot] = (histogram[slot] as number) + g;
        histogram[slot + 2] = (histogram[slot + 2] as number) + 1;
      }
    }
  }
  for (let slot = 0; slot < histogram.length; slot += SLOTS_PER_BIN) {
    histogram[slot + 1] = histogram[slot + 2] as number;
  }
}

/** `parent` −= `child`, in place: the parent's histogram becomes the child's sibling's. */
export function subtractHistogram(parent: Float64Array, child: Float64Array): void {
  for (let s = 0; s < parent.length; s += 1) parent[s] = (parent[s] as number) - (child[s] as number);
}
