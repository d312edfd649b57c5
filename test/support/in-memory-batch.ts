/** In-memory stand-ins for the batch workflow's storage, with the same rules as the real adapters. */
import type {
  BatchJobChange,
  BatchJobRecord,
  BatchJobRepository,
} from '../../functions/core/batch/batch-jobs.ts';
import type { BatchFiles } from '../../functions/core/batch/pipeline.ts';
import type { Page, PageRequest } from '../../functions/core/pagination.ts';

const ACTIVE = ['PENDING', 'RUNNING'];

export class InMemoryBatchJobs implements BatchJobRepository {
  readonly rows = new Map<string, BatchJobRecord & { countedChunks?: number[] }>();

  async create(job: BatchJobRecord) {
    if (this.rows.has(job.jobId)) throw new Error('exists');
    this.rows.set(job.jobId, job);
  }
  async get(jobId: string) {
    const row = this.rows.get(jobId);
    if (row === undefined) return undefined;
    const { countedChunks: _, ...job } = row;
    return job;
  }
  async listByOwner(ownerId: string, page: PageRequest): Promise<Page<BatchJobRecord>> {
    return { items: [...this.rows.values()].filter((j) => j.ownerId === ownerId).slice(0, page.limit) };
  }
  async listAll(page: PageRequest): Promise<Page<BatchJobRecord>> {
    return { items: [...this.rows.values()].slice(0, page.limit) };
  }
  async updateIfActive(jobId: string, change: BatchJobChange) {
    const job = this.rows.get(jobId);
    if (job === undefined || !ACTIVE.includes(job.status)) return undefined;
    const next = { ...job, ...change };
    this.rows.set(jobId, next);
    return next;
  }
  async recordChunk(jobId: string, chunk: number, counts: { rows: number; errors: number }, at: string) {
    const job = this.rows.get(jobId);
    if (job === undefined || !ACTIVE.includes(job.status)) return undefined;
    if (job.countedChunks?.includes(chunk)) return job;
    const next = {
      ...job,
      rowsDone: job.rowsDone + counts.rows,
      errorCount: job.errorCount + counts.errors,
      chunksDone: job.chunksDone + 1,
      countedChunks: [...(job.countedChunks ?? []), chunk],
      updatedAt: at,
    };
    this.rows.set(jobId, next);
    return next;
  }
}

export class InMemoryBatchFiles implements BatchFiles {
  readonly bucket = 'test-bucket';
  readonly objects = new Map<string, Uint8Array>();
  readonly metadata = new Map<string, Record<string, string>>();
  readonly puts: string[] = [];

  async open(key: string, range?: { start: number; end: number }) {
    const bytes = this.objects.get(key);
    if (bytes === undefined) return undefined;
    const slice = range === undefined ? bytes : bytes.subarray(range.start, range.end);
    return (async function* () {
      for (let i = 0; i < slice.length; i += 4096) yield slice.subarray(i, i + 4096);
    })();
  }
  async get(key: string) {
    return this.objects.get(key);
  }
  async put(key: string, body: string | Uint8Array, _contentType = 'application/octet-stream') {
    this.puts.push(key);
    this.objects.set(key, typeof body === 'string' ? new TextEncoder().encode(body) : body);
  }
  async concatenate(target: string, parts: readonly string[], options: { metadata: Record<string, string> }) {
    const chunks = parts.map((key) => {
      const bytes = this.objects.get(key);
      if (bytes === undefined) throw new Error(`no part ${key}`);
      return bytes;
    });
    const joined = Buffer.concat(chunks);
    this.objects.set(target, new Uint8Array(joined));
    this.metadata.set(target, options.metadata);
    return joined.byteLength;
  }
  async delete(keys: readonly string[]) {
    for (const key of keys) this.objects.delete(key);
  }
  text(key: string): string | undefined {
    const bytes = this.objects.get(key);
    return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
  }
}
