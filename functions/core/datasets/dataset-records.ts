/**
 * The datasets' records: a dataset is a name owned by one user; each upload under that name is a
 * numbered, immutable version whose file is profiled and checked when it is committed.
 */
import type { QualityReport } from './quality-rules.ts';
import type { Histogram } from './streaming-histogram.ts';

export const DATASET_FORMATS = ['csv', 'jsonl'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

/**
 * `uploading`: a number and an upload URL were handed out; nothing is usable yet.
 * `ready`: committed, profiled and checked; the only status readers (training) may use.
 * `failed`: the commit found blocking problems; the file was deleted and only the report is kept.
 */
export const DATASET_VERSION_STATUSES = ['uploading', 'ready', 'failed'] as const;
export type DatasetVersionStatus = (typeof DATASET_VERSION_STATUSES)[number];

/** The same URL-safe names as models: they appear in paths and S3 keys. */
export const DATASET_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export const COLUMN_TYPES = [
  'numeric',
  'integer',
  'boolean',
  'categorical',
  'datetime',
  'text',
  'identifier',
  'empty',
] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface DatasetRecord {
  readonly name: string;
  readonly ownerId: string;
  readonly ownerUsername: string;
  /** Set when the dataset is created (by its first upload). */
  readonly description: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The highest version number handed out so far (0 before the first upload). */
  readonly latestVersion: number;
  /** The highest version that is `ready`, if any: what "the latest version" of the dataset means. */
  readonly latestReadyVersion?: number;
}

export interface TopValue {
  readonly value: string;
  readonly count: number;
}

export interface ColumnProfile {
  readonly name: string;
  /** 1-based position in the file (CSV) or in order of first appearance (JSON Lines). */
  readonly position: number;
  readonly type: ColumnType;
  /** Why the type was inferred, in words (the rule that decided it). */
  readonly typeReason: string;
  readonly missing: number;
  /** missing / rows, 0..1. */
  readonly missingShare: number;
  readonly distinct: number;
  /** True once the column had more distinct values than the exact cap: `distinct` is then a HyperLogLog estimate. */
  readonly distinctApproximate: boolean;
  /** Numeric and integer columns: over the parsable values (sample standard deviation, n − 1). */
  readonly numeric?: {
    readonly count: number;
    readonly min: number;
    readonly max: number;
    readonly mean: number;
    readonly std: number;
  };
  /** Numeric and integer columns: exact counts over 16 to 32 equal-width bins of the range (streaming-histogram.ts). */
  readonly histogram?: Histogram;
  /** Datetime columns: the earliest and latest values as written in the file. */
  readonly datetime?: { readonly min: string; readonly max: string };
  /** Boolean, categorical and text columns: the most frequent values, most frequent first. */
  readonly topValues?: {
    readonly values: readonly TopValue[];
    /** True when the column had more distinct values than the counters (counts may then overstate). */
    readonly approximate: boolean;
  };
}

export interface DatasetProfile {
  readonly rowCount: number;
  readonly columnCount: number;
  readonly columns: readonly ColumnProfile[];
}

export interface DatasetVersionRecord {
  readonly datasetName: string;
  readonly version: number;
  readonly status: DatasetVersionStatus;
  readonly format: DatasetFormat;
  readonly description: string;
  readonly createdBy: string;
  readonly createdAt: string;
  /** Where the client PUTs the file; removed at commit. */
  readonly stagingKey: string;
  /** When the upload URL stops working. */
  readonly uploadExpiresAt: string;
  /** The immutable copy readers use; set only on `ready` versions. */
  readonly objectKey?: string;
  readonly committedAt?: string;
  readonly committedBy?: string;
  readonly sizeBytes?: number;
  readonly sha256?: string;
  readonly rowCount?: number;
  readonly columnCount?: number;
  readonly profile?: DatasetProfile;
  readonly quality?: QualityReport;
  /** `failed` versions: the first blocking problem, in words. */
  readonly failureReason?: string;
}

/** The object key readers use; one per version, never overwritten. */
export function datasetObjectKey(name: string, version: number, format: DatasetFormat): string {
  return `datasets/${name}/v${version}/data.${format}`;
}
