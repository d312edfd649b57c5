/** Ground truth records in the usage table, against the DynamoDB emulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedbackRecord } from '#core/monitoring/ground-truth.ts';
import { DynamoDbFeedbackRepository } from '../../../functions/adapters/dynamodb/feedback-repository.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';

let emulators: TestEmulators;
let feedback: DynamoDbFeedbackRepository;

beforeAll(async () => {
  emulators = await startTestEmulators();
  feedback = new DynamoDbFeedbackRepository(emulators.documentClient, emulators.tableNames.usage);
});
afterAll(async () => emulators?.close());

const record = (requestId: string, actual: FeedbackRecord['actual'], receivedAt: string): FeedbackRecord => ({
  model: 'iris',
  requestId,
  actual,
  receivedAt,
  receivedFrom: 'alice',
});

describe('DynamoDbFeedbackRepository', () => {
  it('overwrites a request id with a newer record, never with an older one, and reads by id', async () => {
    const t1 = new Date(Date.now() - 60_000).toISOString();
    const t2 = new Date().toISOString();
    await feedback.save([record('a', 'setosa', t1), record('b', [1, 2], t1)]);
    await feedback.save([record('a', 'virginica', t2)]);
    await feedback.save([record('a', 'versicolor', t1)]); // a delayed retry of an older batch
    await feedback.save([record('b', [1, 2], t1)]); // the same batch again: same record
    const found = await feedback.get('iris', ['a', 'b', 'missing']);
    expect(found.sort((x, y) => x.requestId.localeCompare(y.requestId))).toEqual([
      record('a', 'virginica', t2),
      record('b', [1, 2], t1),
    ]);
    expect(await feedback.get('other-model', ['a'])).toEqual([]);
  });

  it('writes and reads more ids than one BatchGetItem takes', async () => {
    const at = new Date().toISOString();
    const many = Array.from({ length: 230 }, (_, i) => record(`many-${i}`, i, at));
    await feedback.save(many);
    const found = await feedback.get(
      'iris',
      many.map((r) => r.requestId),
    );
    expect(found).toHaveLength(230);
    expect(new Set(found.map((r) => r.actual))).toEqual(new Set(many.map((r) => r.actual)));
  });
});
