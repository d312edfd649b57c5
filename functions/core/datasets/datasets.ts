/**
 * Dataset use cases: start an upload (the dataset is created by its first upload; every upload is a
 * new numbered version, `uploading` until committed), list and read datasets and their versions.
 * A dataset belongs to its creator; admins see all; another owner's dataset answers 404.
 */
import { randomUUID } from 'node:crypto';
import { listingOwner, requireAccess } from '../auth/access-rules.ts';
import type { Principal } from '../auth/principal.ts';
import { ConflictError, NotFoundError, PayloadTooLargeError } from '../errors.ts';
import type { Page, PageRequest } from '../pagination.ts';
import type { DatasetFormat, DatasetRecord, DatasetVersionRecord } from './dataset-records.ts';
import type { DatasetObjectStore, DatasetRepository, DatasetVersionRepository } from './ports.ts';

export interface DatasetDeps {
  readonly datasets: DatasetRepository;
  readonly versions: DatasetVersionRepository;
  readonly objects: DatasetObjectStore;
  /** Largest file a version may have; also what an upload may declare. */
  readonly maxDatasetBytes: number;
  readonly now: () => Date;
}

/** How long the presigned upload URL works. */
export const UPLOAD_URL_SECONDS = 60 * 60;

export function datasetNotFound(name: string): string {
  return `No dataset named ${name}.`;
}

export function versionNotFound(name: string, version: number): string {
  return `Dataset ${name} has no version ${version}.`;
}

export interface StartedUpload {
  readonly name: string;
  readonly version: number;
  readonly status: 'uploading';
  readonly format: DatasetFormat;
  readonly uploadUrl: string;
  readonly method: 'PUT';
  readonly expiresAt: string;
  /** Where to POST once the file is uploaded. */
  readonly commitPath: string;
}

/** The caller's dataset of that name, created if it does not exist yet. */
async function ownDataset(
  principal: Principal,
  input: { name: string; description?: string },
  deps: Pick<DatasetDeps, 'datasets' | 'now'>,
): Promise<DatasetRecord> {
  let dataset = await deps.datasets.get(input.name);
  if (dataset === undefined) {
    const at = deps.now().toISOString();
    const created: DatasetRecord = {
      name: input.name,
      ownerId: principal.userId,
      ownerUsername: principal.username,
      description: input.description ?? '',
      createdAt: at,
      updatedAt: at,
      latestVersion: 0,
    };
    try {
      await deps.datasets.create(created);
      return created;
    } catch (error) {
      // Someone created it meanwhile (two first uploads at once): use theirs if it is ours.
      if (!(error instanceof ConflictError)) throw error;
      dataset = await deps.datasets.get(input.name);
    }
  }
  if (dataset !== undefined && dataset.ownerId !== principal.userId && principal.role !== 'admin') {
    throw new ConflictError(`The name ${input.name} is taken by another user's dataset; choose another.`, {
      field: 'body.name',
    });
  }
  return requireAccess(principal, dataset, 'write', datasetNotFound(input.name));
}

/**
 * Hands out the next version number and a presigned URL to PUT the file to. The declared size is
 * checked against the limit before anything is written, and signed into the URL, so S3 refuses a
 * body of another length; the commit checks the stored size again (what holds where signatures are
 * not enforced, e.g. the local emulator).
 */
export async function startDatasetUpload(
  principal: Principal,
  input: { name: string; format: DatasetFormat; sizeBytes: number; description?: string },
  deps: DatasetDeps,
): Promise<StartedUpload> {
  if (input.sizeBytes > deps.maxDatasetBytes) {
    throw new PayloadTooLargeError(
      `The file is ${input.sizeBytes} bytes; the limit is ${deps.maxDatasetBytes}.`,
      { field: 'body.sizeBytes', limitBytes: deps.maxDatasetBytes },
    );
  }
  const dataset = await ownDataset(principal, input, deps);
  const version = await deps.datasets.nextVersionNumber(dataset.name);
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString();
  const stagingKey = `uploads/${dataset.name}/v${version}/${randomUUID()}.${input.format}`;
  await deps.versions.create({
    datasetName: dataset.name,
    version,
    status: 'uploading',
    format: input.format,
    description: input.description ?? '',
    createdBy: principal.username,
    createdAt: now.toISOString(),
    stagingKey,
    uploadExpiresAt: expiresAt,
  });
  return {
    name: dataset.name,
    version,
    status: 'uploading',
    format: input.format,
    uploadUrl: await deps.objects.presignedUploadUrl(stagingKey, UPLOAD_URL_SECONDS, input.sizeBytes),
    method: 'PUT',
    expiresAt,
    commitPath: `/v1/datasets/${dataset.name}/versions/${version}/commit`,
  };
}

/** The caller's datasets; admins see everyone's, or one owner's. */
export async function listDatasets(
  principal: Principal,
  query: PageRequest & { ownerId?: string },
  deps: Pick<DatasetDeps, 'datasets'>,
): Promise<Page<DatasetRecord>> {
  const ownerId = listingOwner(principal, query.ownerId);
  return deps.datasets.list(ownerId === undefined ? {} : { ownerId }, {
    limit: query.limit,
    cursor: query.cursor,
  });
}

/** One dataset with its latest ready version (null until a version is ready). */
export async function getDataset(
  principal: Principal,
  name: string,
  deps: Pick<DatasetDeps, 'datasets' | 'versions'>,
): Promise<{ dataset: DatasetRecord; latest: DatasetVersionRecord | null }> {
  const dataset = requireAccess(principal, await deps.datasets.get(name), 'read', datasetNotFound(name));
  const latest =
    dataset.latestReadyVersion === undefined
      ? undefined
      : await deps.versions.get(name, dataset.latestReadyVersion);
  return { dataset, latest: latest ?? null };
}

export async function listDatasetVersions(
  principal: Principal,
  name: string,
  page: PageRequest,
  deps: Pick<DatasetDeps, 'datasets' | 'versions'>,
): Promise<Page<DatasetVersionRecord>> {
  requireAccess(principal, await deps.datasets.get(name), 'read', datasetNotFound(name));
  return deps.versions.list(name, page);
}

export async function getDatasetVersion(
  principal: Principal,
  name: string,
  version: number,
  deps: Pick<DatasetDeps, 'datasets' | 'versions'>,
): Promise<DatasetVersionRecord> {
  requireAccess(principal, await deps.datasets.get(name), 'read', datasetNotFound(name));
  const record = await deps.versions.get(name, version);
  if (record === undefined) throw new NotFoundError(versionNotFound(name, version));
  return record;
}
