/**
 * A drift report: read the captured inputs of one version in a window → per baseline feature,
 * compare the served values with the training baseline (PSI over the baseline's bins, KS for
 * numbers, chi-squared for categories, change in missing share, unseen categories) → a verdict per
 * feature by the model's PSI thresholds (default 0.1 warning, 0.2 drift). Below `MIN_SAMPLE` served values a feature
 * says "not enough data" instead of guessing. Rows are read from `/v1` captures: objects by column
 * name, arrays by the baseline's column order. Whoever may read the model may read its report.
 */
import { requireAccess } from '../auth/access-rules.ts';
import type { Principal } from '../auth/principal.ts';
import { NotFoundError, UnprocessableError, ValidationError } from '../errors.ts';
import { notFound } from '../registry/models.ts';
import type { ModelRepository, VersionRepository } from '../registry/ports.ts';
import type { CategoricalBaseline, FeatureBaseline, NumericBaseline } from '../training/drift-baseline.ts';
import {
  binShares,
  chiSquaredTest,
  histogramCdf,
  ksPValue,
  ksStatistic,
  populationStabilityIndex,
} from './drift-statistics.ts';
import { type DriftThresholds, driftThresholdsOf } from './drift-thresholds.ts';
import type { CapturedPrediction } from './prediction-capture.ts';

/** Fewer served values than this and a feature's verdict is "not enough data". */
export const MIN_SAMPLE = 50;
/** Rows read per report at most; a busier window is reported on its first rows. */
export const MAX_ROWS = 100_000;
const MAX_WINDOW_MS = 7 * 86_400_000;
const DEFAULT_WINDOW_MS = 86_400_000;

export type FeatureVerdict = 'ok' | 'warning' | 'drift' | 'insufficient-data';

export interface CaptureReader {
  /** The captured predictions of a version answered in [from, to). */
  list(model: string, version: number, from: Date, to: Date): AsyncIterable<CapturedPrediction>;
}

export interface FeatureDrift {
  readonly column: string;
  readonly kind: 'numeric' | 'categorical';
  readonly verdict: FeatureVerdict;
  /** Served values present (not missing). */
  readonly count: number;
  readonly psi: number | null;
  readonly ks?: number | null;
  /** Two-sided p-value of `ks` over `count` values. */
  readonly ksPValue?: number | null;
  readonly chiSquared?: { statistic: number; degreesOfFreedom: number; pValue: number } | null;
  readonly missingShare: number;
  readonly baselineMissingShare: number;
  /** Served categories the training data did not keep, most frequent first (at most 10). */
  readonly unseenCategories?: readonly { value: string; count: number }[];
  readonly detail?: string;
  /** Training and served shares over the baseline's bins or kept categories, for an overlay plot. */
  readonly distribution: FeatureDistribution;
}

/**
 * Numeric: the training histogram's edges (bins + 1), served values outside them counted in the end
 * bins as PSI counts them; categorical: the kept categories, then everything else as `(other)`.
 */
export type FeatureDistribution =
  | {
      readonly edges: readonly number[];
      readonly training: readonly number[];
      readonly live: readonly number[];
    }
  | {
      readonly categories: readonly string[];
      readonly training: readonly number[];
      readonly live: readonly number[];
    };

/** The label of the categories training did not keep, in a categorical distribution. */
export const OTHER_CATEGORY = '(other)';

/** Four significant digits: a share drawn as a bar needs no more, and the stored report stays small. */
const share = (value: number) => Number(value.toPrecision(4));

export interface DriftReport {
  readonly model: string;
  readonly version: number;
  readonly from: string;
  readonly to: string;
  readonly thresholds: DriftThresholds;
  readonly minSample: number;
  readonly records: number;
  readonly recordsWithoutInputs: number;
  readonly rows: number;
  readonly truncated: boolean;
  readonly verdict: FeatureVerdict;
  readonly driftedFeatures: readonly string[];
  readonly features: readonly FeatureDrift[];
}

export interface DriftDeps {
  readonly models: Pick<ModelRepository, 'get'>;
  readonly versions: Pick<VersionRepository, 'get'>;
  readonly captures: CaptureReader;
}

type Row = Readonly<Record<string, unknown>> | readonly unknown[];

