/**
 * API key use cases: create (the secret is returned once, only its hash is kept), list, get,
 * revoke, and authenticate a presented key. Flow: access rules → repository → view without hash.
 */
import { assertAdmin, listingOwner, requireAccess } from '../auth/access-rules.ts';
import { generateApiKey, parseApiKey, secretMatches } from '../auth/api-key-secret.ts';
import type { ApiKeyScope, Principal, Role } from '../auth/principal.ts';
import { AuthenticationError, UnprocessableError } from '../errors.ts';
import type { Page, PageRequest } from '../pagination.ts';
import type { UserDirectory } from '../users/user-directory.ts';

export interface ApiKeyRecord {
  readonly keyId: string;
  readonly name: string;
  readonly ownerId: string;
  readonly ownerUsername: string;
  readonly role: Role;
  readonly scope: ApiKeyScope;
  readonly status: 'active' | 'revoked';
  readonly secretHash: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly expiresAt?: string;
  readonly revokedAt?: string;
  readonly revokedBy?: string;
  readonly rateLimitPerMinute?: number;
}

export type ApiKeyView = Omit<ApiKeyRecord, 'secretHash'>;

export interface ApiKeyRepository {
  /** Fails with ConflictError if the id exists (a 96-bit id makes that a bug, not a race). */
  create(record: ApiKeyRecord): Promise<void>;
  get(keyId: string): Promise<ApiKeyRecord | undefined>;
  listByOwner(ownerId: string, page: PageRequest): Promise<Page<ApiKeyRecord>>;
  listAll(page: PageRequest): Promise<Page<ApiKeyRecord>>;
  /** Marks an active key revoked (conditional write); returns the record as it now stands. */
  revoke(keyId: string, revokedBy: string, revokedAt: string): Promise<ApiKeyRecord>;
}

export interface CreateApiKeyInput {
  readonly name: string;
  readonly scope: ApiKeyScope;
  readonly owner?: string;
  readonly expiresAt?: string;
  readonly rateLimitPerMinute?: number;
}

export interface ApiKeyDeps {
  readonly apiKeys: ApiKeyRepository;
  readonly users: UserDirectory;
  readonly now: () => Date;
}

export function toApiKeyView(record: ApiKeyRecord): ApiKeyView {
  const { secretHash: _secretHash, ...view } = record;
  return view;
}

export async function createApiKey(
  principal: Principal,
  input: CreateApiKeyInput,
  deps: ApiKeyDeps,
): Promise<{ key: ApiKeyView; apiKey: string }> {
  const now = deps.now();
  if (input.expiresAt !== undefined && Date.parse(input.expiresAt) <= now.getTime()) {
    throw new UnprocessableError('expiresAt must be in the future.', { field: 'body.expiresAt' });
  }
  if (input.rateLimitPerMinute !== undefined) assertAdmin(principal, 'set a rate limit on a key');

  let owner: { userId: string; username: string; role: Role };
  if (input.owner === undefined || input.owner === principal.username) {
    owner = { userId: principal.userId, username: principal.username, role: principal.role };
  } else {
    assertAdmin(principal, 'create API keys for other users');
    const user = await deps.users.getUser(input.owner);
    if (user === undefined || !user.enabled || user.role === null) {
      throw new UnprocessableError(`No enabled platform user is named "${input.owner}".`, {
        field: 'body.owner',
      });
    }
    owner = { userId: user.userId, username: user.username, role: user.role };
  }
  // A predict-only key must not become a way to mint full keys.
  if (principal.via === 'apiKey') assertAdmin(principal, 'create API keys with an API key');

  const generated = generateApiKey();
  const record: ApiKeyRecord = {
    keyId: generated.keyId,
    name: input.name,
    ownerId: owner.userId,
    ownerUsername: owner.username,
    role: owner.role,
    scope: input.scope,
    status: 'active',
    secretHash: generated.secretHash,
    createdAt: now.toISOString(),
    createdBy: principal.username,
    ...(input.expiresAt === undefined ? {} : { expiresAt: input.expiresAt }),
    ...(input.rateLimitPerMinute === undefined ? {} : { rateLimitPerMinute: input.rateLimitPerMinute }),
  };
  await deps.apiKeys.create(record);
  return { key: toApiKeyView(record), apiKey: generated.plaintext };
}

export async function listApiKeys(
  principal: Principal,
  query: PageRequest & { ownerId?: string },
  deps: Pick<ApiKeyDeps, 'apiKeys'>,
): Promise<Page<ApiKeyView>> {
  const ownerId = listingOwner(principal, query.ownerId);
  const page = { limit: query.limit, cursor: query.cursor };
  const result =
    ownerId === undefined ? await deps.apiKeys.listAll(page) : await deps.apiKeys.listByOwner(ownerId, page);
  return { items: result.items.map(toApiKeyView), nextCursor: result.nextCursor };
}

export async function getApiKey(
  principal: Principal,
  keyId: string,
  deps: Pick<ApiKeyDeps, 'apiKeys'>,
): Promise<ApiKeyView> {
  const record = requireAccess(principal, await deps.apiKeys.get(keyId), 'read', `No API key ${keyId}.`);
  return toApiKeyView(record);
}

export async function revokeApiKey(
  principal: Principal,
  keyId: string,
  deps: Pick<ApiKeyDeps, 'apiKeys' | 'now'>,
): Promise<ApiKeyView> {
  const record = requireAccess(principal, await deps.apiKeys.get(keyId), 'write', `No API key ${keyId}.`);
  if (record.status === 'revoked') return toApiKeyView(record);
  return toApiKeyView(await deps.apiKeys.revoke(keyId, principal.username, deps.now().toISOString()));
}

/**
 * Revokes the active keys of one owner (those matching `which`, default all); used when an admin
 * disables or demotes the owner, so no key outlives the rights it was made with.
 */
export async function revokeAllKeysOf(
  ownerId: string,
  revokedBy: string,
  deps: Pick<ApiKeyDeps, 'apiKeys' | 'now'>,
  which: (key: ApiKeyRecord) => boolean = () => true,
): Promise<number> {
  let revoked = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.apiKeys.listByOwner(ownerId, { limit: 100, cursor });
    for (const key of page.items) {
      if (key.status !== 'active' || !which(key)) continue;
      await deps.apiKeys.revoke(key.keyId, revokedBy, deps.now().toISOString());
      revoked += 1;
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return revoked;
}

/** Turns a presented key into the principal it stands for, or refuses with one uniform message. */
export async function authenticateApiKey(
  presented: string,
  deps: Pick<ApiKeyDeps, 'apiKeys' | 'now'>,
): Promise<Principal> {
  const invalid = new AuthenticationError('The API key is not valid: unknown, revoked or expired.');
  const parsed = parseApiKey(presented);
  if (parsed === null) throw invalid;
  const record = await deps.apiKeys.get(parsed.keyId);
  if (record === undefined || !secretMatches(parsed.secret, record.secretHash)) throw invalid;
  if (record.status !== 'active') throw invalid;
  if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= deps.now().getTime()) throw invalid;
  return {
    userId: record.ownerId,
    username: record.ownerUsername,
    role: record.role,
    via: 'apiKey',
    keyId: record.keyId,
    scope: record.scope,
    ...(record.rateLimitPerMinute === undefined ? {} : { rateLimitPerMinute: record.rateLimitPerMinute }),
  };
}
