/** Alerts in the usage table, against the DynamoDB emulator: conditional open and resolve. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbAlertRepository } from '../../../functions/adapters/dynamodb/alert-repository.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';

let emulators: TestEmulators;
let alerts: DynamoDbAlertRepository;

beforeAll(async () => {
  emulators = await startTestEmulators();
  alerts = new DynamoDbAlertRepository(emulators.documentClient, emulators.tableNames.usage);
});
afterAll(async () => emulators?.close());

describe('DynamoDbAlertRepository', () => {
  it('opens an alert once, resolves it once, and reopens it after it was resolved', async () => {
    const opened = await alerts.open('iris', 'drift', 'petal_length_cm drifted', '2026-12-04T10:00:00.000Z');
    expect(opened).toEqual({
      model: 'iris',
      rule: 'drift',
      state: 'open',
      openedAt: '2026-12-04T10:00:00.000Z',
      detail: 'petal_length_cm drifted',
    });
    expect(await alerts.open('iris', 'drift', 'again', '2026-12-04T10:05:00.000Z')).toBeUndefined();
    expect(await alerts.list('iris')).toEqual([opened]);

    const resolved = await alerts.resolve('iris', 'drift', '2026-12-04T11:00:00.000Z');
    expect(resolved).toMatchObject({ state: 'resolved', resolvedAt: '2026-12-04T11:00:00.000Z' });
    expect(await alerts.resolve('iris', 'drift', '2026-12-04T11:05:00.000Z')).toBeUndefined();
    expect(await alerts.list('iris', 'open')).toEqual([]);
    expect(await alerts.list('iris', 'resolved')).toHaveLength(1);

    const reopened = await alerts.open('iris', 'drift', 'drifted again', '2026-12-04T12:00:00.000Z');
    expect(reopened).toEqual({
      model: 'iris',
      rule: 'drift',
      state: 'open',
      openedAt: '2026-12-04T12:00:00.000Z',
      detail: 'drifted again',
    });
    expect(await alerts.list('iris')).toHaveLength(1);
  });

  it('resolves nothing that was never opened, and keeps models apart', async () => {
    expect(await alerts.resolve('other', 'latency', '2026-12-04T10:00:00.000Z')).toBeUndefined();
    expect(await alerts.list('other')).toEqual([]);
    await Promise.all([
      alerts.open('a', 'errorRate', 'x', '2026-12-04T10:00:00.000Z'),
      alerts.open('a', 'errorRate', 'y', '2026-12-04T10:00:00.000Z'),
      alerts.open('ab', 'latency', 'z', '2026-12-04T10:00:00.000Z'),
    ]).then((results) => expect(results.filter((r) => r !== undefined)).toHaveLength(2));
    expect((await alerts.list('a')).map((r) => r.rule)).toEqual(['errorRate']);
  });
});