function isMissing(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

function cellOf(row: Row, column: string, position: number): unknown {
  return Array.isArray(row) ? row[position] : (row as Readonly<Record<string, unknown>>)[column];
}

/**
 * p-values below this are reported as 0: DynamoDB (where reports are recorded) holds no number
 * smaller than 1e-130, and any p this small says the same thing.
 */
export const P_VALUE_FLOOR = 1e-100;
const reportedP = (p: number): number => (p < P_VALUE_FLOOR ? 0 : p);

function verdictOf(psi: number, thresholds: DriftThresholds): FeatureVerdict {
  if (psi >= thresholds.drift) return 'drift';
  if (psi >= thresholds.warning) return 'warning';
  return 'ok';
}

function numericDrift(
  baseline: NumericBaseline,
  served: readonly unknown[],
  thresholds: DriftThresholds,
): FeatureDrift {
  const present = served
    .filter((v) => !isMissing(v))
    .map(Number)
    .filter(Number.isFinite);
  const live = binShares(baseline.edges, present);
  const common = {
    column: baseline.column,
    kind: 'numeric' as const,
    count: present.length,
    missingShare: served.length === 0 ? 0 : (served.length - present.length) / served.length,
    baselineMissingShare: baseline.missingShare,
    distribution: { edges: baseline.edges, training: baseline.frequencies, live: live.map(share) },
  };
  if (present.length < MIN_SAMPLE) {
    return {
      ...common,
      verdict: 'insufficient-data',
      psi: null,
      ks: null,
      ksPValue: null,
      detail: notEnough(present.length),
    };
  }
  const psi = populationStabilityIndex(baseline.frequencies, live);
  const ks = ksStatistic(present, histogramCdf(baseline.edges, baseline.frequencies));
  return {
    ...common,
    verdict: verdictOf(psi, thresholds),
    psi,
    ks,
    ksPValue: reportedP(ksPValue(present.length, ks)),
  };
}

function categoricalDrift(
  baseline: CategoricalBaseline,
  served: readonly unknown[],
  thresholds: DriftThresholds,
): FeatureDrift {
  const kept = Object.keys(baseline.frequencies);
  const counts = new Map<string, number>(kept.map((c) => [c, 0]));
  const unseen = new Map<string, number>();
  let other = 0;
  let present = 0;
  for (const value of served) {
    if (isMissing(value)) continue;
    present += 1;
    const category = String(value);
    if (counts.has(category)) counts.set(category, (counts.get(category) ?? 0) + 1);
    else {
      other += 1;
      unseen.set(category, (unseen.get(category) ?? 0) + 1);
    }
  }
  const unseenCategories = [...unseen]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([value, count]) => ({ value, count }));
  const common = {
    column: baseline.column,
    kind: 'categorical' as const,
    count: present,
    missingShare: served.length === 0 ? 0 : (served.length - present) / served.length,
    baselineMissingShare: baseline.missingShare,
    unseenCategories,
    distribution: {
      categories: [...kept, OTHER_CATEGORY],
      training: [...kept.map((c) => baseline.frequencies[c] ?? 0), baseline.other],
      live: [...kept.map((c) => counts.get(c) ?? 0), other].map((o) =>
        present === 0 ? 0 : share(o / present),
      ),
    },
  };
  if (present < MIN_SAMPLE) {
    return {
      ...common,
      verdict: 'insufficient-data',
      psi: null,
      chiSquared: null,
      detail: notEnough(present),
    };
  }
  const expected = [...kept.map((c) => baseline.frequencies[c] ?? 0), baseline.other];
  const observed = [...kept.map((c) => counts.get(c) ?? 0), other];
  const psi = populationStabilityIndex(
    expected,
    observed.map((o) => o / present),
  );
  const test = chiSquaredTest(observed, expected);
  return {
    ...common,
    verdict: verdictOf(psi, thresholds),
    psi,
    chiSquared: { ...test, pValue: reportedP(test.pValue) },
  };
}

function notEnough(count: number): string {
  return `Not enough data: ${count} served value${count === 1 ? '' : 's'}, at least ${MIN_SAMPLE} needed.`;
}

const SEVERITY: Readonly<Record<FeatureVerdict, number>> = {
  'insufficient-data': 0,
  ok: 1,
  warning: 2,
  drift: 3,
};

