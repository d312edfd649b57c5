import { describe, expect, it } from 'vitest';
import type { CaptureReader } from '#core/monitoring/drift-report.ts';
import type { DriftReportRun } from '#core/monitoring/drift-report-runs.ts';
import { driftWithHistory, recordDriftReports, servedVersions } from '#core/monitoring/scheduled-drift.ts';
import type { ModelRecord, VersionRecord } from '#core/registry/model-records.ts';
import { numericBaseline } from '#core/training/drift-baseline.ts';

const baseline = [numericBaseline('x', ['1', '2', '3'])];
const capture = { sampleRate: 1, includeInputs: true };
const modelOf = (name: string, extra: Partial<ModelRecord>) =>
  ({ name, ownerId: 'someone', latestVersion: 1, aliases: {}, ...extra }) as unknown as ModelRecord;

describe('servedVersions', () => {
  it('is the newest version and every version an alias routes to, once each', () => {
    const model = modelOf('m', {
      latestVersion: 4,
      aliases: {
        production: { routes: [{ version: 2, weight: 100 }] },
        canary: {
          routes: [
            { version: 2, weight: 50 },
            { version: 3, weight: 50 },
          ],
        },
      },
    } as unknown as Partial<ModelRecord>);
    expect(servedVersions(model)).toEqual([2, 3, 4]);
    expect(servedVersions(modelOf('empty', { latestVersion: 0 }))).toEqual([]);
  });
});

describe('recordDriftReports', () => {
  it('reports on captured models only, skips versions without a baseline, and goes on after a failure', async () => {
    const models = [
      modelOf('captured', { capture }),
      modelOf('not-captured', {}),
      modelOf('uploaded', { capture }),
      modelOf('broken', { capture }),
    ];
    const saved: DriftReportRun[] = [];
    const failures: string[] = [];
    const captures: CaptureReader = {
      async *list(name) {
        if (name === 'broken') throw new Error('S3 is down');
        yield* [];
      },
    };
    const result = await recordDriftReports({
      models: {
        list: async (_filter, page) =>
          page.cursor === undefined
            ? { items: models.slice(0, 2), nextCursor: 'page-2' }
            : { items: models.slice(2) },
        get: async (name) => models.find((m) => m.name === name),
      },
      versions: {
        get: async (name) =>
          ({
            version: 1,
            metadata: name === 'uploaded' ? {} : { driftBaseline: baseline },
          }) as unknown as VersionRecord,
      },
      captures,
      reports: { create: async (r) => void saved.push(r) },
      now: () => new Date('2026-12-04T20:00:00Z'),
      onError: (model) => failures.push(model),
    });
    expect(result).toEqual({ models: 3, reports: 1 });
    expect(saved).toEqual([
      expect.objectContaining({
        model: 'captured',
        version: 1,
        trigger: 'schedule',
        status: 'SUCCEEDED',
        requestedAt: '2026-12-04T20:00:00.000Z',
        completedAt: '2026-12-04T20:00:00.000Z',
        from: '2026-12-03T20:00:00.000Z',
        to: '2026-12-04T20:00:00.000Z',
        report: expect.objectContaining({ verdict: 'insufficient-data' }),
      }),
    ]);
    expect(saved[0]?.reportId).toMatch(/^20261204T200000000Z-[0-9a-f]{8}$/);
    expect(failures).toEqual(['broken']);
  });
});

describe('driftWithHistory', () => {
  it('adds the recorded verdicts of the reported version, as the store returns them', async () => {
    const model = modelOf('m', { ownerId: 'u1' });
    const asked: unknown[] = [];
    const recorded = {
      requestedAt: '2026-12-04T18:59:58.000Z',
      completedAt: '2026-12-04T19:00:00.000Z',
      status: 'SUCCEEDED',
      report: {
        from: '2026-12-03T19:00:00.000Z',
        to: '2026-12-04T19:00:00.000Z',
        verdict: 'drift',
        driftedFeatures: ['x'],
        rows: 120,
        features: [{ column: 'x' }],
      },
    } as unknown as DriftReportRun;
    const report = await driftWithHistory(
      { userId: 'u1', username: 'alice', role: 'user', via: 'token', scope: 'full' },
      'm',
      {},
      {
        models: { get: async () => model },
        versions: {
          get: async () =>
            ({ version: 1, metadata: { driftBaseline: baseline } }) as unknown as VersionRecord,
        },
        captures: { async *list() {} },
        reports: {
          latestSucceeded: async (name: string, version: number, limit: number) => {
            asked.push({ name, version, limit });
            return [recorded];
          },
        },
      },
      new Date('2026-12-04T20:00:00Z'),
    );
    expect(asked).toEqual([{ name: 'm', version: 1, limit: 24 }]);
    expect(report.history).toEqual([
      {
        recordedAt: '2026-12-04T19:00:00.000Z',
        from: '2026-12-03T19:00:00.000Z',
        to: '2026-12-04T19:00:00.000Z',
        verdict: 'drift',
        driftedFeatures: ['x'],
        rows: 120,
      },
    ]);
  });
});
