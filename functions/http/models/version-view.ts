import type { VersionRecord } from '#core/registry/model-records.ts';

/** A version as the API shows it: where the file sits in the bucket is the platform's business. */
export function versionView(record: VersionRecord): Omit<VersionRecord, 'artifactKey'> {
  const { artifactKey: _artifactKey, ...view } = record;
  return view;
}
