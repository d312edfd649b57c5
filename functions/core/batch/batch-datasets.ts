/** How batch jobs see datasets: a ready version of a dataset the caller may read, and its file. */
import { requireAccess } from '../auth/access-rules.ts';
import type { Principal } from '../auth/principal.ts';
import type { DatasetRepository, DatasetVersionRepository } from '../datasets/ports.ts';
import type { BatchDatasetAccess } from './batch-jobs.ts';

export function batchDatasetAccess(
  datasets: Pick<DatasetRepository, 'get'>,
  versions: Pick<DatasetVersionRepository, 'get'>,
): BatchDatasetAccess {
  return {
    async readyFile(principal: Principal, name: string, version?: number) {
      const dataset = await datasets.get(name);
      if (dataset === undefined) return undefined;
      requireAccess(principal, dataset, 'read', `No dataset named ${name}.`);
      const number = version ?? dataset.latestReadyVersion;
      if (number === undefined) return undefined;
      const record = await versions.get(name, number);
      if (record?.status !== 'ready' || record.objectKey === undefined) return undefined;
      return { version: number, key: record.objectKey, format: record.format };
    },
  };
}
