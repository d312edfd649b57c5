/**
 * An exact-count histogram of a numeric column in one pass and bounded memory, without knowing the
 * range first: bins are cells `[k·w, (k+1)·w)` of a grid, kept sparse; when the occupied cells span
 * more than MAX_BINS, the width doubles and neighbouring cells merge (k → ⌊k/2⌋). The final width
 * is the smallest doubling that fits the range, so a column gets between MAX_BINS/2 and MAX_BINS bins
 * over its range (fewer when it holds few distinct values). Integer columns keep integer widths.
 */

export const MAX_BINS = 32;

export interface HistogramBin {
  /** Inclusive. */
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
  readonly count: number;
}

export interface Histogram {
  readonly binWidth: number;
  readonly bins: readonly HistogramBin[];
}

export class StreamingHistogram {
  #width = 0;
  #cells = new Map<number, number>();
  #low = 0;
  #high = 0;
  /** Until a second distinct value arrives there is no width: the first value and its count. */
  #first: number | undefined;
  #firstCount = 0;
  #integers = true;

  add(x: number): void {
    if (!Number.isFinite(x)) return;
    if (!Number.isInteger(x)) this.#integers = false;
    if (this.#width === 0) {
      if (this.#first === undefined || this.#first === x) {
        this.#first = x;
        this.#firstCount += 1;
        return;
      }
      // Half the bins for the first two values' span leaves room to grow before merging.
      const span = Math.abs(x - this.#first) / (MAX_BINS / 2);
      this.#width = this.#integers && Number.isInteger(this.#first) ? Math.max(1, Math.ceil(span)) : span;
      const first = this.#cell(this.#first);
      this.#cells.set(first, this.#firstCount);
      this.#low = first;
      this.#high = first;
    }
    const cell = this.#cell(x);
    this.#cells.set(cell, (this.#cells.get(cell) ?? 0) + 1);
    if (cell < this.#low) this.#low = cell;
    if (cell > this.#high) this.#high = cell;
    while (this.#high - this.#low + 1 > MAX_BINS) this.#coarsen();
  }

  /** Undefined before the first value. */
  result(): Histogram | undefined {
    if (this.#first === undefined) return undefined;
    if (this.#width === 0) {
      return { binWidth: 0, bins: [{ start: this.#first, end: this.#first, count: this.#firstCount }] };
    }
    const bins: HistogramBin[] = [];
    for (let cell = this.#low; cell <= this.#high; cell++) {
      bins.push({
        start: cell * this.#width,
        end: (cell + 1) * this.#width,
        count: this.#cells.get(cell) ?? 0,
      });
    }
    return { binWidth: this.#width, bins };
  }

  #cell(x: number): number {
    return Math.floor(x / this.#width);
  }

  #coarsen(): void {
    this.#width *= 2;
    const merged = new Map<number, number>();
    for (const [cell, count] of this.#cells) {
      const parent = Math.floor(cell / 2);
      merged.set(parent, (merged.get(parent) ?? 0) + count);
    }
    this.#cells = merged;
    this.#low = Math.floor(this.#low / 2);
    this.#high = Math.floor(this.#high / 2);
  }
}
