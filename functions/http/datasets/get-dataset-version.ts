import { getDatasetVersion } from '#core/datasets/datasets.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { datasetDeps } from './dataset-deps.ts';
import { datasetVersionView } from './dataset-view.ts';

export const handler = httpHandler(routes.getDatasetVersion, async ({ principal, params }) =>
  ok(datasetVersionView(await getDatasetVersion(principal, params.name, params.version, datasetDeps))),
);
