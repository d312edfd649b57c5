import { listDatasetVersions } from '#core/datasets/datasets.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { datasetDeps } from './dataset-deps.ts';
import { datasetVersionView } from './dataset-view.ts';

export const handler = httpHandler(routes.listDatasetVersions, async ({ principal, params, query }) => {
  const page = await listDatasetVersions(principal, params.name, query, datasetDeps);
  return ok({ ...page, items: page.items.map(datasetVersionView) });
});
