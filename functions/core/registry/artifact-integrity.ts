/**
 * A served model is the file that was checked at registration: its bytes must hash to the version's
 * recorded SHA-256. Where storage is versioned the bytes are read at the pinned object version
 * (an overwrite of the key cannot reach them); the hash check holds everywhere, the local emulator
 * included, and catches a record without a pin or storage that returns something else.
 */
import { ModelUnavailableError } from '../errors.ts';
import { sha256Hex, type VersionRecord } from './model-records.ts';

/** The metric counting mismatches, which an alarm watches (named here so infra and adapters agree). */
export const MODEL_INTEGRITY_METRIC = 'ModelArtifactIntegrityFailures';

/** What serving needs to know of a version to fetch and check its file. */
export type ServedArtifact = Pick<
  VersionRecord,
  'modelName' | 'version' | 'artifactKey' | 'artifactVersionId' | 'sha256'
>;

/** Told of every mismatch (logs and the metric the alarm watches). */
export type IntegrityFailureReporter = (artifact: ServedArtifact, actualSha256: string) => void;

/** Returns the bytes if they are the registered ones; otherwise reports and refuses to serve them. */
export function verifiedArtifact(
  artifact: ServedArtifact,
  bytes: Uint8Array,
  report: IntegrityFailureReporter,
): Uint8Array {
  const actual = sha256Hex(bytes);
  if (actual === artifact.sha256) return bytes;
  report(artifact, actual);
  // Nothing about keys or checksums: the caller can do nothing with them.
  throw new ModelUnavailableError(
    `Version ${artifact.version} of model ${artifact.modelName} cannot be served at the moment; the platform's operators have been alerted.`,
  );
}
