/**
 * Feature binning for histogram gradient boosting: each column's values are mapped once to at most
 * `maxBins` ordered bins (quantiles of a sample), plus one more bin for missing values (NaN), so
 * trees split on bin indices instead of raw values.
 *
 * Exactness: binning works on `Math.fround(x)`, the float32 value ONNX's TreeEnsemble operators
 * compare, and a column's bins are defined by float32 upper edges t₀ < t₁ < … (stored in a
 * `Float32Array`): a value is in the first bin b with `Math.fround(x) <= t_b`, or in the last
 * non-missing bin when above every edge. So "bin ≤ b" ⟺ `Math.fround(x) <= t_b` for every value,
 * seen or not, and a split on bins becomes a tree threshold with no rounding question.
 *
 * Edges: the sample's distinct float32 values are grouped greedily into bins of about equal row
 * counts (each bin closes once it holds its share of the remaining rows, or when closing now is
 * nearer that share than taking the next value; a value as frequent as a whole share gets a bin of
 * its own), as LightGBM's greedy binning and close to scikit-learn's quantiles; with at most
 * `maxBins` distinct values, each value has its own bin. An edge lies between the last value of its
 * bin and the first of the next: their midpoint rounded to float32, or the lower value when that
 * rounding reaches the upper one (adjacent float32 values).
 */
import { Random } from '../../random.ts';

/** Bins of every column, and the flat histogram layout they imply. */
export interface BinMapper {
  readonly cols: number;
  /** Per column: the float32 upper edges of its non-missing bins but the last, increasing. */
  readonly edges: readonly Float32Array[];
  /** Per column: its non-missing bins (edges + 1); the missing bin's index is this number. */
  readonly binCounts: Int32Array;
  /** Per column: where its bins start in a histogram (each column has binCounts + 1 slots). */
  readonly offsets: Int32Array;
  /** Histogram slots over all columns: Σ (binCounts + 1). */
  readonly totalBins: number;
}

export interface BinningOptions {
  /** Non-missing bins per column, at most 255 (so the missing bin fits a byte too). */
  readonly maxBins: number;
  /** Rows the edges are computed from; more rows are subsampled (scikit-learn: 200,000). */
  readonly sampleRows?: number;
  readonly seed: number;
}

export const MAX_BINS = 255;
const DEFAULT_SAMPLE_ROWS = 200_000;

/**
 * The float32 edge between two consecutive distinct float32 values `low` < `high`: their midpoint
 * rounded to float32 when that stays below `high`, else `low`. Always `low <= edge < high`.
 */
export function edgeBetween(low: number, high: number): number {
  const mid = Math.fround((low + high) / 2);
  return mid >= high || mid < low ? low : mid;
}

/**
 * Upper edges for one column from its sorted (ascending) float32 sample values, NaN excluded:
 * see the module comment. At most `maxBins − 1` edges.
 *
 * @example
 * binEdges(Float64Array.of(1, 1, 2, 3), 255); // Float32Array [1.5, 2.5]
 */
export function binEdges(sorted: Float64Array, maxBins: number): Float32Array {
  const n = sorted.length;
  if (n === 0) return new Float32Array(0);
  // Distinct values and their counts.
  const values = new Float64Array(n);
  const counts = new Float64Array(n);
  let distinct = 0;
  for (let i = 0; i < n; i += 1) {
    const v = sorted[i] as number;
    if (distinct > 0 && values[distinct - 1] === v) {
      counts[distinct - 1] = (counts[distinct - 1] as number) + 1;
    } else {
      values[distinct] = v;
      counts[distinct] = 1;
      distinct += 1;
    }
  }
  const edges: number[] = [];
  if (distinct <= maxBins) {
    for (let i = 0; i + 1 < distinct; i += 1) {
      edges.push(edgeBetween(values[i] as number, values[i + 1] as number));
    }
    return Float32Array.from(edges);
  }
  let remainingRows = n;
  let remainingBins = maxBins;
  let inBin = 0;
  for (let i = 0; i + 1 < distinct && remainingBins > 1; i += 1) {
    // Once every remaining value can have its own bin, give it one.
    if (distinct - i <= remainingBins) {
      edges.push(edgeBetween(values[i] as number, values[i + 1] as number));
      remainingBins -= 1;
      continue;
    }
    const share = remainingRows / remainingBins;
    inBin += counts[i] as number;
    const withNext = inBin + (counts[i + 1] as number);
    if (inBin >= share || (withNext > share && withNext - share > share - inBin)) {
      edges.push(edgeBetween(values[i] as number, values[i + 1] as number));
      remainingRows -= inBin;
      remainingBins -= 1;
      inBin = 0;
    }
  }
  return Float32Array.from(edges);
}

