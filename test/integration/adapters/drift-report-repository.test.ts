/** Recorded drift reports in the usage table, against the DynamoDB emulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedDriftReport } from '#core/monitoring/scheduled-drift.ts';
import { DynamoDbDriftReportRepository } from '../../../functions/adapters/dynamodb/drift-report-repository.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';

let emulators: TestEmulators;
let reports: DynamoDbDriftReportRepository;

beforeAll(async () => {
  emulators = await startTestEmulators();
  reports = new DynamoDbDriftReportRepository(emulators.documentClient, emulators.tableNames.usage);
});
afterAll(async () => emulators?.close());

const report = (model: string, version: number, recordedAt: string): RecordedDriftReport =>
  ({
    model,
    version,
    recordedAt,
    verdict: 'ok',
    driftedFeatures: [],
    features: [],
  }) as unknown as RecordedDriftReport;

describe('DynamoDbDriftReportRepository', () => {
  it('lists a model’s reports newest first, per version when asked, up to the limit', async () => {
    const now = Date.now();
    const at = (hoursAgo: number) => new Date(now - hoursAgo * 3_600_000).toISOString();
    await Promise.all([
      reports.save(report('iris', 1, at(3))),
      reports.save(report('iris', 2, at(2))),
      reports.save(report('iris', 1, at(1))),
      reports.save(report('iris-2', 1, at(0))),
    ]);
    expect((await reports.list('iris', { limit: 10 })).map((r) => [r.version, r.recordedAt])).toEqual([
      [1, at(1)],
      [2, at(2)],
      [1, at(3)],
    ]);
    expect((await reports.list('iris', { version: 1, limit: 10 })).map((r) => r.recordedAt)).toEqual([
      at(1),
      at(3),
    ]);
    expect(await reports.list('iris', { limit: 1 })).toHaveLength(1);
    expect(await reports.list('nothing', { limit: 5 })).toEqual([]);
  });

  it('does not return reports past their 90 days (dynalite has no TTL)', async () => {
    await reports.save(report('old', 1, new Date(Date.now() - 91 * 86_400_000).toISOString()));
    expect(await reports.list('old', { limit: 5 })).toEqual([]);
  });
});
