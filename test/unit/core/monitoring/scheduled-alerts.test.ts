import { describe, expect, it } from 'vitest';
import { type AlertRule, mergeAlertSettings } from '#core/monitoring/alert-rules.ts';
import type { DriftReportRun } from '#core/monitoring/drift-report-runs.ts';
import type { ModelAlarmSpec, ModelAlarms } from '#core/monitoring/model-alarms.ts';
import {
  type AlertRecord,
  type AlertState,
  type AlertStore,
  evaluateAllAlerts,
} from '#core/monitoring/scheduled-alerts.ts';
import type { ModelRecord } from '#core/registry/model-records.ts';
import { InMemoryModels } from '../../../support/in-memory-registry.ts';

class MemoryAlerts implements AlertStore {
  readonly rows = new Map<string, AlertRecord>();
  async open(model: string, rule: AlertRule, detail: string, at: string) {
    const current = this.rows.get(`${model}/${rule}`);
    if (current?.state === 'open') return undefined;
    const record: AlertRecord = { model, rule, state: 'open', openedAt: at, detail };
    this.rows.set(`${model}/${rule}`, record);
    return record;
  }
  async resolve(model: string, rule: AlertRule, at: string) {
    const current = this.rows.get(`${model}/${rule}`);
    if (current?.state !== 'open') return undefined;
    const record: AlertRecord = { ...current, state: 'resolved', resolvedAt: at };
    this.rows.set(`${model}/${rule}`, record);
    return record;
  }
  async list(model: string, state?: AlertState) {
    return [...this.rows.values()].filter(
      (r) => r.model === model && (state === undefined || r.state === state),
    );
  }
}

const model = (name: string, latestVersion: number): ModelRecord => ({
  name,
  ownerId: 'u',
  ownerUsername: 'u',
  description: '',
  task: 'classification',
  tags: [],
  teamVisible: false,
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  latestVersion,
  aliases: {},
});

/** A recorded report whose one feature `x` has this PSI. */
const runWith = (psi: number | null): DriftReportRun =>
  ({
    requestedAt: '2026-12-04T11:00:00.000Z',
    completedAt: '2026-12-04T11:00:01.000Z',
    status: 'SUCCEEDED',
    report: { features: [{ column: 'x', psi }] },
  }) as unknown as DriftReportRun;

