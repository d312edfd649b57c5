/** In-memory ports of the training workflow, for tests of the steps themselves (the adapters are tested on the emulators). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConflictError } from '../../functions/core/errors.ts';
import type { Page, PageRequest } from '../../functions/core/pagination.ts';
import type { JobRecord, JobRepository, JobStatus } from '../../functions/core/training/jobs.ts';
import type {
  DatasetSource,
  DatasetTable,
  FeatureSetRecord,
  FeatureSetRepository,
  LoadedDataset,
  WorkingStore,
} from '../../functions/core/training/pipeline/ports.ts';

export class InMemoryJobs implements JobRepository {
  readonly rows = new Map<string, JobRecord>();
  async create(job: JobRecord) {
    if (this.rows.has(job.jobId)) throw new ConflictError('exists');
    this.rows.set(job.jobId, job);
  }
  async get(jobId: string) {
    return this.rows.get(jobId);
  }
  async listByOwner(ownerId: string, page: PageRequest, status?: JobStatus): Promise<Page<JobRecord>> {
    const items = [...this.rows.values()].filter(
      (j) => j.ownerId === ownerId && (!status || j.status === status),
    );
    return { items: items.slice(0, page.limit) };
  }
  async listAll(page: PageRequest, status?: JobStatus): Promise<Page<JobRecord>> {
    return {
      items: [...this.rows.values()].filter((j) => !status || j.status === status).slice(0, page.limit),
    };
  }
  async updateIfActive(jobId: string, change: Partial<JobRecord>) {
    const job = this.rows.get(jobId);
    if (job === undefined || !['PENDING', 'RUNNING'].includes(job.status)) return undefined;
    const next = { ...job, ...change } as JobRecord;
    this.rows.set(jobId, next);
    return next;
  }
}

export class InMemoryStore implements WorkingStore {
  readonly objects = new Map<string, Uint8Array>();
  async put(key: string, bytes: Uint8Array) {
    this.objects.set(key, bytes);
  }
  async get(key: string) {
    return this.objects.get(key);
  }
}

export class InMemoryFeatureSets implements FeatureSetRepository {
  readonly rows = new Map<string, FeatureSetRecord>();
  async get(id: string) {
    return this.rows.get(id);
  }
  async createIfAbsent(record: FeatureSetRecord) {
    const existing = this.rows.get(record.featureSetId);
    if (existing) return existing;
    this.rows.set(record.featureSetId, record);
    return record;
  }
}

/** Reads a simple CSV (no quoted commas) from data/public and types its columns as the profiler would. */
export function publicDataset(name: string, types: Record<string, string> = {}): LoadedDataset {
  const path = fileURLToPath(new URL(`../../data/public/${name}.csv`, import.meta.url));
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const columns = (header ?? '').split(',');
  const values = new Map<string, (string | null)[]>(columns.map((c) => [c, []]));
  for (const line of lines) {
    for (const [i, cell] of line.split(',').entries())
      values.get(columns[i] ?? '')?.push(cell === '' ? null : cell);
  }
  const table: DatasetTable = { columns, rowCount: lines.length, values };
  const typeMap = new Map(
    columns.map((c) => {
      const cells = values.get(c) ?? [];
      const distinct = new Set(cells).size;
      const numeric = cells.every((v) => v === null || Number.isFinite(Number(v)));
      const integer = numeric && cells.every((v) => v === null || /^-?\d+$/.test(v));
      const type = types[c] ?? (integer ? 'integer' : numeric ? 'numeric' : 'categorical');
      return [c, { type: type as never, distinct }];
    }),
  );
  return { table, types: typeMap };
}

export function datasetSourceOf(datasets: Record<string, LoadedDataset>): DatasetSource {
  return {
    async load(name) {
      const dataset = datasets[name];
      if (!dataset) throw new Error(`no dataset ${name}`);
      return dataset;
    },
  };
}
