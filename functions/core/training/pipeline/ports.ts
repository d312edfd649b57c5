/** What the training workflow's steps need from storage and from the model runtime. */
import type { ColumnType } from '../../datasets/dataset-records.ts';

/** A dataset in memory, by column: raw text values, null when missing. */
export interface DatasetTable {
  readonly columns: readonly string[];
  readonly rowCount: number;
  readonly values: ReadonlyMap<string, readonly (string | null)[]>;
}

export interface LoadedDataset {
  readonly table: DatasetTable;
  /** Column types from the dataset's profile (made when the version was committed). */
  readonly types: ReadonlyMap<string, { readonly type: ColumnType; readonly distinct: number }>;
}

export interface DatasetSource {
  /** A ready version's rows; throws NotFoundError when it is not ready or not there. */
  load(name: string, version: number): Promise<LoadedDataset>;
}

/** The workflow's working files (prepared data, feature sets, candidates, the exported model). */
export interface WorkingStore {
  put(key: string, bytes: Uint8Array): Promise<unknown>;
  get(key: string): Promise<Uint8Array | undefined>;
}

export interface FeatureSetRecord {
  readonly featureSetId: string;
  readonly datasetName: string;
  readonly datasetVersion: number;
  readonly pipelineKey: string;
  readonly dataKey: string;
  readonly width: number;
  readonly trainRows: number;
  readonly validationRows: number;
  readonly createdAt: string;
  readonly createdByJob: string;
}

export interface FeatureSetRepository {
  get(featureSetId: string): Promise<FeatureSetRecord | undefined>;
  /** Writes the record unless one exists (a replayed step or a concurrent job made it); returns the stored one. */
  createIfAbsent(record: FeatureSetRecord): Promise<FeatureSetRecord>;
}

/** Runs an exported model in the serving runtime, as the predict endpoint would. */
export interface ServingRuntime {
  predict(
    onnx: Uint8Array,
    instances: readonly Record<string, string | number | null>[],
  ): Promise<{
    readonly predictions: readonly unknown[];
    readonly probabilities?: readonly (readonly number[])[];
  }>;
}
