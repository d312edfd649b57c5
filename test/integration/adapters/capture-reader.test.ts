/** Captured predictions written by the capture recorder and read back by window, against the S3 emulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureRecorder } from '#core/monitoring/prediction-capture.ts';
import { S3BlobStore } from '../../../functions/adapters/s3/blob-store.ts';
import { S3CaptureReader } from '../../../functions/adapters/s3/capture-reader.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';

let emulators: TestEmulators;
let store: S3BlobStore;

beforeAll(async () => {
  emulators = await startTestEmulators();
  store = new S3BlobStore(emulators.s3, emulators.bucketNames.models);
});
afterAll(async () => emulators?.close());

describe('S3CaptureReader', () => {
  it('reads back what the recorder wrote, hour partition by hour partition, within the window only', async () => {
    let now = new Date('2026-12-04T18:59:00Z');
    const recorder = new CaptureRecorder({
      store: { put: async (key, body) => void (await store.put(key, body, 'application/x-ndjson')) },
      flushEveryRecords: 1000,
      flushIntervalMs: 60_000,
      writerId: 'it',
      now: () => now,
    });
    const offer = (n: number, version = 1) =>
      recorder.offer({ sampleRate: 1, includeInputs: true }, (time, includeInputs) => ({
        requestId: `r${n}`,
        time,
        model: 'iris',
        version,
        ...(includeInputs ? { inputs: [{ x: n }] } : {}),
        outputs: { predictions: [n] },
      }));
    offer(1);
    now = new Date('2026-12-04T19:30:00Z');
    offer(2);
    offer(3, 2);
    now = new Date('2026-12-04T20:10:00Z');
    offer(4);
    await recorder.flush();
    const keys: string[] = [];
    for await (const object of store.list('captures/iris/')) keys.push(object.key);
    expect(keys.map((k) => k.split('/').slice(0, 7).join('/')).sort()).toEqual([
      'captures/iris/1/2026/12/04/18',
      'captures/iris/1/2026/12/04/19',
      'captures/iris/1/2026/12/04/20',
      'captures/iris/2/2026/12/04/19',
    ]);

    const reader = new S3CaptureReader(store);
    const read = async (from: string, to: string, version = 1) => {
      const ids: string[] = [];
      for await (const record of reader.list('iris', version, new Date(from), new Date(to)))
        ids.push(record.requestId);
      return ids.sort();
    };
    expect(await read('2026-12-04T18:00:00Z', '2026-12-04T21:00:00Z')).toEqual(['r1', 'r2', 'r4']);
    expect(await read('2026-12-04T19:00:00Z', '2026-12-04T20:00:00Z')).toEqual(['r2']);
    expect(await read('2026-12-04T19:30:00Z', '2026-12-04T19:30:00.001Z')).toEqual(['r2']);
    expect(await read('2026-12-04T19:00:00Z', '2026-12-04T20:00:00Z', 2)).toEqual(['r3']);
  });
});
