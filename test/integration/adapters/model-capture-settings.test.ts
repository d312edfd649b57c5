/** A model's prediction-capture settings in the models table, against the DynamoDB emulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbModelRepository } from '../../../functions/adapters/dynamodb/model-repository.ts';
import { CursorSigner } from '../../../functions/core/pagination.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';

let emulators: TestEmulators;
let models: DynamoDbModelRepository;

beforeAll(async () => {
  emulators = await startTestEmulators();
  models = new DynamoDbModelRepository(
    emulators.documentClient,
    emulators.tableNames.models,
    new CursorSigner('integration-test-cursor-signing-key'),
  );
});
afterAll(async () => emulators?.close());

describe('DynamoDbModelRepository.update capture', () => {
  it('sets, changes and removes the capture settings, leaving the rest of the model alone', async () => {
    await models.create({
      name: 'captured',
      ownerId: 'owner-a',
      ownerUsername: 'a',
      description: 'kept',
      task: 'classification',
      tags: [],
      teamVisible: false,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      latestVersion: 0,
      aliases: {},
    });
    expect((await models.get('captured'))?.capture).toBeUndefined();

    const on = await models.update(
      'captured',
      { capture: { sampleRate: 0.25, includeInputs: false } },
      '2026-01-02T00:00:00.000Z',
    );
    expect(on.capture).toEqual({ sampleRate: 0.25, includeInputs: false });
    expect((await models.get('captured'))?.capture).toEqual({ sampleRate: 0.25, includeInputs: false });

    const untouched = await models.update('captured', { description: 'changed' }, '2026-01-03T00:00:00.000Z');
    expect(untouched.capture).toEqual({ sampleRate: 0.25, includeInputs: false });

    const off = await models.update('captured', { capture: null }, '2026-01-04T00:00:00.000Z');
    expect(off).not.toHaveProperty('capture');
    expect(await models.get('captured')).toMatchObject({
      description: 'changed',
      updatedAt: '2026-01-04T00:00:00.000Z',
    });
    expect((await models.get('captured'))?.capture).toBeUndefined();
  });
});
