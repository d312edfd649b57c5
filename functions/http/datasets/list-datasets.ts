import { listDatasets } from '#core/datasets/datasets.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { datasetDeps } from './dataset-deps.ts';

export const handler = httpHandler(routes.listDatasets, async ({ principal, query }) =>
  ok(await listDatasets(principal, query, datasetDeps)),
);
