/**
 * Upload a model file as a new version: small files in the request itself, larger ones through a
 * presigned URL (start an upload, PUT the file, commit), as the API's body limit requires.
 */
import { type PlatformClient, type Schemas, unwrap } from './client.ts';
import {
  type ProgressCallback,
  putToPresignedUrl,
  readSource,
  sourceSize,
  type UploadSource,
} from './transfer.ts';

export type ModelVersion = Schemas['ModelVersion'];

/**
 * Below this a file goes in the request body; the route takes 6 MiB, and the margin leaves room for
 * the gateway's own limits.
 */
export const DIRECT_UPLOAD_MAX_BYTES = 5 * 1024 * 1024;

export interface UploadModelOptions {
  /** Default `onnx`. */
  readonly format?: 'onnx' | 'xgboost';
  /** XGBoost only: the feature names in the model's column order. */
  readonly featureNames?: readonly string[];
  readonly onProgress?: ProgressCallback;
  /** Files larger than this go through a presigned upload (default DIRECT_UPLOAD_MAX_BYTES). */
  readonly directUploadMaxBytes?: number;
}

/**
 * @returns the registered version (status `pending` until an admin approves it).
 * @throws ApiError when the model does not exist or the file is refused (422 says why).
 * @example
 * const version = await uploadModel(client, 'churn', { path: 'churn.onnx' });
 */
export async function uploadModel(
  client: PlatformClient,
  name: string,
  source: UploadSource,
  options: UploadModelOptions = {},
): Promise<ModelVersion> {
  const size = await sourceSize(source);
  const fileOptions = {
    ...(options.format === undefined ? {} : { format: options.format }),
    ...(options.featureNames === undefined ? {} : { featureNames: [...options.featureNames] }),
  };
  if (size <= (options.directUploadMaxBytes ?? DIRECT_UPLOAD_MAX_BYTES)) {
    const bytes = await readSource(source);
    options.onProgress?.({ sentBytes: 0, totalBytes: size });
    const version = unwrap(
      await client.api.POST('/v1/models/{name}/versions', {
        params: {
          path: { name },
          query: {
            ...(fileOptions.format === undefined ? {} : { format: fileOptions.format }),
            ...(fileOptions.featureNames === undefined
              ? {}
              : { featureNames: fileOptions.featureNames.join(',') }),
          },
        },
        // The raw file: the route takes application/octet-stream besides its JSON (base64) body.
        body: bytes as never,
        bodySerializer: () => bytes,
        headers: { 'content-type': 'application/octet-stream' },
      }),
    );
    options.onProgress?.({ sentBytes: size, totalBytes: size });
    return version;
  }
  // The upload URL is signed for exactly this many bytes.
  const upload = unwrap(
    await client.api.POST('/v1/models/{name}/uploads', {
      params: { path: { name } },
      body: { sizeBytes: size },
    }),
  );
  await putToPresignedUrl(upload.uploadUrl, source, options.onProgress);
  return unwrap(
    await client.api.POST('/v1/models/{name}/uploads/{uploadId}/commit', {
      params: { path: { name, uploadId: upload.uploadId } },
      body: fileOptions,
    }),
  );
}
