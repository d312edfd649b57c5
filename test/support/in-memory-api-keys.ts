/** An in-memory ApiKeyRepository for unit tests of the use cases (the DynamoDB one is tested against the emulator). */
import type { ApiKeyRecord, ApiKeyRepository } from '../../functions/core/api-keys/api-keys.ts';
import { ConflictError, NotFoundError } from '../../functions/core/errors.ts';
import type { Page, PageRequest } from '../../functions/core/pagination.ts';

export class InMemoryApiKeys implements ApiKeyRepository {
  readonly records = new Map<string, ApiKeyRecord>();

  async create(record: ApiKeyRecord): Promise<void> {
    if (this.records.has(record.keyId)) throw new ConflictError('exists');
    this.records.set(record.keyId, record);
  }
  async get(keyId: string) {
    return this.records.get(keyId);
  }
  #page(items: ApiKeyRecord[], page: PageRequest): Page<ApiKeyRecord> {
    const start = page.cursor === undefined ? 0 : Number(page.cursor);
    const end = start + page.limit;
    return { items: items.slice(start, end), nextCursor: end < items.length ? String(end) : undefined };
  }
  async listByOwner(ownerId: string, page: PageRequest) {
    return this.#page(
      [...this.records.values()].filter((r) => r.ownerId === ownerId),
      page,
    );
  }
  async listAll(page: PageRequest) {
    return this.#page([...this.records.values()], page);
  }
  async revoke(keyId: string, revokedBy: string, revokedAt: string) {
    const record = this.records.get(keyId);
    if (record === undefined) throw new NotFoundError('none');
    const revoked: ApiKeyRecord = { ...record, status: 'revoked', revokedBy, revokedAt };
    this.records.set(keyId, revoked);
    return revoked;
  }
}
