/**
 * Ground truth through the local API: a trained iris classifier with capture on answers requests;
 * feedback on their `x-request-id`s (batched, a repeated id overwriting its record) → the live
 * accuracy of the version is exactly the share of labelled rows the model got right.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { irisRows, trainIris } from '../support/iris-training.ts';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';

let t: TestPlatform;
let alice: string;
let bob: string;

beforeAll(async () => {
  t = await startTestPlatform({
    functionEnvironment: { SERVING_CACHE_TTL_MS: '0', CAPTURE_FLUSH_INTERVAL_MS: '200' },
  });
  [alice, bob] = await Promise.all([t.token('alice'), t.token('bob')]);
});
afterAll(async () => t?.close());

async function liveUntil(done: (json: any) => boolean) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const response = await t.call('GET', '/v1/models/truth-iris/live-metrics?version=1', { token: alice });
    expect(response.status).toBe(200);
    if (done(response.json) || Date.now() > deadline) return response.json;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('ground truth → live metric', () => {
  it('joins feedback with captured predictions into the live accuracy of the version', async () => {
    await trainIris(t, alice, 'truth-iris');
    expect(
      (await t.call('PATCH', '/v1/models/truth-iris', { token: alice, body: { capture: { sampleRate: 1 } } }))
        .status,
    ).toBe(200);
    const answers: { requestId: string; predictions: unknown[] }[] = [];
    for (const instances of [irisRows.slice(0, 10), irisRows.slice(50, 60), irisRows.slice(100, 101)]) {
      const answer = await t.call('POST', '/v1/models/truth-iris/predict', {
        token: alice,
        body: { instances },
      });
      expect(answer.status).toBe(200);
      answers.push({
        requestId: answer.headers.get('x-request-id') as string,
        predictions: answer.json.predictions,
      });
    }
    const [first, second, single] = answers as [
      (typeof answers)[0],
      (typeof answers)[0],
      (typeof answers)[0],
    ];
    const labels = [...new Set(answers.flatMap((a) => a.predictions.map(String)))];
    const wrong = (p: unknown) => labels.find((l) => l !== String(p)) ?? `not-${String(p)}`;

    const before = await liveUntil((json) => json.versions[0]?.capturedRequests === 3);
    expect(before.versions).toEqual([
      expect.objectContaining({
        version: 1,
        metric: 'accuracy',
        value: null,
        labelledRows: 0,
        capturedRequests: 3,
      }),
    ]);

    // first request all right, second all wrong, the single-row one right as a scalar
    const feedback = await t.call('POST', '/v1/models/truth-iris/feedback', {
      token: alice,
      body: [
        { requestId: first.requestId, actual: first.predictions },
        { requestId: second.requestId, actual: second.predictions.map(wrong) },
        { requestId: single.requestId, actual: single.predictions[0] },
      ],
    });
    expect(feedback.status).toBe(200);
    expect(feedback.json).toEqual({ model: 'truth-iris', recorded: 3 });
    const labelled = await liveUntil((json) => json.versions[0]?.labelledRows === 21);
    expect(labelled.versions[0]).toMatchObject({ value: 11 / 21, labelledRows: 21, requestsWithFeedback: 3 });
    expect(typeof labelled.versions[0].trainingValue).toBe('number');

    // a corrected label for the second request overwrites its record; a retry of it changes nothing
    const correction = [{ requestId: second.requestId, actual: second.predictions }];
    for (let i = 0; i < 2; i += 1) {
      expect(
        (await t.call('POST', '/v1/models/truth-iris/feedback', { token: alice, body: correction })).status,
      ).toBe(200);
    }
    const corrected = await liveUntil(() => true);
    expect(corrected.versions[0]).toMatchObject({ value: 1, labelledRows: 21, requestsWithFeedback: 3 });
  }, 180_000);

  it('refuses feedback from whoever may not predict on the model, and malformed batches', async () => {
    const strangers = await t.call('POST', '/v1/models/truth-iris/feedback', {
      token: bob,
      body: [{ requestId: 'x', actual: 1 }],
    });
    expect(strangers.status).toBe(404);
    expect((await t.call('GET', '/v1/models/truth-iris/live-metrics', { token: bob })).status).toBe(404);
    for (const body of [
      [],
      [{ requestId: 'x' }],
      { requestId: 'x', actual: 1 },
      [{ requestId: 'a b', actual: 1 }],
    ]) {
      const refused = await t.call('POST', '/v1/models/truth-iris/feedback', { token: alice, body });
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toMatch(/problem\+json/);
      expect(refused.json).toMatchObject({ status: 400, title: expect.any(String) });
    }
    const twice = await t.call('POST', '/v1/models/truth-iris/feedback', {
      token: alice,
      body: [
        { requestId: 'same', actual: 1 },
        { requestId: 'same', actual: 2 },
      ],
    });
    expect(twice.status).toBe(400);
  });
});
