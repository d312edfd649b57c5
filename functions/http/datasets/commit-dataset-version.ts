import { commitDatasetVersion } from '#core/datasets/commit.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { datasetDeps } from './dataset-deps.ts';
import { datasetVersionView } from './dataset-view.ts';

export const handler = httpHandler(routes.commitDatasetVersion, async ({ principal, params }) =>
  ok(datasetVersionView(await commitDatasetVersion(principal, params.name, params.version, datasetDeps))),
);
