/**
 * Bounded-memory summaries for profiling a stream of values: running mean and variance (Welford),
 * distinct counts (exact up to a cap, then HyperLogLog) and the most frequent values (space-saving).
 */

/**
 * cyrb53: a fast, well-mixed 53-bit string hash (public domain, by bryc). 53 bits keep exact distinct
 * counting collision-free in practice (10,000 values: a collision chance of about 1e-8).
 */
export function hash53(value: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Running count, mean, variance, min and max in one pass, numerically stable (Welford, 1962). */
export class RunningStats {
  count = 0;
  mean = 0;
  #m2 = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  add(x: number): void {
    this.count += 1;
    const delta = x - this.mean;
    this.mean += delta / this.count;
    this.#m2 += delta * (x - this.mean);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
  }

  /** Sample standard deviation (n − 1, as pandas `describe()`); 0 for fewer than two values. */
  get std(): number {
    return this.count < 2 ? 0 : Math.sqrt(this.#m2 / (this.count - 1));
  }
}

/** HyperLogLog (Flajolet et al., 2007) with 2^precision one-byte registers; error ≈ 1.04 / √(2^p). */
export class HyperLogLog {
  readonly #precision: number;
  readonly #registers: Uint8Array;

  constructor(precision = 14) {
    this.#precision = precision;
    this.#registers = new Uint8Array(1 << precision);
  }

  /** Adds a 53-bit hash (from `hash53`). */
  addHash(hash: number): void {
    const low = hash >>> 0;
    const high = Math.floor(hash / 4294967296);
    const p = this.#precision;
    const index = low >>> (32 - p);
    // The 32 - p remaining low bits, topped up with p bits of the high part: 32 bits to rank.
    const rest = ((low << p) | (high & ((1 << p) - 1))) >>> 0;
    const rank = rest === 0 ? 33 : Math.clz32(rest) + 1;
    if (rank > (this.#registers[index] as number)) this.#registers[index] = rank;
  }

  estimate(): number {
    const m = this.#registers.length;
    let sum = 0;
    let zeros = 0;
    for (const register of this.#registers) {
      sum += 2 ** -register;
      if (register === 0) zeros += 1;
    }
    const alpha = 0.7213 / (1 + 1.079 / m);
    const raw = (alpha * m * m) / sum;
    // Small range: linear counting is more accurate while registers are still empty.
    if (raw <= 2.5 * m && zeros > 0) return Math.round(m * Math.log(m / zeros));
    return Math.round(raw);
  }
}

/**
 * Distinct values: exact (a set of 53-bit hashes) up to a cap, then a HyperLogLog estimate. The cap
 * is read on every growth, so a shared one can be lowered as more columns join a budget.
 */
export class DistinctCounter {
  readonly #exactCap: { readonly value: number };
  #exact: Set<number> | undefined = new Set();
  #sketch: HyperLogLog | undefined;

  constructor(exactCap: number | { readonly value: number }) {
    this.#exactCap = typeof exactCap === 'number' ? { value: exactCap } : exactCap;
  }

  addHash(hash: number): void {
    if (this.#exact !== undefined) {
      this.#exact.add(hash);
      if (this.#exact.size > this.#exactCap.value) {
        const sketch = new HyperLogLog();
        for (const h of this.#exact) sketch.addHash(h);
        this.#sketch = sketch;
        this.#exact = undefined;
      }
      return;
    }
    this.#sketch?.addHash(hash);
  }

  get approximate(): boolean {
    return this.#exact === undefined;
  }

  get count(): number {
    return this.#exact?.size ?? this.#sketch?.estimate() ?? 0;
  }
}

interface Counter {
  hash: number;
  value: string;
  count: number;
  /** Space-saving's overestimation bound for this counter. */
  error: number;
  slot: number;
}

/**
 * The most frequent values with `capacity` counters (Metwally, Agrawal, El Abbadi, 2005): a new value
 * replaces the least counted one and inherits its count as error. Every value occurring more than
 * n / capacity times is kept; counts are exact while fewer than `capacity` distinct values were seen.
 * Counters are found by the value's 53-bit hash (computed once per value for the distinct count too)
 * and sit in a min-heap, so each update costs O(log capacity).
 */
export class SpaceSaving {
  readonly #capacity: number;
  readonly #counters = new Map<number, Counter>();
  readonly #heap: Counter[] = [];
  #evicted = false;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /**
   * Counts `value`, whose `hash53` is `hash`. `copy` makes the value safe to keep (see `flatCopy`);
   * it is called only when a counter takes a new value.
   */
  add(value: string, hash: number, copy: (v: string) => string = (v) => v): void {
    const counter = this.#counters.get(hash);
    if (counter !== undefined) {
      counter.count += 1;
      this.#siftDown(counter.slot);
      return;
    }
    if (this.#heap.length < this.#capacity) {
      const added: Counter = { hash, value: copy(value), count: 1, error: 0, slot: this.#heap.length };
      this.#heap.push(added);
      this.#counters.set(hash, added);
      this.#siftUp(added.slot);
      return;
    }
    const smallest = this.#heap[0] as Counter;
    this.#counters.delete(smallest.hash);
    this.#evicted = true;
    smallest.hash = hash;
    smallest.value = copy(value);
    smallest.error = smallest.count;
    smallest.count += 1;
    this.#counters.set(hash, smallest);
    this.#siftDown(0);
  }

  /** True once a value was evicted: counts may then overstate by up to their error. */
  get approximate(): boolean {
    return this.#evicted;
  }

  top(k: number): { value: string; count: number }[] {
    return [...this.#heap]
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1))
      .slice(0, k)
      .map(({ value, count }) => ({ value, count }));
  }

  #siftDown(slot: number): void {
    const heap = this.#heap;
    let index = slot;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && (heap[left] as Counter).count < (heap[smallest] as Counter).count)
        smallest = left;
      if (right < heap.length && (heap[right] as Counter).count < (heap[smallest] as Counter).count)
        smallest = right;
      if (smallest === index) return;
      this.#swap(index, smallest);
      index = smallest;
    }
  }

  #siftUp(slot: number): void {
    let index = slot;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if ((this.#heap[parent] as Counter).count <= (this.#heap[index] as Counter).count) return;
      this.#swap(index, parent);
      index = parent;
    }
  }

  #swap(a: number, b: number): void {
    const heap = this.#heap;
    const first = heap[a] as Counter;
    const second = heap[b] as Counter;
    heap[a] = second;
    heap[b] = first;
    second.slot = a;
    first.slot = b;
  }
}
