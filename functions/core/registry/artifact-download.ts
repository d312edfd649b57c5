/**
 * A version's ONNX artifact, for download: the caller must own the model or be an admin (a
 * team-visible model is shared for predictions, not for its weights); the answer is a short-lived
 * presigned GET URL with the artifact's digest, so the caller can check what it got.
 */
import { requireAccess } from '../auth/access-rules.ts';
import type { Principal } from '../auth/principal.ts';
import { NotFoundError } from '../errors.ts';
import { notFound } from './models.ts';
import { DOWNLOAD_URL_SECONDS } from './source-file.ts';
import { type VersionDeps, versionNotFound } from './versions.ts';

export interface ArtifactDownload {
  readonly format: 'onnx';
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly url: string;
  readonly method: 'GET';
  readonly expiresAt: string;
}

/**
 * @throws NotFoundError when the model or version does not exist, or the caller neither owns the
 * model nor is an admin.
 * @example
 * const { url, sha256 } = await artifactDownload(principal, 'prices', 1, deps);
 */
export async function artifactDownload(
  principal: Principal,
  name: string,
  version: number,
  deps: Pick<VersionDeps, 'models' | 'versions' | 'artifacts' | 'now'>,
): Promise<ArtifactDownload> {
  // 'write' is the owner-or-admin rule; 'read' would let every user fetch a team-visible model's weights.
  requireAccess(principal, await deps.models.get(name), 'write', notFound(name));
  const record = await deps.versions.get(name, version);
  if (record === undefined) throw new NotFoundError(versionNotFound(name, version));
  return {
    format: 'onnx',
    sizeBytes: record.sizeBytes,
    sha256: record.sha256,
    // The pinned object version: the bytes the sha256 is of, even if the key was overwritten.
    url: await deps.artifacts.presignedDownloadUrl(
      record.artifactKey,
      DOWNLOAD_URL_SECONDS,
      record.artifactVersionId,
    ),
    method: 'GET',
    expiresAt: new Date(deps.now().getTime() + DOWNLOAD_URL_SECONDS * 1000).toISOString(),
  };
}
