import { describe, expect, it } from 'vitest';
import type { AlertRule } from '#core/monitoring/alert-rules.ts';
import {
  type AlertRecord,
  type AlertState,
  type AlertStore,
  evaluateAllAlerts,
} from '#core/monitoring/scheduled-alerts.ts';
import type { RecordedDriftReport } from '#core/monitoring/scheduled-drift.ts';
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

describe('evaluateAllAlerts', () => {
  it('opens and publishes once per firing rule, resolves when it clears, and goes on past a failing model', async () => {
    const models = new InMemoryModels();
    await models.create(model('drifting', 1));
    await models.create(model('broken', 1));
    let drifted = ['x'];
    const reports = {
      async list(name: string) {
        if (name === 'broken') throw new Error('read failed');
        return [
          {
            recordedAt: '2026-12-04T11:00:00.000Z',
            driftedFeatures: drifted,
          } as unknown as RecordedDriftReport,
        ];
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

    drifted = [];
    expect(await evaluateAllAlerts(deps)).toEqual({ models: 2, opened: 0, resolved: 1 });
    expect(published.map((a) => a.state)).toEqual(['open', 'resolved']);
    expect(published[1]?.resolvedAt).toBe('2026-12-04T12:00:00.000Z');
  });
});