function baselineOf(metadata: Readonly<Record<string, unknown>>): FeatureBaseline[] | undefined {
  const baseline = metadata.driftBaseline;
  return Array.isArray(baseline) && baseline.length > 0 ? (baseline as FeatureBaseline[]) : undefined;
}

/** What a report compares: a version with a baseline, a window, the model's thresholds. */
export interface DriftSubject {
  readonly model: string;
  readonly version: number;
  readonly baseline: readonly FeatureBaseline[];
  readonly thresholds: DriftThresholds;
  readonly from: Date;
  readonly to: Date;
}

/**
 * Checks a report request before any capture is read: the caller may read the model, the window
 * is valid (default the 24 h before `now`, at most 7 days), the version exists and has a baseline.
 */
export async function driftSubject(
  principal: Principal,
  name: string,
  query: { readonly version?: number; readonly from?: Date; readonly to?: Date },
  deps: Pick<DriftDeps, 'models' | 'versions'>,
  now: Date = new Date(),
): Promise<DriftSubject> {
  const model = requireAccess(principal, await deps.models.get(name), 'read', notFound(name));
  const to = query.to ?? now;
  const from = query.from ?? new Date(to.getTime() - DEFAULT_WINDOW_MS);
  if (!(to > from)) {
    const message = '`to` must be after `from`.';
    throw new ValidationError(message, [{ field: 'query.to', message }]);
  }
  if (to.getTime() - from.getTime() > MAX_WINDOW_MS) {
    const message = 'A drift report covers at most 7 days; narrow from/to.';
    throw new ValidationError(message, [{ field: 'query.from', message }]);
  }
  const versionNumber = query.version ?? model.latestVersion;
  const version = versionNumber > 0 ? await deps.versions.get(name, versionNumber) : undefined;
  if (version === undefined) throw new NotFoundError(`Model ${name} has no version ${versionNumber}.`);
  const baseline = baselineOf(version.metadata);
  if (baseline === undefined) {
    throw new UnprocessableError(
      `Version ${versionNumber} of ${name} has no drift baseline: versions trained on the platform keep one, uploaded files do not.`,
    );
  }
  return { model: name, version: versionNumber, baseline, thresholds: driftThresholdsOf(model), from, to };
}

export async function driftReport(
  principal: Principal,
  name: string,
  query: { readonly version?: number; readonly from?: Date; readonly to?: Date },
  deps: DriftDeps,
  now: Date = new Date(),
): Promise<DriftReport> {
  return computeDriftReport(await driftSubject(principal, name, query, deps, now), deps.captures);
}

/** Reads the subject's captures in its window and compares them with its baseline. */
export async function computeDriftReport(
  subject: DriftSubject,
  captures: CaptureReader,
): Promise<DriftReport> {
  const { model: name, version: versionNumber, baseline, thresholds, from, to } = subject;
  const columns = new Map<string, unknown[]>(baseline.map((b) => [b.column, []]));
  let records = 0;
  let recordsWithoutInputs = 0;
  let rows = 0;
  let truncated = false;
  for await (const record of captures.list(name, versionNumber, from, to)) {
    records += 1;
    if (!Array.isArray(record.inputs)) {
      recordsWithoutInputs += 1;
      continue;
    }
    for (const row of record.inputs as unknown[]) {
      if (rows >= MAX_ROWS) {
        truncated = true;
        break;
      }
      if (row === null || typeof row !== 'object') continue;
      rows += 1;
      baseline.forEach((feature, position) => {
        columns.get(feature.column)?.push(cellOf(row as Row, feature.column, position));
      });
    }
    if (truncated) break;
  }

  const features = baseline.map((feature) => {
    const served = columns.get(feature.column) ?? [];
    return feature.kind === 'numeric'
      ? numericDrift(feature, served, thresholds)
      : categoricalDrift(feature, served, thresholds);
  });
  const verdict = features.reduce<FeatureVerdict>(
    (worst, f) => (SEVERITY[f.verdict] > SEVERITY[worst] ? f.verdict : worst),
    'insufficient-data',
  );
  return {
    model: name,
    version: versionNumber,
    from: from.toISOString(),
    to: to.toISOString(),
    thresholds,
    minSample: MIN_SAMPLE,
    records,
    recordsWithoutInputs,
    rows,
    truncated,
    verdict,
    driftedFeatures: features.filter((f) => f.verdict === 'drift').map((f) => f.column),
    features,
  };
}
