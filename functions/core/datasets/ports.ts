/** What the dataset use cases need from storage. */
import type { Page, PageRequest } from '../pagination.ts';
import type { DatasetRecord, DatasetVersionRecord } from './dataset-records.ts';

export interface DatasetRepository {
  /** Fails with ConflictError when the name is taken. */
  create(dataset: DatasetRecord): Promise<void>;
  get(name: string): Promise<DatasetRecord | undefined>;
  /** One owner's datasets, or (no owner given) everyone's, by name. */
  list(filter: { readonly ownerId?: string }, page: PageRequest): Promise<Page<DatasetRecord>>;
  /** Atomically hands out the next version number (an atomic counter on the dataset row). */
  nextVersionNumber(name: string): Promise<number>;
  /** Raises `latestReadyVersion` to `version` unless it is higher already. */
  recordReadyVersion(name: string, version: number, at: string): Promise<void>;
}

/** What a commit writes onto an `uploading` version. */
export type DatasetVersionCompletion = Pick<DatasetVersionRecord, 'status' | 'committedAt' | 'committedBy'> &
  Partial<
    Pick<
      DatasetVersionRecord,
      | 'objectKey'
      | 'sizeBytes'
      | 'sha256'
      | 'rowCount'
      | 'columnCount'
      | 'profile'
      | 'quality'
      | 'failureReason'
    >
  >;

export interface DatasetVersionRepository {
  /** Fails with ConflictError if the number exists. */
  create(version: DatasetVersionRecord): Promise<void>;
  get(datasetName: string, version: number): Promise<DatasetVersionRecord | undefined>;
  /** Newest first. */
  list(datasetName: string, page: PageRequest): Promise<Page<DatasetVersionRecord>>;
  /**
   * Moves an `uploading` version to `ready` or `failed` with what the commit found. Fails with
   * ConflictError when the version is no longer `uploading` (another commit finished first).
   */
  complete(
    datasetName: string,
    version: number,
    completion: DatasetVersionCompletion,
  ): Promise<DatasetVersionRecord>;
}

export interface OpenedObject {
  /** The bytes, streamed: never the whole object in memory. */
  readonly body: AsyncIterable<Uint8Array>;
  /** Identifies this content; a copy made with it fails if the object changed meanwhile. */
  readonly etag?: string;
}

export interface DatasetObjectStore {
  /** A PUT URL for exactly `sizeBytes` bytes: the length is part of the signature. */
  presignedUploadUrl(key: string, expiresInSeconds: number, sizeBytes: number): Promise<string>;
  /** Undefined when there is no such object. */
  size(key: string): Promise<number | undefined>;
  open(key: string): Promise<OpenedObject | undefined>;
  /** Server-side copy; with `ifMatch`, fails with ConflictError if the source is no longer that content. */
  copy(fromKey: string, toKey: string, ifMatch?: string): Promise<void>;
  delete(key: string): Promise<void>;
}
