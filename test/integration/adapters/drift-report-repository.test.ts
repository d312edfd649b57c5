/** Recorded drift report runs in the usage table, against the DynamoDB emulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftReport } from '#core/monitoring/drift-report.ts';
import { type DriftReportRun, driftReportId } from '#core/monitoring/drift-report-runs.ts';
import { DynamoDbDriftReportRepository } from '../../../functions/adapters/dynamodb/drift-report-repository.ts';
import { CursorSigner } from '../../../functions/core/pagination.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';

let emulators: TestEmulators;
let reports: DynamoDbDriftReportRepository;

beforeAll(async () => {
  emulators = await startTestEmulators();
  reports = new DynamoDbDriftReportRepository(
    emulators.documentClient,
    emulators.tableNames.usage,
    new CursorSigner('drift-report-repository-test-key-0123456789'),
  );
});
afterAll(async () => emulators?.close());

const reportOf = (verdict: DriftReport['verdict']) =>
  ({
    verdict,
    driftedFeatures: verdict === 'drift' ? ['x'] : [],
    rows: 80,
    features: [],
  }) as unknown as DriftReport;

function run(model: string, version: number, at: Date, extra: Partial<DriftReportRun> = {}): DriftReportRun {
  return {
    reportId: driftReportId(at),
    model,
    version,
    trigger: 'schedule',
    status: 'SUCCEEDED',
    requestedBy: 'scheduler',
    requestedAt: at.toISOString(),
    completedAt: at.toISOString(),
    from: new Date(at.getTime() - 86_400_000).toISOString(),
    to: at.toISOString(),
    report: reportOf('ok'),
    ...extra,
  };
}

/** As a request records it: no report and no completion yet. */
function pendingRun(model: string, version: number, at: Date): DriftReportRun {
  const { report: _report, completedAt: _completedAt, ...requested } = run(model, version, at);
  return { ...requested, trigger: 'request', status: 'PENDING', requestedBy: 'u1' };
}

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);

describe('DynamoDbDriftReportRepository', () => {
  it("lists a version's runs newest first, page by page, and the newest SUCCEEDED ones", async () => {
    // Prepare
    const runs = [
      run('iris', 1, hoursAgo(3)),
      run('iris', 1, hoursAgo(2), { report: reportOf('drift') }),
      pendingRun('iris', 1, hoursAgo(1)),
      run('iris', 2, hoursAgo(0)),
    ];
    await Promise.all(runs.map((r) => reports.create(r)));

    // Act
    const first = await reports.list('iris', 1, { limit: 2 });
    const second = await reports.list('iris', 1, {
      limit: 2,
      ...(first.nextCursor ? { cursor: first.nextCursor } : {}),
    });
    const succeeded = await reports.latestSucceeded('iris', 1, 5);

    // Assess
    expect(first.items.map((r) => r.reportId)).toEqual([runs[2]?.reportId, runs[1]?.reportId]);
    expect(first.nextCursor).toBeDefined();
    expect(second.items.map((r) => r.reportId)).toEqual([runs[0]?.reportId]);
    expect(first.items[0]).toEqual(runs[2]);
    expect(succeeded.map((r) => r.report?.verdict)).toEqual(['drift', 'ok']);
    expect(await reports.latestSucceeded('iris', 1, 1)).toHaveLength(1);
    expect((await reports.list('iris', 2, { limit: 10 })).items).toHaveLength(1);
    expect((await reports.list('nothing', 1, { limit: 5 })).items).toEqual([]);
  });

  it('finishes a PENDING run once: a second finish (a retried step, or the failure path) changes nothing', async () => {
    // Prepare
    const pending = pendingRun('wine', 3, new Date());
    await reports.create(pending);

    // Act
    const done = await reports.finish(
      'wine',
      3,
      pending.reportId,
      { report: reportOf('drift') },
      '2026-12-08T01:00:00.000Z',
    );
    const again = await reports.finish(
      'wine',
      3,
      pending.reportId,
      { error: 'too late' },
      '2026-12-08T01:01:00.000Z',
    );

    // Assess
    expect(done).toMatchObject({ status: 'SUCCEEDED', completedAt: '2026-12-08T01:00:00.000Z' });
    expect(done?.report?.driftedFeatures).toEqual(['x']);
    expect(again).toBeUndefined();
    expect(await reports.get('wine', 3, pending.reportId)).toEqual(done);
    expect(await reports.get('wine', 2, pending.reportId)).toBeUndefined();
  });

  it('records a failed run with its reason', async () => {
    const pending = pendingRun('wine', 4, new Date());
    await reports.create(pending);
    const failed = await reports.finish(
      'wine',
      4,
      pending.reportId,
      { error: 'S3 is down' },
      '2026-12-08T01:00:00.000Z',
    );
    expect(failed).toMatchObject({ status: 'FAILED', error: 'S3 is down' });
    expect(failed?.report).toBeUndefined();
    expect(await reports.latestSucceeded('wine', 4, 5)).toEqual([]);
  });

  it('does not return runs past their 90 days (dynalite has no TTL)', async () => {
    const old = run('old', 1, new Date(Date.now() - 91 * 86_400_000));
    await reports.create(old);
    expect((await reports.list('old', 1, { limit: 5 })).items).toEqual([]);
    expect(await reports.latestSucceeded('old', 1, 5)).toEqual([]);
    expect(await reports.get('old', 1, old.reportId)).toBeUndefined();
  });

  it('refuses a cursor from another version’s listing', async () => {
    await reports.create(run('pages', 1, hoursAgo(2)));
    await reports.create(run('pages', 1, hoursAgo(1)));
    const { nextCursor } = await reports.list('pages', 1, { limit: 1 });
    await expect(reports.list('pages', 2, { limit: 1, cursor: nextCursor as string })).rejects.toThrow(
      /cursor/,
    );
  });
});
