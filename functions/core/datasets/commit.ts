/**
 * Committing a version: stream the uploaded object once (size, SHA-256, parse, profile, quality
 * checks), then either
 * - ready: copy the object to its immutable key (only if it is still the content that was checked),
 *   record profile and report on the version, and drop the staging object; or
 * - failed (blocking findings): keep the version record as `failed` with its quality report and
 *   reason, delete the object, answer 422. Nothing of a failed version can be read as data: it has
 *   no object key, its file is gone, and readers take `ready` versions only. Keeping the record
 *   (rather than deleting it) keeps version numbers without unexplained gaps and lets the owner
 *   read why it failed later.
 * Transient failures (S3 or DynamoDB errors) leave the version `uploading` and the staging object in
 * place, so committing again simply retries.
 */
import { requireAccess } from '../auth/access-rules.ts';
import type { Principal } from '../auth/principal.ts';
import { ConflictError, NotFoundError, UnprocessableError } from '../errors.ts';
import { type DatasetVersionRecord, datasetObjectKey } from './dataset-records.ts';
import { type DatasetDeps, datasetNotFound, versionNotFound } from './datasets.ts';
import { QualityLog } from './quality-log.ts';
import { type QualityIssue, type QualityReport, ROW_NUMBERING } from './quality-rules.ts';
import { type ScanLimits, scanDataset } from './scan.ts';

/**
 * Largest file a commit accepts. Profiling runs at 11–20 MiB/s on one vCPU (measured, see the
 * README), so 150 MiB is checked in 8–14 s, well inside the time budget below.
 */
export const MAX_DATASET_BYTES = 150 * 1024 * 1024;
/**
 * How long the scan may run: HTTP API answers 504 after 30 s and the function stops at 29 s; the
 * rest is for start-up, the copy to the version's key and the record writes.
 */
export const COMMIT_TIME_BUDGET_MS = 22_000;

export interface CommitDeps extends DatasetDeps {
  /** Largest file a commit accepts (bytes): what can be checked well within the time budget. */
  readonly maxDatasetBytes: number;
  readonly limits?: Partial<ScanLimits>;
  /** Milliseconds, for the scan's time budget. */
  readonly clock?: () => number;
}

/** The 422 for a failed version: the first blocking finding names the row and column; all are listed. */
function qualityFailure(record: DatasetVersionRecord, quality: QualityReport): UnprocessableError {
  const [first, ...others] = quality.blocking as [QualityIssue, ...QualityIssue[]];
  const more = others.length === 0 ? '' : ` (${others.length} more blocking: see issues)`;
  return new UnprocessableError(
    `Version ${record.version} of ${record.datasetName} cannot be used: ${first.message}${more}`,
    {
      ...(first.rows?.[0] === undefined ? {} : { row: first.rows[0] }),
      ...(first.column === undefined ? {} : { field: first.column, column: first.column }),
      ...(first.columnPosition === undefined ? {} : { columnPosition: first.columnPosition }),
      ...(first.lines?.[0] === undefined ? {} : { line: first.lines[0] }),
      ...(first.byteOffset === undefined ? {} : { byteOffset: first.byteOffset }),
      code: first.code,
      rowNumbering: ROW_NUMBERING,
      issues: quality.blocking,
      warnings: quality.warnings,
    },
  );
}

/** What a version already committed answers: ready → itself; failed → the same 422 as the first time. */
function settled(record: DatasetVersionRecord): DatasetVersionRecord {
  if (record.status === 'failed' && record.quality !== undefined && record.quality.blocking.length > 0) {
    throw qualityFailure(record, record.quality);
  }
  return record;
}

export async function commitDatasetVersion(
  principal: Principal,
  name: string,
  version: number,
  deps: CommitDeps,
): Promise<DatasetVersionRecord> {
  requireAccess(principal, await deps.datasets.get(name), 'write', datasetNotFound(name));
  const record = await deps.versions.get(name, version);
  if (record === undefined) throw new NotFoundError(versionNotFound(name, version));
  if (record.status === 'ready') return finishReady(record, deps);
  if (record.status !== 'uploading') return settled(record);

  const size = await deps.objects.size(record.stagingKey);
  if (size === undefined) {
    const expired = Date.parse(record.uploadExpiresAt) < deps.now().getTime();
    throw new ConflictError(
      expired
        ? `Nothing was uploaded for version ${version}, and its upload URL expired at ${record.uploadExpiresAt}: start a new upload.`
        : `Nothing has been uploaded for version ${version} yet: PUT the file to its upload URL, then commit.`,
    );
  }
  if (size > deps.maxDatasetBytes) {
    const log = new QualityLog();
    log.detail('file-too-large', {}, `${size} bytes; the limit is ${deps.maxDatasetBytes}.`);
    log.add('file-too-large');
    return fail(principal, record, log.report(), size, deps);
  }

  const opened = await deps.objects.open(record.stagingKey);
  if (opened === undefined) throw new ConflictError('The uploaded file disappeared; upload it again.');
  const scan = await scanDataset(opened.body, record.format, {
    ...(deps.limits === undefined ? {} : { limits: deps.limits }),
    ...(deps.clock === undefined ? {} : { clock: deps.clock }),
  });
  if (scan.profile === undefined || scan.quality.blocking.length > 0) {
    return fail(principal, record, scan.quality, size, deps);
  }

  const objectKey = datasetObjectKey(name, version, record.format);
  await deps.objects.copy(record.stagingKey, objectKey, opened.etag);
  const at = deps.now().toISOString();
  let ready: DatasetVersionRecord;
  try {
    ready = await deps.versions.complete(name, version, {
      status: 'ready',
      committedAt: at,
      committedBy: principal.username,
      objectKey,
      sizeBytes: scan.sizeBytes,
      sha256: scan.sha256,
      rowCount: scan.rowCount,
      columnCount: scan.profile.columnCount,
      profile: scan.profile,
      quality: scan.quality,
    });
  } catch (error) {
    return settledAfterRace(error, name, version, deps);
  }
  return finishReady(ready, deps);
}

/**
 * The steps after a version is ready, safe to repeat: a commit retried after one of them failed
 * (or after a concurrent commit won) completes them.
 */
async function finishReady(ready: DatasetVersionRecord, deps: CommitDeps): Promise<DatasetVersionRecord> {
  await deps.datasets.recordReadyVersion(
    ready.datasetName,
    ready.version,
    ready.committedAt ?? deps.now().toISOString(),
  );
  await deps.objects.delete(ready.stagingKey);
  return ready;
}

async function fail(
  principal: Principal,
  record: DatasetVersionRecord,
  quality: QualityReport,
  size: number,
  deps: CommitDeps,
): Promise<DatasetVersionRecord> {
  const first = quality.blocking[0];
  try {
    await deps.versions.complete(record.datasetName, record.version, {
      status: 'failed',
      committedAt: deps.now().toISOString(),
      committedBy: principal.username,
      sizeBytes: size,
      quality,
      failureReason: first?.message ?? 'The file has blocking problems.',
    });
  } catch (error) {
    return settledAfterRace(error, record.datasetName, record.version, deps);
  }
  await deps.objects.delete(record.stagingKey);
  throw qualityFailure(record, quality);
}

/** Another commit of the same version finished first: answer what it decided. */
async function settledAfterRace(
  error: unknown,
  name: string,
  version: number,
  deps: CommitDeps,
): Promise<DatasetVersionRecord> {
  if (!(error instanceof ConflictError)) throw error;
  const current = await deps.versions.get(name, version);
  if (current === undefined || current.status === 'uploading') throw error;
  return current.status === 'ready' ? finishReady(current, deps) : settled(current);
}
