/** What the registry use cases need from storage and from the model runtime. */

import type { PredictionCacheSettings } from '../inference/prediction-cache.ts';
import type { AlertSettings } from '../monitoring/alert-rules.ts';
import type { DriftThresholds } from '../monitoring/drift-thresholds.ts';
import type { Page, PageRequest } from '../pagination.ts';
import type {
  AliasRecord,
  AuditEntry,
  CaptureSettings,
  ModelRecord,
  ModelSignature,
  VersionRecord,
  VersionStatus,
} from './model-records.ts';

export type ModelFilter =
  | { readonly ownerId: string; readonly tag?: string }
  | { readonly teamVisible: true; readonly tag?: string }
  | { readonly tag?: string };

/** What an owner may change on a model; `capture: null` turns capture off. */
export interface ModelChange {
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly teamVisible?: boolean;
  readonly capture?: CaptureSettings | null;
  /** The full rule set (the HTTP layer merges a partial one over the current or default rules). */
  readonly alerts?: AlertSettings;
  /** Both thresholds (the HTTP layer merges a partial change over the current or default ones). */
  readonly driftThresholds?: DriftThresholds;
  /** `null` turns the prediction cache off. */
  readonly predictionCache?: PredictionCacheSettings | null;
}

export interface ModelRepository {
  /** Fails with ConflictError when the name is taken. */
  create(model: ModelRecord): Promise<void>;
  get(name: string): Promise<ModelRecord | undefined>;
  /** One owner's models, team-visible ones, or (neither given) all; `tag` keeps those carrying it. */
  list(filter: ModelFilter, page: PageRequest): Promise<Page<ModelRecord>>;
  update(name: string, change: ModelChange, at: string): Promise<ModelRecord>;
  /**
   * Raises `latestVersion` to `version` unless it is higher already (concurrent registrations
   * finish in any order). A display value: numbers are claimed on the version table itself.
   */
  recordLatestVersion(name: string, version: number): Promise<void>;
  /** Sets (or, with undefined, removes) one alias on the model row. */
  setAlias(name: string, alias: string, record: AliasRecord | undefined): Promise<ModelRecord>;
  /** Deletes the model row only if it still has no aliases. */
  deleteIfNoAliases(name: string): Promise<void>;
}

export interface VersionRepository {
  /** Fails with ConflictError if the number exists: versions are immutable. */
  create(version: VersionRecord): Promise<void>;
  /** The highest version number of the model (0 when it has none), read consistently. */
  highestNumber(modelName: string): Promise<number>;
  get(modelName: string, version: number): Promise<VersionRecord | undefined>;
  /** Newest first. */
  list(modelName: string, page: PageRequest): Promise<Page<VersionRecord>>;
  /** Changes the status if it is still `expected`, appending the audit entry. */
  changeStatus(
    modelName: string,
    version: number,
    expected: VersionStatus,
    entry: AuditEntry,
  ): Promise<VersionRecord>;
  delete(modelName: string, version: number): Promise<void>;
}

export interface UploadRecord {
  readonly uploadId: string;
  readonly modelName: string;
  readonly ownerId: string;
  readonly stagingKey: string;
  /** Declared by the client and signed into the upload URL; absent on uploads started before. */
  readonly sizeBytes?: number;
  readonly createdAt: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

export interface UploadRepository {
  create(upload: UploadRecord): Promise<void>;
  get(uploadId: string): Promise<UploadRecord | undefined>;
  delete(uploadId: string): Promise<void>;
}

export interface ArtifactStore {
  /** Resolves to the object version id S3 gave the new object (undefined without versioning). */
  put(key: string, bytes: Uint8Array): Promise<{ readonly versionId?: string }>;
  get(key: string): Promise<Uint8Array | undefined>;
  size(key: string): Promise<number | undefined>;
  delete(key: string): Promise<void>;
  /** A PUT URL for exactly `sizeBytes` bytes: the length is part of the signature. */
  presignedUploadUrl(key: string, expiresInSeconds: number, sizeBytes: number): Promise<string>;
  /** A GET URL; with `versionId`, for that object version (the one a version record pins). */
  presignedDownloadUrl(key: string, expiresInSeconds: number, versionId?: string): Promise<string>;
}

/** What loading a model file in the runtime tells us; it throws UnprocessableError when it cannot load. */
export interface ValidatedModel {
  readonly framework: string;
  readonly producer?: string;
  readonly opsets?: Readonly<Record<string, number>>;
  readonly signature: ModelSignature;
}

export interface ModelValidator {
  validate(bytes: Uint8Array): Promise<ValidatedModel>;
}
