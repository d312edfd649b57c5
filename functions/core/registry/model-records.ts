/**
 * The registry's records and the rules on them that need no storage: names, alias targets,
 * traffic splits and the approval state machine.
 */
import { createHash } from 'node:crypto';
import { UnprocessableError } from '../errors.ts';
import type { PredictionCacheSettings } from '../inference/prediction-cache.ts';
import type { AlertSettings } from '../monitoring/alert-rules.ts';
import type { DriftThresholds } from '../monitoring/drift-thresholds.ts';

export const MODEL_TASKS = ['classification', 'regression', 'other'] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];

export const VERSION_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

/** URL-safe, DNS-label-like names: they appear in paths and S3 keys. */
export const MODEL_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const MODEL_NAME_RULE =
  'lowercase letters, digits and "-", 1 to 63 characters, not starting or ending with "-"';
export const ALIAS_NAME_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
/** Admins alone point this alias, and only at approved versions. */
export const PRODUCTION_ALIAS = 'production';

export interface AliasRoute {
  readonly version: number;
  /** Percent of traffic, 1–100; the routes of one alias sum to 100. */
  readonly weight: number;
}

export interface AliasRecord {
  readonly routes: readonly AliasRoute[];
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface ModelRecord {
  readonly name: string;
  readonly ownerId: string;
  readonly ownerUsername: string;
  readonly description: string;
  readonly task: ModelTask;
  readonly tags: readonly string[];
  readonly teamVisible: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The highest version number registered so far (0 before the first version). */
  readonly latestVersion: number;
  readonly aliases: Readonly<Record<string, AliasRecord>>;
  /** Prediction capture, set by the owner; absent: nothing is captured. */
  readonly capture?: CaptureSettings;
  /** Alert rules, set by the owner; absent: the defaults (core/monitoring/alert-rules.ts). */
  readonly alerts?: AlertSettings;
  /** PSI thresholds of its drift reports, set by the owner; absent: 0.1 warning, 0.2 drift. */
  readonly driftThresholds?: DriftThresholds;
  /** The prediction cache, set by the owner; absent: predictions are not cached. */
  readonly predictionCache?: PredictionCacheSettings;
}

/** Which predictions are kept in S3 (`captures/…`) for monitoring: a random share of them. */
export interface CaptureSettings {
  /** Share of requests captured, 0 to 1. */
  readonly sampleRate: number;
  /** False keeps only the outputs (inputs may be personal data). */
  readonly includeInputs: boolean;
}

export interface TensorDescription {
  readonly name: string;
  /** e.g. `float32`, `int64`, `string`, or a non-tensor type such as `sequence<map<int64,float32>>`. */
  readonly type: string;
  /** Fixed sizes as numbers; symbolic dimensions by name, or null when unnamed. */
  readonly shape: readonly (number | string | null)[] | null;
}

export interface ModelSignature {
  readonly inputs: readonly TensorDescription[];
  readonly outputs: readonly TensorDescription[];
  /** What the prediction endpoint returns: a classifier's labels and probabilities, or values. */
  readonly kind: 'classifier' | 'regressor' | 'other';
  readonly classLabels?: readonly (number | string)[];
  /** Columns a request row may carry that the model does not read (dropped in training): accepted, discarded. */
  readonly ignoredInputs?: readonly string[];
}

export interface AuditEntry {
  readonly at: string;
  readonly by: string;
  readonly from: VersionStatus | null;
  readonly to: VersionStatus;
  readonly comment?: string;
}

export interface Lineage {
  readonly datasetName?: string;
  readonly datasetVersion?: number;
  readonly trainingJobId?: string;
  readonly featureSetId?: string;
  readonly algorithm?: string;
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly codeVersion?: string;
}

/** The file a version was converted from (an uploaded XGBoost model), kept beside its ONNX artifact. */
export interface SourceFileRecord {
  readonly format: 'xgboost';
  /** Which of XGBoost's formats the file is in. */
  readonly encoding: 'json' | 'ubjson' | 'binary';
  readonly objective: string;
  /** Boosting rounds kept (up to a saved best iteration, as XGBoost's scikit-learn wrapper predicts). */
  readonly rounds: number;
  /** The ONNX graph's inputs, in the model's column order. */
  readonly featureNames: readonly string[];
  /** Where the file is stored (not shown by the API). */
  readonly key: string;
  readonly sizeBytes: number;
  readonly sha256: string;
}

export interface VersionRecord {
  readonly modelName: string;
  readonly version: number;
  readonly status: VersionStatus;
  readonly artifactKey: string;
  /**
   * The S3 object version the record is pinned to (the bucket is versioned): serving reads exactly
   * these bytes even if the key is overwritten. Absent where storage has no versioning (the local
   * emulator); the sha256 check on load holds everywhere.
   */
  readonly artifactVersionId?: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly framework: string;
  readonly producer?: string;
  readonly opsets?: Readonly<Record<string, number>>;
  readonly signature: ModelSignature;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly metrics: Readonly<Record<string, unknown>>;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly lineage?: Lineage;
  /** Set when the uploaded file was converted to the ONNX artifact (`artifactKey`, `sha256`). */
  readonly sourceFile?: SourceFileRecord;
  readonly auditTrail: readonly AuditEntry[];
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Allowed approval moves: pending → approved | rejected, and an admin may revisit a decision. */
export function assertTransition(from: VersionStatus, to: VersionStatus): void {
  if (from === to) {
    throw new UnprocessableError(`The version is ${from} already.`, { field: 'status' });
  }
}

/** Normalises an alias request into weighted routes, checking the split's arithmetic. */
export function aliasRoutes(target: { version: number } | { split: readonly AliasRoute[] }): AliasRoute[] {
  if ('version' in target) return [{ version: target.version, weight: 100 }];
  const versions = new Set(target.split.map((r) => r.version));
  if (versions.size !== target.split.length) {
    throw new UnprocessableError('A split names each version once.', { field: 'body.split' });
  }
  const total = target.split.reduce((sum, r) => sum + r.weight, 0);
  if (total !== 100) {
    throw new UnprocessableError(`Split weights must sum to 100 (they sum to ${total}).`, {
      field: 'body.split',
    });
  }
  return [...target.split].sort((a, b) => a.version - b.version);
}

/**
 * Picks the version that answers through a (possibly split) alias. With a routing key the choice is
 * sticky: the same key always lands on the same version while the split stays the same. Without one,
 * `random` (0–1) decides.
 */
export function pickRoute(
  alias: string,
  routes: readonly AliasRoute[],
  routingKey: string | undefined,
  random: () => number = Math.random,
): number {
  if (routes.length === 0) throw new Error('An alias has at least one route.');
  const point =
    routingKey === undefined
      ? Math.floor(random() * 100)
      : createHash('sha256').update(`${alias}\u0000${routingKey}`).digest().readUInt32BE(0) % 100;
  let cumulative = 0;
  for (const route of routes) {
    cumulative += route.weight;
    if (point < cumulative) return route.version;
  }
  return routes[routes.length - 1]?.version ?? 0;
}
