import { describe, expect, it } from 'vitest';
import type { Principal } from '#core/auth/principal.ts';
import type { DriftReport } from '#core/monitoring/drift-report.ts';
import {
  computeRequestedDriftReport,
  type DriftReportRun,
  type DriftReportStore,
  driftReportId,
  failRequestedDriftReport,
  getDriftReportRun,
  listDriftReports,
  requestDriftReport,
} from '#core/monitoring/drift-report-runs.ts';
import type { CapturedPrediction } from '#core/monitoring/prediction-capture.ts';
import type { ModelRecord, VersionRecord } from '#core/registry/model-records.ts';
import { numericBaseline } from '#core/training/drift-baseline.ts';

const alice: Principal = { userId: 'u-alice', username: 'alice', role: 'user', via: 'token', scope: 'full' };
const bob: Principal = { userId: 'u-bob', username: 'bob', role: 'user', via: 'token', scope: 'full' };
const NOW = new Date('2026-12-08T01:00:00Z');
const baseline = [
  numericBaseline(
    'x',
    Array.from({ length: 100 }, (_, i) => String(i / 10)),
  ),
];

class MemoryRuns implements DriftReportStore {
  readonly rows = new Map<string, DriftReportRun>();
  async create(run: DriftReportRun) {
    this.rows.set(run.reportId, run);
  }
  async get(_model: string, _version: number, reportId: string) {
    return this.rows.get(reportId);
  }
  async list(model: string, version: number) {
    return {
      items: [...this.rows.values()].filter((r) => r.model === model && r.version === version).reverse(),
    };
  }
  async latestSucceeded() {
    return [];
  }
  async finish(
    _model: string,
    _version: number,
    reportId: string,
    outcome: { report: DriftReport } | { error: string },
    at: string,
  ) {
    const run = this.rows.get(reportId);
    if (run?.status !== 'PENDING') return undefined;
    const done: DriftReportRun =
      'report' in outcome
        ? { ...run, status: 'SUCCEEDED', completedAt: at, report: outcome.report }
        : { ...run, status: 'FAILED', completedAt: at, error: outcome.error };
    this.rows.set(reportId, done);
    return done;
  }
}

function setup(metadata: Record<string, unknown> = { driftBaseline: baseline }) {
  const model = { name: 'm', ownerId: 'u-alice', latestVersion: 2, aliases: {} } as unknown as ModelRecord;
  const reports = new MemoryRuns();
  const started: { name: string; input: unknown }[] = [];
  const reads: unknown[] = [];
  const rows = Array.from({ length: 60 }, (_, i) => ({ x: 50 + i }));
  return {
    reports,
    started,
    reads,
    deps: {
      models: { get: async (name: string) => (name === 'm' ? model : undefined) },
      versions: {
        get: async (_: string, v: number) =>
          v === 2 ? ({ version: 2, metadata } as unknown as VersionRecord) : undefined,
      },
      reports,
      workflow: { start: async (name: string, input: unknown) => void started.push({ name, input }) },
      captures: {
        async *list(name: string, version: number, from: Date, to: Date) {
          reads.push({ name, version, from: from.toISOString(), to: to.toISOString() });
          yield {
            requestId: 'r',
            time: NOW.toISOString(),
            model: 'm',
            version: 2,
            inputs: rows,
            outputs: {},
          } as CapturedPrediction;
        },
      },
      now: () => NOW,
    },
  };
}

describe('driftReportId', () => {
  it('orders by time as text and carries a random suffix', () => {
    const early = driftReportId(new Date('2026-12-08T01:00:00.005Z'), '00000000');
    const late = driftReportId(new Date('2026-12-08T01:00:00.010Z'));
    expect(early).toBe('20261208T010000005Z-00000000');
    expect(late > early).toBe(true);
    expect(late).toMatch(/^20261208T010000010Z-[0-9a-f]{8}$/);
  });
});

