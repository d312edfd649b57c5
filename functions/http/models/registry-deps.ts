/** The registry use cases' dependencies, shared by the model handlers. */
import { config } from '#config';
import {
  modelRepository,
  modelsStore,
  uploadRepository,
  versionRepository,
} from '../../adapters/dependencies.ts';

export const registryDeps = {
  models: modelRepository,
  versions: versionRepository,
  uploads: uploadRepository,
  artifacts: modelsStore,
  maxModelBytes: config().limits.maxModelBytes,
  modelStorageQuotaBytes: config().limits.modelStorageQuotaBytes,
  now: () => new Date(),
};
