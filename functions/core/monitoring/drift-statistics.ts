/**
 * The statistics of a drift report, comparing served values with a version's training baseline
 * (functions/core/training/drift-baseline.ts), whose numbers are 10-bin histograms and whose
 * categories are shares of the kept categories and of everything else:
 * - PSI, the population stability index, over the baseline's own bins: Σ (a − e) · ln(a / e) with
 *   each share floored at 1e-4 so an empty bin does not make it infinite. Served numbers outside
 *   the training range count in the first or last bin.
 * - For numbers, the one-sample Kolmogorov–Smirnov statistic against the baseline's CDF taken as
 *   uniform within each bin (what scipy.stats.kstest computes with that CDF), and its two-sided
 *   p-value by the regions of Simard & L'Ecuyer (2011) that scipy's `kstwo` uses for n > 140: exact
 *   formulas at the extremes, twice the exact one-sided (Smirnov) tail where it is small
 *   (n·D² ≥ 2.2), and the Pelz–Good expansion of the CDF below (where scipy, for n ≤ 100 000, runs
 *   the exact Durbin matrix algorithm instead).
 * - For categories, Pearson's chi-squared test of the served counts against the baseline shares
 *   (floored like PSI), with its p-value from the chi-squared distribution.
 * The reference values in the unit tests were computed once with scipy (scripts/drift-reference.py).
 */

export const SHARE_FLOOR = 1e-4;

