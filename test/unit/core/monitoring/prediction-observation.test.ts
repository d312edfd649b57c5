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
      { usage: h.sink },
      { principal: key, model: 'iris', requestId: 'r1', inputs: [[1, 2]] },
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
        { usage: h.sink },
        { principal: key, model: 'iris', requestId: 'r1', inputs: [[1, 2]] },
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
        { usage: h.sink },
        { principal: key, model: 'iris', requestId: 'r1', inputs: [[1, 2]] },
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
        { usage: h.sink },
        { principal: key, model: 'no-such-model', requestId: 'r1', inputs: [[1, 2]] },
        async () => {
          throw new NotFoundError('No model named no-such-model.');
        },
        () => 1,
        h.clock,
      ),
    ).rejects.toMatchObject({ status: 404 });
    expect(h.recorded).toEqual([]);
  });

  it('offers a successful answer to capture with the model’s settings, and a failed one not', async () => {
    const h = harness();
    const offers: { settings: unknown; record: unknown }[] = [];
    const capture = {
      offer: (settings: any, build: (time: string, includeInputs: boolean) => unknown) => {
        offers.push({ settings, record: build('2026-12-04T20:00:00.000Z', settings.includeInputs) });
        return true;
      },
    };
    const settings = { sampleRate: 0.5, includeInputs: true };
    await observePrediction(
      { usage: h.sink, capture },
      { principal: key, model: 'iris', requestId: 'req-1', inputs: [[1, 2]] },
      async (observer) => {
        observer.chosen({ version: 2, alias: 'canary', capture: settings });
        return { predictions: [7] };
      },
      (r) => r.predictions.length,
      h.clock,
    );
    await expect(
      observePrediction(
        { usage: h.sink, capture },
        { principal: key, model: 'iris', requestId: 'req-2', inputs: [[1]] },
        async (observer) => {
          observer.chosen({ version: 2, capture: settings });
          throw new UnprocessableError('bad rows');
        },
        () => 1,
        h.clock,
      ),
    ).rejects.toThrow('bad rows');
    expect(offers).toEqual([
      {
        settings,
        record: {
          requestId: 'req-1',
          time: '2026-12-04T20:00:00.000Z',
          model: 'iris',
          version: 2,
          alias: 'canary',
          inputs: [[1, 2]],
          outputs: { predictions: [7] },
        },
      },
    ]);
  });
});