/**
 * The bin of one value given a column's edges: the missing bin (`edges.length + 1`) for NaN, else
 * the first b with `Math.fround(value) <= edges[b]`, else `edges.length`.
 */
export function binOf(edges: Float32Array, value: number): number {
  if (Number.isNaN(value)) return edges.length + 1;
  const f = Math.fround(value);
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (f <= (edges[mid] as number)) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * Fits the bins of every column of row-major `x` (`cols` wide) from the rows listed in `rows`
 * (at most `sampleRows` of them, chosen with the seed).
 *
 * @example
 * const mapper = fitBinMapper(data.x, data.cols, trainRows, { maxBins: 255, seed: 7 });
 * const binned = binRows(mapper, data.x, trainRows);
 */
export function fitBinMapper(
  x: Float64Array,
  cols: number,
  rows: Int32Array,
  options: BinningOptions,
): BinMapper {
  const { maxBins } = options;
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > MAX_BINS) {
    throw new RangeError(`maxBins must be an integer in [2, ${MAX_BINS}], got ${maxBins}.`);
  }
  const sampleRows = options.sampleRows ?? DEFAULT_SAMPLE_ROWS;
  let sample = rows;
  if (rows.length > sampleRows) {
    // A partial Fisher–Yates shuffle picks the sample; sorted again for a sequential read of x.
    const shuffled = Int32Array.from(rows);
    const random = new Random(options.seed);
    for (let i = 0; i < sampleRows; i += 1) {
      const j = i + random.int(shuffled.length - i);
      const swap = shuffled[i] as number;
      shuffled[i] = shuffled[j] as number;
      shuffled[j] = swap;
    }
    sample = shuffled.subarray(0, sampleRows).sort();
  }
  const edges: Float32Array[] = [];
  const column = new Float64Array(sample.length);
  for (let j = 0; j < cols; j += 1) {
    let present = 0;
    for (let i = 0; i < sample.length; i += 1) {
      const v = x[(sample[i] as number) * cols + j] as number;
      if (!Number.isNaN(v)) {
        column[present] = Math.fround(v);
        present += 1;
      }
    }
    edges.push(binEdges(column.subarray(0, present).sort(), maxBins));
  }
  const binCounts = Int32Array.from(edges, (e) => e.length + 1);
  const offsets = new Int32Array(cols);
  let totalBins = 0;
  for (let j = 0; j < cols; j += 1) {
    offsets[j] = totalBins;
    totalBins += (binCounts[j] as number) + 1;
  }
  return { cols, edges, binCounts, offsets, totalBins };
}

/** Histogram slots of binned rows: 16 bits when every slot fits, else 32. */
export type BinnedRows = Uint16Array | Uint32Array;

/** Binned rows in the two layouts the trainer reads. */
export interface BinnedMatrix {
  readonly rows: number;
  /**
   * Row-major [rows × cols] histogram slots, `offsets[j] + bin` for column j: what the histogram
   * pass reads, one row's bins in one cache line and no per-column arithmetic.
   */
  readonly slots: BinnedRows;
  /**
   * Column-major [cols × rows] bins (0 … binCounts[j], the last one missing): what partitioning
   * a node and routing rows down a tree read, one column at a time (a column stays in cache).
   */
  readonly columns: Uint8Array;
}

/**
 * The listed rows of row-major `x`, binned (row i of the result is row `rows[i]` of x).
 *
 * @example
 * const binned = binRows(mapper, data.x, trainRows);
 * binned.columns[j * binned.rows + i]; // the bin of row trainRows[i], column j
 */
export function binRows(mapper: BinMapper, x: Float64Array, rows: Int32Array): BinnedMatrix {
  const { cols, edges, offsets } = mapper;
  const n = rows.length;
  const slots = mapper.totalBins <= 0x1_0000 ? new Uint16Array(n * cols) : new Uint32Array(n * cols);
  const columns = new Uint8Array(n * cols);
  for (let i = 0; i < n; i += 1) {
    const source = (rows[i] as number) * cols;
    const target = i * cols;
    for (let j = 0; j < cols; j += 1) {
      const bin = binOf(edges[j] as Float32Array, x[source + j] as number);
      slots[target + j] = (offsets[j] as number) + bin;
      columns[j * n + i] = bin;
    }
  }
  return { rows: n, slots, columns };
}