describe('requestDriftReport', () => {
  it('records a PENDING run over the window asked for and starts the workflow named by its id', async () => {
    // Prepare
    const { deps, reports, started } = setup();
    const from = new Date('2026-12-07T00:00:00Z');

    // Act
    const run = await requestDriftReport(alice, 'm', 2, { from }, deps);

    // Assess
    expect(run).toMatchObject({
      model: 'm',
      version: 2,
      trigger: 'request',
      status: 'PENDING',
      requestedBy: 'u-alice',
      requestedAt: NOW.toISOString(),
      from: from.toISOString(),
      to: NOW.toISOString(),
    });
    expect(reports.rows.get(run.reportId)).toEqual(run);
    expect(started).toEqual([
      { name: run.reportId, input: { model: 'm', version: 2, reportId: run.reportId } },
    ]);
  });

  it('refuses before recording anything: no access (404), no version (404), no baseline (422), a wide window (400)', async () => {
    const { deps, reports, started } = setup();
    await expect(requestDriftReport(bob, 'm', 2, {}, deps)).rejects.toMatchObject({ status: 404 });
    await expect(requestDriftReport(alice, 'm', 3, {}, deps)).rejects.toMatchObject({ status: 404 });
    await expect(requestDriftReport(alice, 'm', 2, {}, setup({}).deps)).rejects.toMatchObject({
      status: 422,
    });
    await expect(
      requestDriftReport(alice, 'm', 2, { from: new Date('2026-11-01T00:00:00Z') }, deps),
    ).rejects.toMatchObject({ status: 400 });
    expect(reports.rows.size).toBe(0);
    expect(started).toEqual([]);
  });
});

describe('computeRequestedDriftReport', () => {
  it("reads the run's own window, records the report once, and leaves a finished run alone", async () => {
    // Prepare
    const { deps, reports, reads } = setup();
    const run = await requestDriftReport(
      alice,
      'm',
      2,
      { from: new Date('2026-12-06T00:00:00Z'), to: new Date('2026-12-07T00:00:00Z') },
      deps,
    );

    // Act
    const first = await computeRequestedDriftReport(run, deps);
    const retried = await computeRequestedDriftReport(run, deps);

    // Assess
    expect(first).toEqual({ status: 'SUCCEEDED' });
    expect(retried).toEqual({ status: 'SUCCEEDED' });
    expect(reads).toEqual([
      { name: 'm', version: 2, from: '2026-12-06T00:00:00.000Z', to: '2026-12-07T00:00:00.000Z' },
    ]);
    const stored = reports.rows.get(run.reportId);
    expect(stored?.status).toBe('SUCCEEDED');
    // Served 5.0–10.9 against a training range of 0–9.9: x drifted.
    expect(stored?.report).toMatchObject({ rows: 60, driftedFeatures: ['x'] });
  });

  it('a failure path records the reason; the failure cannot overwrite a success', async () => {
    const { deps, reports } = setup();
    const run = await requestDriftReport(alice, 'm', 2, {}, deps);
    await failRequestedDriftReport(run, 'S3 is down', deps);
    expect(reports.rows.get(run.reportId)).toMatchObject({ status: 'FAILED', error: 'S3 is down' });
    await computeRequestedDriftReport(run, deps);
    expect(reports.rows.get(run.reportId)?.status).toBe('FAILED');
  });
});

describe('reading runs', () => {
  it('lists summaries (the verdict, not the features) and gets one run, for readers of the model only', async () => {
    // Prepare
    const { deps } = setup();
    const run = await requestDriftReport(alice, 'm', 2, {}, deps);
    await computeRequestedDriftReport(run, deps);

    // Act
    const page = await listDriftReports(alice, 'm', 2, { limit: 10 }, deps);
    const one = await getDriftReportRun(alice, 'm', 2, run.reportId, deps);

    // Assess
    expect(page.items).toEqual([
      expect.objectContaining({
        reportId: run.reportId,
        status: 'SUCCEEDED',
        verdict: 'drift',
        driftedFeatures: ['x'],
        rows: 60,
      }),
    ]);
    expect(page.items[0]).not.toHaveProperty('report');
    expect(one.report?.features).toHaveLength(1);
    await expect(listDriftReports(bob, 'm', 2, { limit: 10 }, deps)).rejects.toMatchObject({ status: 404 });
    await expect(getDriftReportRun(bob, 'm', 2, run.reportId, deps)).rejects.toMatchObject({ status: 404 });
    await expect(getDriftReportRun(alice, 'm', 2, 'nope', deps)).rejects.toMatchObject({ status: 404 });
  });

  it('shows a run still PENDING past the workflow time limit as FAILED', async () => {
    const { deps } = setup();
    const run = await requestDriftReport(alice, 'm', 2, {}, deps);
    const later = { ...deps, now: () => new Date(NOW.getTime() + 2 * 3_600_000 + 1) };
    expect(await getDriftReportRun(alice, 'm', 2, run.reportId, deps)).toMatchObject({ status: 'PENDING' });
    expect(await getDriftReportRun(alice, 'm', 2, run.reportId, later)).toMatchObject({
      status: 'FAILED',
      error: expect.stringMatching(/did not finish within 2 hours/),
    });
  });
});
