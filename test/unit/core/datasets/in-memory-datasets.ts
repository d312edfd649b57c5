/** In-memory dataset ports for unit tests of the use cases (the DynamoDB and S3 adapters are tested on the emulators). */
import type {
  DatasetRecord,
  DatasetVersionRecord,
} from '../../../../functions/core/datasets/dataset-records.ts';
import type {
  DatasetObjectStore,
  DatasetRepository,
  DatasetVersionCompletion,
  DatasetVersionRepository,
  OpenedObject,
} from '../../../../functions/core/datasets/ports.ts';
import { ConflictError, NotFoundError } from '../../../../functions/core/errors.ts';
import type { Page, PageRequest } from '../../../../functions/core/pagination.ts';

function page<T>(items: T[], request: PageRequest): Page<T> {
  const start = request.cursor === undefined ? 0 : Number(request.cursor);
  const end = start + request.limit;
  return { items: items.slice(start, end), nextCursor: end < items.length ? String(end) : undefined };
}

export class InMemoryDatasets implements DatasetRepository {
  readonly rows = new Map<string, DatasetRecord>();
  async create(dataset: DatasetRecord) {
    if (this.rows.has(dataset.name)) throw new ConflictError('taken');
    this.rows.set(dataset.name, dataset);
  }
  async get(name: string) {
    return this.rows.get(name);
  }
  async list(filter: { ownerId?: string }, request: PageRequest) {
    const all = [...this.rows.values()]
      .filter((d) => filter.ownerId === undefined || d.ownerId === filter.ownerId)
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    return page(all, request);
  }
  async nextVersionNumber(name: string) {
    const current = this.rows.get(name);
    if (current === undefined) throw new NotFoundError(`No dataset named ${name}.`);
    const next = { ...current, latestVersion: current.latestVersion + 1 };
    this.rows.set(name, next);
    return next.latestVersion;
  }
  async recordReadyVersion(name: string, version: number, at: string) {
    const current = this.rows.get(name);
    if (current === undefined || (current.latestReadyVersion ?? 0) > version) return;
    this.rows.set(name, { ...current, latestReadyVersion: version, updatedAt: at });
  }
}

export class InMemoryDatasetVersions implements DatasetVersionRepository {
  readonly rows = new Map<string, DatasetVersionRecord>();
  /** Simulates another commit finishing first: applied just before the next `complete`. */
  beforeComplete: ((record: DatasetVersionRecord) => DatasetVersionRecord) | undefined;
  async create(version: DatasetVersionRecord) {
    const key = `${version.datasetName}#${version.version}`;
    if (this.rows.has(key)) throw new ConflictError('exists');
    this.rows.set(key, version);
  }
  async get(name: string, version: number) {
    return this.rows.get(`${name}#${version}`);
  }
  async list(name: string, request: PageRequest) {
    const all = [...this.rows.values()]
      .filter((v) => v.datasetName === name)
      .sort((a, b) => b.version - a.version);
    return page(all, request);
  }
  async complete(name: string, version: number, completion: DatasetVersionCompletion) {
    const key = `${name}#${version}`;
    let current = this.rows.get(key);
    if (current !== undefined && this.beforeComplete !== undefined) {
      current = this.beforeComplete(current);
      this.beforeComplete = undefined;
      this.rows.set(key, current);
    }
    if (current?.status !== 'uploading') throw new ConflictError('committed meanwhile');
    const next = { ...current, ...completion };
    this.rows.set(key, next);
    return next;
  }
}

export class InMemoryDatasetObjects implements DatasetObjectStore {
  readonly objects = new Map<string, Uint8Array>();
  failReads = false;
  async presignedUploadUrl(key: string) {
    return `https://uploads.example/${key}`;
  }
  async size(key: string) {
    return this.objects.get(key)?.byteLength;
  }
  async open(key: string): Promise<OpenedObject | undefined> {
    const bytes = this.objects.get(key);
    if (bytes === undefined) return undefined;
    const failReads = this.failReads;
    async function* body() {
      if (failReads) throw new Error('connection reset');
      for (let i = 0; i < (bytes as Uint8Array).length; i += 16)
        yield (bytes as Uint8Array).subarray(i, i + 16);
    }
    return { body: body(), etag: `"${bytes.byteLength}"` };
  }
  async copy(fromKey: string, toKey: string, ifMatch?: string) {
    const bytes = this.objects.get(fromKey);
    if (bytes === undefined || (ifMatch !== undefined && ifMatch !== `"${bytes.byteLength}"`)) {
      throw new ConflictError('changed');
    }
    this.objects.set(toKey, bytes);
  }
  async delete(key: string) {
    this.objects.delete(key);
  }
}
