/**
 * The file a version was converted from (an uploaded XGBoost model), for download: a short-lived
 * presigned GET URL, with the file's digest so the caller can check what it got.
 */
import type { Principal } from '../auth/principal.ts';
import { NotFoundError } from '../errors.ts';
import type { SourceFileRecord } from './model-records.ts';
import { getVersion, type VersionDeps } from './versions.ts';

export const DOWNLOAD_URL_SECONDS = 15 * 60;

export type SourceFileDownload = Omit<SourceFileRecord, 'key'> & {
  readonly url: string;
  readonly method: 'GET';
  readonly expiresAt: string;
};

/**
 * @throws NotFoundError when the version does not exist, cannot be read by the caller, or was
 * uploaded as ONNX (its artifact is the uploaded file itself).
 * @example
 * const { url, sha256 } = await sourceFileDownload(principal, 'prices', 1, deps);
 */
export async function sourceFileDownload(
  principal: Principal,
  name: string,
  version: number,
  deps: Pick<VersionDeps, 'models' | 'versions' | 'artifacts' | 'now'>,
): Promise<SourceFileDownload> {
  const record = await getVersion(principal, name, version, deps);
  if (record.sourceFile === undefined) {
    throw new NotFoundError(
      `Version ${version} of ${name} was uploaded as ONNX; only a converted upload has a source file.`,
    );
  }
  const { key, ...file } = record.sourceFile;
  return {
    ...file,
    url: await deps.artifacts.presignedDownloadUrl(key, DOWNLOAD_URL_SECONDS),
    method: 'GET',
    expiresAt: new Date(deps.now().getTime() + DOWNLOAD_URL_SECONDS * 1000).toISOString(),
  };
}
