/** Per-user "valid after" times in the usage table, against the DynamoDB emulator. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbTokenRevocations } from '../../../functions/adapters/dynamodb/token-revocation-repository.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';

let emulators: TestEmulators;
let revocations: DynamoDbTokenRevocations;
const now = new Date('2026-12-04T12:00:00Z');
const nowSeconds = now.getTime() / 1000;

beforeAll(async () => {
  emulators = await startTestEmulators();
  revocations = new DynamoDbTokenRevocations(emulators.documentClient, emulators.tableNames.usage);
});
afterAll(async () => emulators?.close());

describe('DynamoDbTokenRevocations', () => {
  it('reads nothing for a user never revoked, then the time written', async () => {
    expect(await revocations.notBefore('u-new', now)).toBeUndefined();
    await revocations.revokeBefore('u-new', nowSeconds, nowSeconds + 90_000);
    expect(await revocations.notBefore('u-new', now)).toBe(nowSeconds);
  });

  it('never moves the time backwards, whatever order concurrent writes land in', async () => {
    // Act
    await Promise.all(
      [5, 1, 9, 3, 7].map((offset) =>
        revocations.revokeBefore('u-race', nowSeconds + offset, nowSeconds + 90_000),
      ),
    );
    await revocations.revokeBefore('u-race', nowSeconds, nowSeconds + 90_000);
    // Assess
    expect(await revocations.notBefore('u-race', now)).toBe(nowSeconds + 9);
  });

  it('treats an expired record as absent (the emulator has no TTL)', async () => {
    // Prepare
    await emulators.documentClient.send(
      new PutCommand({
        TableName: emulators.tableNames.usage,
        Item: {
          pk: 'revocation#u-old',
          sk: 'tokens',
          notBefore: nowSeconds - 100_000,
          expiresAt: nowSeconds - 1,
        },
      }),
    );
    // Act / Assess
    expect(await revocations.notBefore('u-old', now)).toBeUndefined();
  });
});
