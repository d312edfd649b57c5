import { describe, expect, it } from 'vitest';
import type { Principal } from '#core/auth/principal.ts';
import { NotFoundError, UnprocessableError } from '#core/errors.ts';
import { observePrediction } from '#core/monitoring/prediction-observation.ts';
import type { PredictionUsage } from '#core/monitoring/usage-records.ts';

const key: Principal = {
  userId: 'u1',
  username: 'alice',
  role: 'user',
  via: 'apiKey',
  keyId: 'k1',
  scope: 'predict',
};

function harness() {
  const recorded: PredictionUsage[] = [];
  let t = 100;
  const clock = () => t;
  const advance = (ms: number) => {
    t += ms;
  };
  return { recorded, sink: { record: (u: PredictionUsage) => recorded.push(u) }, clock, advance };
}

describe('observePrediction', () => {
  it('records the chosen version and alias, the rows, handler and model times, and the API key as caller', async () => {
    const h = harness();
    const answer = await observePrediction(
      h.sink,
      key,
      'iris',
      async (observer) => {
        h.advance(2);
        observer.chosen({ version: 3, alias: 'canary' });
        h.advance(5);
        observer.modelRan();
        h.advance(1);
        return { predictions: [1, 2, 3] };
      },
      (r) => r.predictions.length,
      h.clock,
    );
    expect(answer.predictions).toHaveLength(3);
    expect(h.recorded).toEqual([
      {
        model: 'iris',
        version: 3,
        alias: 'canary',
        caller: 'key:k1',
        callerName: 'alice',
        rows: 3,
        status: 200,
        handlerMs: 8,
        modelMs: 5,
      },
    ]);
  });

  it('records a failure after the version was chosen with its status and no rows, and rethrows', async () => {
    const h = harness();
    const refused = new UnprocessableError('bad rows');
    await expect(
      observePrediction(
        h.sink,
        key,
        'iris',
        async (observer) => {
          observer.chosen({ version: 1 });
          throw refused;
        },
        () => 1,
        h.clock,
      ),
    ).rejects.toBe(refused);
    expect(h.recorded).toEqual([expect.objectContaining({ version: 1, status: 422, rows: 0 })]);
    expect(h.recorded[0]).not.toHaveProperty('modelMs');
    expect(h.recorded[0]).not.toHaveProperty('alias');
  });

  it('counts an unexpected error as 5xx', async () => {
    const h = harness();
    await expect(
      observePrediction(
        h.sink,
        key,
        'iris',
        async (observer) => {
          observer.chosen({ version: 1 });
          throw new Error('runtime crashed');
        },
        () => 1,
        h.clock,
      ),
    ).rejects.toThrow('runtime crashed');
    expect(h.recorded[0]?.status).toBe(500);
  });

  it('records nothing when the request was refused before a version was chosen', async () => {
    const h = harness();
    await expect(
      observePrediction(
        h.sink,
        key,
        'no-such-model',
        async () => {
          throw new NotFoundError('No model named no-such-model.');
        },
        () => 1,
        h.clock,
      ),
    ).rejects.toMatchObject({ status: 404 });
    expect(h.recorded).toEqual([]);
  });
});
