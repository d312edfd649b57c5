import type { VersionRecord } from '#core/registry/model-records.ts';

/** A version as the API shows it: where the file sits in the bucket is the platform's business. */
export function versionView(record: VersionRecord) {
  const { artifactKey: _artifactKey, artifactVersionId: _artifactVersionId, sourceFile, ...view } = record;
  if (sourceFile === undefined) return view;
  const { key: _key, ...source } = sourceFile;
  return { ...view, sourceFile: source };
}
