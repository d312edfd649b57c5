/** In-memory registry ports for unit tests of the use cases (the DynamoDB and S3 adapters are tested on the emulators). */
import { ConflictError, NotFoundError } from '../../functions/core/errors.ts';
import type { Page, PageRequest } from '../../functions/core/pagination.ts';
import type {
  AliasRecord,
  AuditEntry,
  ModelRecord,
  VersionRecord,
  VersionStatus,
} from '../../functions/core/registry/model-records.ts';
import type {
  ArtifactStore,
  ModelChange,
  ModelFilter,
  ModelRepository,
  UploadRecord,
  UploadRepository,
  VersionRepository,
} from '../../functions/core/registry/ports.ts';

function page<T>(items: T[], request: PageRequest): Page<T> {
  const start = request.cursor === undefined ? 0 : Number(request.cursor);
  const end = start + request.limit;
  return { items: items.slice(start, end), nextCursor: end < items.length ? String(end) : undefined };
}

export class InMemoryModels implements ModelRepository {
  readonly rows = new Map<string, ModelRecord>();
  async create(model: ModelRecord) {
    if (this.rows.has(model.name)) throw new ConflictError('taken');
    this.rows.set(model.name, model);
  }
  async get(name: string) {
    return this.rows.get(name);
  }
  async list(filter: ModelFilter, request: PageRequest) {
    const all = [...this.rows.values()].filter(
      (m) =>
        ('ownerId' in filter ? m.ownerId === filter.ownerId : true) &&
        ('teamVisible' in filter ? m.teamVisible : true) &&
        (filter.tag === undefined || m.tags.includes(filter.tag)),
    );
    return page(all, request);
  }
  #change(name: string, change: (m: ModelRecord) => ModelRecord) {
    const current = this.rows.get(name);
    if (current === undefined) throw new NotFoundError(`No model named ${name}.`);
    const next = change(current);
    this.rows.set(name, next);
    return next;
  }
  async update(name: string, change: ModelChange, at: string) {
    return this.#change(name, (m) => {
      const { capture, predictionCache, ...rest } = change;
      const { capture: _previous, predictionCache: _previousCache, ...model } = m;
      const next = capture === undefined ? m.capture : (capture ?? undefined);
      const cache = predictionCache === undefined ? m.predictionCache : (predictionCache ?? undefined);
      return {
        ...model,
        ...rest,
        ...(next === undefined ? {} : { capture: next }),
        ...(cache === undefined ? {} : { predictionCache: cache }),
        updatedAt: at,
      };
    });
  }
  async recordLatestVersion(name: string, version: number) {
    const current = this.rows.get(name);
    if (current !== undefined && current.latestVersion < version) {
      this.rows.set(name, { ...current, latestVersion: version });
    }
  }
  async setAlias(name: string, alias: string, record: AliasRecord | undefined) {
    return this.#change(name, (m) => {
      const aliases = { ...m.aliases };
      if (record === undefined) delete aliases[alias];
      else aliases[alias] = record;
      return { ...m, aliases };
    });
  }
  async deleteIfNoAliases(name: string) {
    if (Object.keys(this.rows.get(name)?.aliases ?? {}).length > 0) throw new ConflictError('aliases');
    this.rows.delete(name);
  }
}

export class InMemoryVersions implements VersionRepository {
  readonly rows = new Map<string, VersionRecord>();
  failNextCreate = false;
  async create(version: VersionRecord) {
    if (this.failNextCreate) {
      this.failNextCreate = false;
      throw new Error('write failed');
    }
    const key = `${version.modelName}#${version.version}`;
    if (this.rows.has(key)) throw new ConflictError('exists');
    this.rows.set(key, version);
  }
  async highestNumber(modelName: string) {
    return Math.max(
      0,
      ...[...this.rows.values()].filter((v) => v.modelName === modelName).map((v) => v.version),
    );
  }
  async get(modelName: string, version: number) {
    return this.rows.get(`${modelName}#${version}`);
  }
  async list(modelName: string, request: PageRequest) {
    const all = [...this.rows.values()]
      .filter((v) => v.modelName === modelName)
      .sort((a, b) => b.version - a.version);
    return page(all, request);
  }
  async changeStatus(modelName: string, version: number, expected: VersionStatus, entry: AuditEntry) {
    const current = this.rows.get(`${modelName}#${version}`);
    if (current?.status !== expected) throw new ConflictError('changed');
    const next = { ...current, status: entry.to, auditTrail: [...current.auditTrail, entry] };
    this.rows.set(`${modelName}#${version}`, next);
    return next;
  }
  async delete(modelName: string, version: number) {
    this.rows.delete(`${modelName}#${version}`);
  }
}

export class InMemoryUploads implements UploadRepository {
  readonly rows = new Map<string, UploadRecord>();
  async create(upload: UploadRecord) {
    this.rows.set(upload.uploadId, upload);
  }
  async get(uploadId: string) {
    return this.rows.get(uploadId);
  }
  async delete(uploadId: string) {
    this.rows.delete(uploadId);
  }
}

export class InMemoryArtifacts implements ArtifactStore {
  readonly objects = new Map<string, Uint8Array>();
  async put(key: string, bytes: Uint8Array) {
    this.objects.set(key, bytes);
    return {};
  }
  async get(key: string) {
    return this.objects.get(key);
  }
  async size(key: string) {
    return this.objects.get(key)?.byteLength;
  }
  async delete(key: string) {
    this.objects.delete(key);
  }
  async presignedUploadUrl(key: string) {
    return `https://uploads.example/${key}`;
  }
  async presignedDownloadUrl(key: string) {
    return `https://downloads.example/${key}`;
  }
}
