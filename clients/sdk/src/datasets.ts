/** Upload a dataset file: create a version (a presigned URL), PUT the file there, commit it. */
import { type PlatformClient, type Schemas, unwrap } from './client.ts';
import { type ProgressCallback, putToPresignedUrl, sourceSize, type UploadSource } from './transfer.ts';

export interface UploadDatasetOptions {
  readonly name: string;
  /** Default: `jsonl` for a `.jsonl`/`.ndjson` path, else `csv`. */
  readonly format?: 'csv' | 'jsonl';
  readonly description?: string;
  readonly onProgress?: ProgressCallback;
}

export type DatasetVersion = Schemas['DatasetVersion'];

export function datasetFormatOf(source: UploadSource): 'csv' | 'jsonl' {
  return 'path' in source && /\.(jsonl|ndjson)$/i.test(source.path) ? 'jsonl' : 'csv';
}

/**
 * @returns the committed version, with its profile and quality report.
 * @throws ApiError for a refused request or commit (a blocking quality issue is a 422).
 * @example
 * const version = await uploadDataset(client, { path: 'churn.csv' }, { name: 'churn' });
 * console.log(version.quality.warnings);
 */
export async function uploadDataset(
  client: PlatformClient,
  source: UploadSource,
  options: UploadDatasetOptions,
): Promise<DatasetVersion> {
  const upload = unwrap(
    await client.api.POST('/v1/datasets', {
      body: {
        name: options.name,
        format: options.format ?? datasetFormatOf(source),
        // The upload URL is signed for exactly this many bytes.
        sizeBytes: await sourceSize(source),
        ...(options.description === undefined ? {} : { description: options.description }),
      },
    }),
  );
  await putToPresignedUrl(upload.uploadUrl, source, options.onProgress);
  return unwrap(
    await client.api.POST('/v1/datasets/{name}/versions/{version}/commit', {
      params: { path: { name: upload.name, version: upload.version } },
      body: {},
    }),
  );
}
