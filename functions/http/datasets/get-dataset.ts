import { getDataset } from '#core/datasets/datasets.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { datasetDeps } from './dataset-deps.ts';
import { datasetVersionView } from './dataset-view.ts';

export const handler = httpHandler(routes.getDataset, async ({ principal, params }) => {
  const { dataset, latest } = await getDataset(principal, params.name, datasetDeps);
  return ok({ ...dataset, latest: latest === null ? null : datasetVersionView(latest) });
});
