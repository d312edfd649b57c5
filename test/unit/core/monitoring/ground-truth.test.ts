import { describe, expect, it } from 'vitest';
import type { Principal } from '#core/auth/principal.ts';
import { NotFoundError, ValidationError } from '#core/errors.ts';
import {
  type FeedbackRecord,
  type FeedbackStore,
  liveMetrics,
  recordFeedback,
} from '#core/monitoring/ground-truth.ts';
import type { CapturedPrediction } from '#core/monitoring/prediction-capture.ts';
import type { ModelRecord } from '#core/registry/model-records.ts';

const owner: Principal = { userId: 'alice', username: 'alice', role: 'user', via: 'token', scope: 'full' };
const stranger: Principal = { ...owner, userId: 'bob', username: 'bob' };
const modelOf = (task: string, extra: Partial<ModelRecord> = {}) =>
  ({
    name: 'm',
    ownerId: 'alice',
    teamVisible: false,
    task,
    latestVersion: 1,
    aliases: {},
    ...extra,
  }) as unknown as ModelRecord;

class MemoryFeedback implements FeedbackStore {
  readonly records = new Map<string, FeedbackRecord>();
  readonly lookups: number[] = [];
  async save(records: readonly FeedbackRecord[]) {
    for (const r of records) this.records.set(`${r.model}#${r.requestId}`, r);
  }
  async get(model: string, ids: readonly string[]) {
    this.lookups.push(ids.length);
    return ids.flatMap((id) => {
      const r = this.records.get(`${model}#${id}`);
      return r === undefined ? [] : [r];
    });
  }
}

const captured = (version: number, requestId: string, predictions: unknown[]): CapturedPrediction => ({
  requestId,
  time: '2026-12-04T10:00:00.000Z',
  model: 'm',
  version,
  outputs: { predictions, version },
});

describe('recordFeedback', () => {
  it('stores each item with who sent it and when; refuses duplicates in a batch and strangers', async () => {
    const feedback = new MemoryFeedback();
    const deps = { models: { get: async () => modelOf('classification') }, feedback };
    const now = new Date('2026-12-04T12:00:00Z');
    const result = await recordFeedback(owner, 'm', [{ requestId: 'r1', actual: 'a' }], deps, now);
    expect(result).toEqual({ model: 'm', recorded: 1 });
    expect(feedback.records.get('m#r1')).toEqual({
      model: 'm',
      requestId: 'r1',
      actual: 'a',
      receivedAt: now.toISOString(),
      receivedFrom: 'alice',
    });
    await expect(
      recordFeedback(
        owner,
        'm',
        [
          { requestId: 'r1', actual: 'a' },
          { requestId: 'r1', actual: 'b' },
        ],
        deps,
      ),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      recordFeedback(stranger, 'm', [{ requestId: 'r2', actual: 'a' }], deps),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect([...feedback.records.keys()]).toEqual(['m#r1']);
  });
});

describe('liveMetrics', () => {
  const window = { from: new Date('2026-12-04T09:00:00Z'), to: new Date('2026-12-04T11:00:00Z') };

  it('joins feedback with captured predictions per served version (both arms of a split)', async () => {
    const feedback = new MemoryFeedback();
    await feedback.save([
      { model: 'm', requestId: 'a', actual: ['x', 'y'], receivedAt: '', receivedFrom: 'alice' },
      { model: 'm', requestId: 'b', actual: 'y', receivedAt: '', receivedFrom: 'alice' },
      { model: 'm', requestId: 'c', actual: ['x'], receivedAt: '', receivedFrom: 'alice' },
      // row count does not match the request's: left out
      { model: 'm', requestId: 'd', actual: ['x', 'x', 'x'], receivedAt: '', receivedFrom: 'alice' },
      { model: 'm', requestId: 'not-captured', actual: 'x', receivedAt: '', receivedFrom: 'alice' },
    ]);
    const captures = {
      v1: [captured(1, 'a', ['x', 'x']), captured(1, 'b', ['y']), captured(1, 'd', ['x', 'x'])],
      v2: [captured(2, 'c', ['z']), captured(2, 'unlabelled', ['z'])],
    };
    const model = modelOf('classification', {
      latestVersion: 2,
      aliases: { production: { routes: [{ version: 1 }, { version: 2 }] } },
    } as unknown as Partial<ModelRecord>);
    const result = await liveMetrics(owner, 'm', window, {
      models: { get: async () => model },
      versions: { get: async (_m, v) => ({ metrics: v === 1 ? { accuracy: 0.9 } : {} }) },
      captures: {
        async *list(_m, version) {
          yield* version === 1 ? captures.v1 : captures.v2;
        },
      },
      feedback,
    });
    expect(result.versions).toEqual([
      {
        version: 1,
        metric: 'accuracy',
        value: 2 / 3,
        labelledRows: 3,
        capturedRequests: 3,
        requestsWithFeedback: 3,
        trainingValue: 0.9,
      },
      {
        version: 2,
        metric: 'accuracy',
        value: 0,
        labelledRows: 1,
        capturedRequests: 2,
        requestsWithFeedback: 1,
        trainingValue: null,
      },
    ]);
  });

  it('uses R² for regression, looks feedback up 100 ids at a time, and bounds the window', async () => {
    const feedback = new MemoryFeedback();
    const records = Array.from({ length: 250 }, (_, i) => captured(1, `r${i}`, [i]));
    await feedback.save(
      records.map((r, i) => ({
        model: 'm',
        requestId: r.requestId,
        actual: i,
        receivedAt: '',
        receivedFrom: 'a',
      })),
    );
    const deps = {
      models: { get: async () => modelOf('regression') },
      versions: { get: async () => ({ metrics: { r2: 0.5 } }) },
      captures: {
        async *list() {
          yield* records;
        },
      },
      feedback,
    };
    const result = await liveMetrics(owner, 'm', { ...window, version: 1 }, deps);
    expect(result.versions[0]).toMatchObject({
      metric: 'r2',
      value: 1,
      labelledRows: 250,
      trainingValue: 0.5,
    });
    expect(feedback.lookups).toEqual([100, 100, 50]);
    await expect(
      liveMetrics(owner, 'm', { from: new Date('2026-11-01T00:00:00Z'), to: window.to }, deps),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(liveMetrics(owner, 'm', { from: window.to, to: window.from }, deps)).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      liveMetrics(owner, 'm', window, { ...deps, versions: { get: async () => undefined } }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});