describe('evaluateAllAlerts', () => {
  it('opens and publishes once per firing rule, resolves when it clears, and goes on past a failing model', async () => {
    const models = new InMemoryModels();
    await models.create(model('drifting', 1));
    await models.create(model('broken', 1));
    let psi = 0.3;
    const reports = {
      async latestSucceeded(name: string) {
        if (name === 'broken') throw new Error('read failed');
        return [runWith(psi)];
      },
    };
    const alerts = new MemoryAlerts();
    const published: AlertRecord[] = [];
    const failed: string[] = [];
    const deps = {
      models,
      usage: { list: async () => [] },
      reports,
      alerts,
      publisher: { publish: async (a: AlertRecord) => void published.push(a) },
      now: () => new Date('2026-12-04T12:00:00.000Z'),
      onError: (name: string) => void failed.push(name),
    };

    expect(await evaluateAllAlerts(deps)).toEqual({ models: 2, opened: 1, resolved: 0 });
    expect(await evaluateAllAlerts(deps)).toEqual({ models: 2, opened: 0, resolved: 0 });
    expect(published.map((a) => [a.model, a.rule, a.state])).toEqual([['drifting', 'drift', 'open']]);
    expect(failed).toEqual(['broken', 'broken']);

    psi = 0.05;
    expect(await evaluateAllAlerts(deps)).toEqual({ models: 2, opened: 0, resolved: 1 });
    expect(published.map((a) => a.state)).toEqual(['open', 'resolved']);
    expect(published[1]?.resolvedAt).toBe('2026-12-04T12:00:00.000Z');
  });

  it("judges the latest report's features by the model's drift threshold as it is now", async () => {
    // Prepare: PSI 0.3 is drift by the default threshold (0.2), not by this model's 0.5.
    const models = new InMemoryModels();
    await models.create(model('default-threshold', 1));
    await models.create({ ...model('lenient', 1), driftThresholds: { warning: 0.25, drift: 0.5 } });
    await models.create(model('not-enough-data', 1));
    const alerts = new MemoryAlerts();
    const published: AlertRecord[] = [];

    // Act
    await evaluateAllAlerts({
      models,
      usage: { list: async () => [] },
      reports: {
        latestSucceeded: async (name: string) => [runWith(name === 'not-enough-data' ? null : 0.3)],
      },
      alerts,
      publisher: { publish: async (a: AlertRecord) => void published.push(a) },
      now: () => new Date('2026-12-04T12:00:00.000Z'),
    });

    // Assess
    expect(published.map((a) => [a.model, a.rule])).toEqual([['default-threshold', 'drift']]);
    expect(published[0]?.detail).toBe('version 1: x drifted (report of 2026-12-04T11:00:01.000Z)');
  });

  it('with alarms: reconciles every model’s, records their rules from the alarm states without publishing them, and leaves them alone when the alarms cannot be read', async () => {
    // Prepare: two models over two pages; iris's error-rate alarm fires, iris is drifting too.
    const models = new InMemoryModels();
    await models.create(model('iris', 1));
    await models.create({
      ...model('quiet', 1),
      alerts: mergeAlertSettings(undefined, { latency: { enabled: false } }),
    });
    const wanted: ModelAlarmSpec[][] = [];
    let broken = false;
    const alarms: ModelAlarms = {
      async reconcile(specs) {
        if (broken) throw new Error('CloudWatch is down');
        wanted.push([...specs]);
        return new Map([
          [
            'iris/errorRate',
            { name: 'a', description: 'd', firing: true, reason: 'Threshold Crossed: 12.5 >= 5' },
          ],
          ['iris/latency', { name: 'b', description: 'd', firing: false, reason: 'OK' }],
        ]);
      },
    };
    const alerts = new MemoryAlerts();
    const published: AlertRecord[] = [];
    const failed: string[] = [];
    const usageReads: unknown[] = [];
    const deps = {
      models,
      // Traffic that the schedule would find slow and failing: the alarms decide instead.
      usage: {
        list: async (query: unknown) => {
          usageReads.push(query);
          return [];
        },
      },
      reports: { latestSucceeded: async (name: string) => (name === 'iris' ? [runWith(0.3)] : []) },
      alerts,
      publisher: { publish: async (a: AlertRecord) => void published.push(a) },
      alarms,
      now: () => new Date('2026-12-04T12:00:00.000Z'),
      onError: (name: string) => void failed.push(name),
    };

    // Act
    const first = await evaluateAllAlerts(deps);

    // Assess
    expect(first).toEqual({ models: 2, opened: 2, resolved: 0 });
    expect(wanted[0]?.map((s) => `${s.model}/${s.rule}`)).toEqual([
      'iris/errorRate',
      'iris/latency',
      'quiet/errorRate',
    ]);
    expect(await alerts.list('iris', 'open')).toEqual([
      expect.objectContaining({ rule: 'drift' }),
      expect.objectContaining({ rule: 'errorRate', detail: 'Threshold Crossed: 12.5 >= 5' }),
    ]);
    // The alarm notified the topic itself; only drift goes through the publisher.
    expect(published.map((a) => a.rule)).toEqual(['drift']);
    // No rule left that reads usage (no-traffic is off): the usage table is not read.
    expect(usageReads).toEqual([]);

    broken = true;
    expect(await evaluateAllAlerts(deps)).toEqual({ models: 2, opened: 0, resolved: 0 });
    expect(failed).toEqual(['(alarms)']);
    expect((await alerts.list('iris', 'open')).map((a) => a.rule)).toEqual(['drift', 'errorRate']);
  });
});
