/**
 * How training sees datasets: a caller may train on a ready version of a dataset they may read,
 * and the workflow loads that version's rows with the column types its profile recorded.
 */
import { requireAccess } from '../auth/access-rules.ts';
import type { Principal } from '../auth/principal.ts';
import type { DatasetObjectStore, DatasetRepository, DatasetVersionRepository } from '../datasets/ports.ts';
import { NotFoundError } from '../errors.ts';
import type { DatasetAccess } from './jobs.ts';
import type { DatasetSource, LoadedDataset } from './pipeline/ports.ts';
import { readTable } from './pipeline/read-table.ts';

export function datasetAccess(
  datasets: DatasetRepository,
  versions: DatasetVersionRepository,
): DatasetAccess {
  return {
    async readyVersion(principal: Principal, name: string, version?: number) {
      const dataset = await datasets.get(name);
      if (dataset === undefined) return undefined;
      requireAccess(principal, dataset, 'read', `No dataset named ${name}.`);
      const number = version ?? dataset.latestReadyVersion;
      if (number === undefined) return undefined;
      const record = await versions.get(name, number);
      if (record?.status !== 'ready' || record.profile === undefined) return undefined;
      return { version: number, columns: record.profile.columns.map((c) => c.name) };
    },
  };
}

export function datasetSource(
  versions: DatasetVersionRepository,
  objects: Pick<DatasetObjectStore, 'open'>,
): DatasetSource {
  return {
    async load(name: string, version: number): Promise<LoadedDataset> {
      const record = await versions.get(name, version);
      if (record?.status !== 'ready' || record.objectKey === undefined || record.profile === undefined) {
        throw new NotFoundError(`Dataset ${name} has no ready version ${version}.`);
      }
      const opened = await objects.open(record.objectKey);
      if (opened === undefined) {
        throw new NotFoundError(`The file of dataset ${name} version ${version} is missing.`);
      }
      const columns = record.profile.columns.map((c) => c.name);
      return {
        table: await readTable(opened.body, record.format, columns),
        types: new Map(record.profile.columns.map((c) => [c.name, { type: c.type, distinct: c.distinct }])),
      };
    },
  };
}
