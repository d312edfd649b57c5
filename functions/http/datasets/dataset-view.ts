import type { DatasetVersionRecord } from '#core/datasets/dataset-records.ts';

/** A version as the API shows it: where its files sit in the bucket is the platform's business. */
export function datasetVersionView(
  record: DatasetVersionRecord,
): Omit<DatasetVersionRecord, 'stagingKey' | 'objectKey'> {
  const { stagingKey: _stagingKey, objectKey: _objectKey, ...view } = record;
  return view;
}
