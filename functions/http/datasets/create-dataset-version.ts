import { startDatasetUpload } from '#core/datasets/datasets.ts';
import { created, httpHandler } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { datasetDeps } from './dataset-deps.ts';

export const handler = httpHandler(routes.createDatasetVersion, async ({ principal, body }) => {
  const upload = await startDatasetUpload(principal, body, datasetDeps);
  return created(upload, `/v1/datasets/${upload.name}/versions/${upload.version}`);
});