/** PSI of served shares `actual` against baseline shares `expected`, bin for bin. */
export function populationStabilityIndex(expected: readonly number[], actual: readonly number[]): number {
  if (expected.length !== actual.length) throw new RangeError('PSI needs the same bins on both sides.');
  let psi = 0;
  for (let i = 0; i < expected.length; i += 1) {
    const e = Math.max(SHARE_FLOOR, expected[i] as number);
    const a = Math.max(SHARE_FLOOR, actual[i] as number);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/** Shares of `values` in the bins of `edges` (length bins + 1), clamping values outside the range. */
export function binShares(edges: readonly number[], values: readonly number[]): number[] {
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  const low = edges[0] as number;
  const high = edges[bins] as number;
  const width = (high - low) / bins;
  for (const value of values) {
    const bin = width === 0 ? 0 : Math.min(bins - 1, Math.max(0, Math.floor((value - low) / width)));
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return counts.map((c) => (values.length === 0 ? 0 : c / values.length));
}

/** The baseline's CDF: linear within each bin, 0 below the first edge, 1 from the last. */
export function histogramCdf(
  edges: readonly number[],
  frequencies: readonly number[],
): (x: number) => number {
  const cumulative = [0];
  for (const f of frequencies) cumulative.push((cumulative.at(-1) as number) + f);
  const total = cumulative.at(-1) as number;
  return (x) => {
    if (x < (edges[0] as number)) return 0;
    for (let i = 0; i < frequencies.length; i += 1) {
      const left = edges[i] as number;
      const right = edges[i + 1] as number;
      if (x < right) {
        const within = right > left ? (x - left) / (right - left) : 1;
        return ((cumulative[i] as number) + (frequencies[i] as number) * within) / total;
      }
    }
    return 1;
  };
}

/** One-sample Kolmogorov–Smirnov statistic D = sup |F_n(x) − F(x)|. */
export function ksStatistic(values: readonly number[], cdf: (x: number) => number): number {
  // A typed array sorts numerically without a comparator call per pair: 100k values in a few ms.
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i += 1) {
    const f = cdf(sorted[i] as number);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/**
 * P(D_n⁺ ≥ d), the exact one-sided Smirnov tail (Birnbaum & Tingey 1951):
 * d · Σ_{j=0}^{⌊n(1−d)⌋} C(n, j) (1 − d − j/n)^{n−j} (d + j/n)^{j−1}, summed in log space.
 */
export function smirnovTail(n: number, d: number): number {
  if (d <= 0) return 1;
  if (d >= 1) return 0;
  const last = Math.floor(n * (1 - d));
  let logChoose = 0; // ln C(n, 0)
  const logTerms: number[] = [];
  for (let j = 0; j <= last; j += 1) {
    const rest = 1 - d - j / n;
    if (rest > 0) logTerms.push(logChoose + (n - j) * Math.log(rest) + (j - 1) * Math.log(d + j / n));
    logChoose += Math.log(n - j) - Math.log(j + 1);
  }
  let top = Number.NEGATIVE_INFINITY;
  for (const t of logTerms) if (t > top) top = t;
  let sum = 0;
  for (const t of logTerms) sum += Math.exp(t - top);
  return Math.min(1, d * Math.exp(top) * sum);
}

/** The Pelz–Good approximation of P(D_n ≤ x) (a port of scipy.stats._ksstats._kolmogn_PelzGood). */
function pelzGoodCdf(n: number, x: number): number {
  const PI2 = Math.PI ** 2;
  const PI4 = PI2 ** 2;
  const PI6 = PI2 ** 3;
  const SQRT2PI = Math.sqrt(2 * Math.PI);
  const z = Math.sqrt(n) * x;
  const z2 = z ** 2;
  const z4 = z ** 4;
  const z6 = z ** 6;
  const qlog = -PI2 / 8 / z2;
  if (qlog < -708) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const k = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let i = maxk; i > 0; i -= 1) {
    const m2 = (2 * i - 1) ** 2;
    const qpower = q ** (8 * i);
    const coeffs = [
      1,
      k1a + k1b * m2,
      k2a + k2b * m2 + k2c * m2 ** 2,
      k3a + k3b * m2 + k3c * m2 ** 2 + k3d * m2 ** 3,
    ];
    for (let c = 0; c < 4; c += 1) k[c] = (k[c] as number) * qpower + (coeffs[c] as number);
  }
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let c = 0; c < 4; c += 1) k[c] = ((k[c] as number) * q * SQRT2PI) / (divisors[c] as number);
  q = Math.exp(-PI2 / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  for (let i = maxk; i > 0; i -= 1) {
    const i2 = i * i;
    const qp = q ** i2;
    k2extra += i2 * qp;
    k3extra += (Math.sqrt(3) * z + Math.PI * i) * (Math.sqrt(3) * z - Math.PI * i) * i2 * qp;
  }
  k[2] = (k[2] as number) + (k2extra * PI2 * SQRT2PI) / (-36 * z ** 3);
  k[3] = (k[3] as number) + (k3extra * PI2 * SQRT2PI) / (216 * z6);
  return k.reduce((sum, term, c) => sum + term / n ** (c / 2), 0);
}

/**
 * The two-sided p-value P(D_n ≥ d) of a one-sample Kolmogorov–Smirnov statistic `d` over `n`
 * values (see the module comment for which formula holds where).
 */
export function ksPValue(n: number, d: number): number {
  if (d <= 0) return 1;
  if (d >= 1) return 0;
  const t = n * d;
  if (t <= 1) {
    // Ruben–Gambino: exact for 1/2n ≤ d ≤ 1/n.
    if (t <= 0.5) return 1;
    return Math.max(0, 1 - Math.exp(logGamma(n + 1) - n * Math.log(n) + n * Math.log(2 * t - 1)));
  }
  if (t >= n - 1) return Math.min(1, 2 * (1 - d) ** n);
  if (d >= 0.5) return Math.min(1, 2 * smirnovTail(n, d));
  const nd2 = t * d;
  if (nd2 >= 370) return 0;
  if (nd2 >= 2.2) return Math.min(1, 2 * smirnovTail(n, d));
  return Math.min(1, Math.max(0, 1 - pelzGoodCdf(n, d)));
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(z) for z > 0 (Lanczos approximation, g = 7). */
export function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const x = z - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i += 1) sum += (LANCZOS[i] as number) / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a). */
export function upperRegularizedGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const prefactor = Math.exp(-x + a * Math.log(x) - logGamma(a));
  if (x < a + 1) {
    // The series of the lower function P converges quickly here; Q = 1 − P.
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10_000 && Math.abs(term) > Math.abs(sum) * 1e-16; n += 1) {
      term *= x / (a + n);
      sum += term;
    }
    return Math.max(0, 1 - sum * prefactor);
  }
  // Continued fraction for Q, evaluated with the modified Lentz method.
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i += 1) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-16) break;
  }
  return Math.min(1, prefactor * h);
}

export interface ChiSquaredTest {
  readonly statistic: number;
  readonly degreesOfFreedom: number;
  readonly pValue: number;
}

/** Pearson's chi-squared test of `observed` counts against `expectedShares` (floored, renormalized). */
export function chiSquaredTest(
  observed: readonly number[],
  expectedShares: readonly number[],
): ChiSquaredTest {
  const n = observed.reduce((sum, o) => sum + o, 0);
  const floored = expectedShares.map((s) => Math.max(SHARE_FLOOR, s));
  const total = floored.reduce((sum, s) => sum + s, 0);
  let statistic = 0;
  for (let i = 0; i < observed.length; i += 1) {
    const expected = (n * (floored[i] as number)) / total;
    statistic += ((observed[i] as number) - expected) ** 2 / expected;
  }
  const degreesOfFreedom = observed.length - 1;
  const pValue = degreesOfFreedom <= 0 ? 1 : upperRegularizedGamma(degreesOfFreedom / 2, statistic / 2);
  return { statistic, degreesOfFreedom, pValue };
}
