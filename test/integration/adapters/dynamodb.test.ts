/** The DynamoDB adapters against the DynamoDB emulator, with the tables made from the shared definitions. */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbApiKeyRepository } from '../../../functions/adapters/dynamodb/api-key-repository.ts';
import { DynamoDbIdempotencyStore } from '../../../functions/adapters/dynamodb/idempotency-store.ts';
import { DynamoDbRateCounter } from '../../../functions/adapters/dynamodb/rate-counter.ts';
import type { ApiKeyRecord } from '../../../functions/core/api-keys/api-keys.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../functions/core/errors.ts';
import { CursorSigner } from '../../../functions/core/pagination.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';

const cursors = new CursorSigner('integration-test-cursor-signing-key');

let emulators: TestEmulators;
beforeAll(async () => {
  emulators = await startTestEmulators();
});
afterAll(async () => emulators?.close());

function keyRecord(keyId: string, ownerId: string, createdAt: string): ApiKeyRecord {
  return {
    keyId,
    name: `key ${keyId}`,
    ownerId,
    ownerUsername: ownerId,
    role: 'user',
    scope: 'full',
    status: 'active',
    secretHash: 'a'.repeat(64),
    createdAt,
    createdBy: ownerId,
  };
}

describe('table provisioning', () => {
  it('creates the api keys table with the byOwner index from the shared definition', async () => {
    const table = await emulators.dynamodb.send(
      new DescribeTableCommand({ TableName: emulators.tableNames.apiKeys }),
    );
    expect(table.Table?.KeySchema).toEqual([{ AttributeName: 'keyId', KeyType: 'HASH' }]);
    expect(table.Table?.GlobalSecondaryIndexes?.[0]?.IndexName).toBe('byOwner');
  });
});

describe('DynamoDbApiKeyRepository', () => {
  it('stores a key and reads it back unchanged, refusing a duplicate id', async () => {
    const repository = new DynamoDbApiKeyRepository(
      emulators.documentClient,
      emulators.tableNames.apiKeys,
      cursors,
    );
    const record = {
      ...keyRecord('AAAAAAAAAAAAAAA1', 'owner-1', '2026-01-01T00:00:00.000Z'),
      expiresAt: '2027-01-01T00:00:00.000Z',
    };
    await repository.create(record);
    expect(await repository.get(record.keyId)).toEqual(record);
    await expect(repository.create(record)).rejects.toThrow(ConflictError);
    expect(await repository.get('ZZZZZZZZZZZZZZZZ')).toBeUndefined();
  });

  it("pages through one owner's keys newest first, and only theirs", async () => {
    const repository = new DynamoDbApiKeyRepository(
      emulators.documentClient,
      emulators.tableNames.apiKeys,
      cursors,
    );
    for (let i = 0; i < 5; i += 1) {
      await repository.create(keyRecord(`BBBBBBBBBBBBBBB${i}`, 'owner-2', `2026-02-0${i + 1}T00:00:00.000Z`));
    }
    await repository.create(keyRecord('CCCCCCCCCCCCCCCC', 'owner-3', '2026-02-09T00:00:00.000Z'));
    const first = await repository.listByOwner('owner-2', { limit: 3 });
    expect(first.items.map((k) => k.keyId)).toEqual([
      'BBBBBBBBBBBBBBB4',
      'BBBBBBBBBBBBBBB3',
      'BBBBBBBBBBBBBBB2',
    ]);
    const second = await repository.listByOwner('owner-2', { limit: 3, cursor: first.nextCursor });
    expect(second.items.map((k) => k.keyId)).toEqual(['BBBBBBBBBBBBBBB1', 'BBBBBBBBBBBBBBB0']);
    expect(second.nextCursor).toBeUndefined();
    await expect(repository.listByOwner('owner-2', { limit: 3, cursor: 'not-a-cursor' })).rejects.toThrow(
      ValidationError,
    );
    // A real cursor of another listing, and an unsigned LastEvaluatedKey of this one: both 400.
    await expect(repository.listByOwner('owner-3', { limit: 3, cursor: first.nextCursor })).rejects.toThrow(
      ValidationError,
    );
    const forged = Buffer.from(JSON.stringify({ keyId: 'X', ownerId: 'owner-2' })).toString('base64url');
    await expect(repository.listByOwner('owner-2', { limit: 3, cursor: forged })).rejects.toThrow(
      ValidationError,
    );
  });

  it('revokes with a conditional write: concurrent revokes agree, unknown keys are 404', async () => {
    const repository = new DynamoDbApiKeyRepository(
      emulators.documentClient,
      emulators.tableNames.apiKeys,
      cursors,
    );
    await repository.create(keyRecord('DDDDDDDDDDDDDDDD', 'owner-4', '2026-03-01T00:00:00.000Z'));
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        repository.revoke('DDDDDDDDDDDDDDDD', `admin-${i}`, `2026-03-02T00:00:0${i}.000Z`),
      ),
    );
    const revokers = new Set(results.map((r) => r.revokedBy));
    expect(revokers.size).toBe(1);
    expect(results.every((r) => r.status === 'revoked')).toBe(true);
    await expect(repository.revoke('EEEEEEEEEEEEEEEE', 'admin', '2026-03-02T00:00:00.000Z')).rejects.toThrow(
      NotFoundError,
    );
  });
});

describe('DynamoDbRateCounter', () => {
  it('counts 50 concurrent requests as 1..50 with no lost update', async () => {
    const counter = new DynamoDbRateCounter(emulators.documentClient, emulators.tableNames.usage);
    const counts = await Promise.all(
      Array.from({ length: 50 }, () => counter.increment('key#K', 1_800_000_000, 1_800_003_600)),
    );
    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await counter.increment('key#K', 1_800_000_060, 1_800_003_660)).toBe(1);
  });
});

describe('DynamoDbIdempotencyStore', () => {
  it('lets one of many concurrent claims win, then replays the stored response', async () => {
    const store = new DynamoDbIdempotencyStore(emulators.documentClient, emulators.tableNames.idempotency);
    const expiresAt = Math.floor(Date.now() / 1000) + 600;
    const claims = await Promise.all(
      Array.from({ length: 10 }, () => store.claim('u|op|k1', 'hash-1', expiresAt)),
    );
    expect(claims.filter((c) => c === undefined)).toHaveLength(1);
    expect(claims.filter((c) => c?.state === 'in-progress')).toHaveLength(9);

    const response = { statusCode: 201, headers: { location: '/v1/x/1' }, body: '{"id":1}' };
    await store.complete('u|op|k1', response, expiresAt);
    expect(await store.claim('u|op|k1', 'hash-1', expiresAt)).toEqual({
      state: 'completed',
      requestHash: 'hash-1',
      response,
    });
  });

  it('frees a released claim and treats an expired record as absent', async () => {
    const now = Math.floor(Date.now() / 1000);
    const store = new DynamoDbIdempotencyStore(emulators.documentClient, emulators.tableNames.idempotency);
    expect(await store.claim('u|op|k2', 'h', now + 600)).toBeUndefined();
    await store.release('u|op|k2');
    expect(await store.claim('u|op|k2', 'h', now + 600)).toBeUndefined();

    expect(await store.claim('u|op|k3', 'h', now - 1)).toBeUndefined();
    expect(await store.claim('u|op|k3', 'h2', now + 600)).toBeUndefined();
  });
});
