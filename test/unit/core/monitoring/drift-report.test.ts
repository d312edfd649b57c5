import { describe, expect, it } from 'vitest';
import type { Principal } from '#core/auth/principal.ts';
import { type CaptureReader, driftReport, MIN_SAMPLE } from '#core/monitoring/drift-report.ts';
import { DEFAULT_DRIFT_THRESHOLDS, mergeDriftThresholds } from '#core/monitoring/drift-thresholds.ts';
import type { CapturedPrediction } from '#core/monitoring/prediction-capture.ts';
import type { ModelRecord, VersionRecord } from '#core/registry/model-records.ts';
import { categoricalBaseline, numericBaseline } from '#core/training/drift-baseline.ts';

const alice: Principal = { userId: 'u-alice', username: 'alice', role: 'user', via: 'token', scope: 'full' };
const bob: Principal = { userId: 'u-bob', username: 'bob', role: 'user', via: 'token', scope: 'full' };
const NOW = new Date('2026-12-04T20:00:00Z');

const training = Array.from({ length: 1000 }, (_, i) => ({
  x: String((i % 100) / 10),
  colour: ['red', 'green', 'blue'][i % 3] as string,
}));
const baseline = [
  numericBaseline(
    'x',
    training.map((r) => r.x),
  ),
  categoricalBaseline(
    'colour',
    training.map((r) => r.colour),
    ['red', 'green', 'blue'],
  ),
];

const model = { name: 'm', ownerId: 'u-alice', latestVersion: 2, aliases: {} } as unknown as ModelRecord;
const versionWith = (metadata: Record<string, unknown>) =>
  ({ version: 2, metadata }) as unknown as VersionRecord;

function deps(
  records: CapturedPrediction[],
  metadata: Record<string, unknown> = { driftBaseline: baseline },
  modelRecord: ModelRecord = model,
) {
  const reads: unknown[] = [];
  const captures: CaptureReader = {
    async *list(name, version, from, to) {
      reads.push({ name, version, from, to });
      yield* records;
    },
  };
  return {
    reads,
    deps: {
      models: { get: async (name: string) => (name === 'm' ? modelRecord : undefined) },
      versions: { get: async (_: string, v: number) => (v === 2 ? versionWith(metadata) : undefined) },
      captures,
    },
  };
}

const record = (inputs: unknown): CapturedPrediction => ({
  requestId: 'r',
  time: NOW.toISOString(),
  model: 'm',
  version: 2,
  inputs,
  outputs: {},
});

describe('driftReport', () => {
  it('reads the newest version’s last 24 h by default and compares object and array rows with the baseline', async () => {
    const same = Array.from({ length: 300 }, (_, i) => ({
      x: (i % 100) / 10,
      colour: ['red', 'green', 'blue'][i % 3],
    }));
    const positional = same.map((r) => [r.x, 'purple']);
    const { deps: d, reads } = deps([
      record(same),
      record(positional),
      { ...record(undefined), inputs: undefined },
    ]);
    const report = await driftReport(alice, 'm', {}, d, NOW);
    expect(reads).toEqual([{ name: 'm', version: 2, from: new Date('2026-12-03T20:00:00Z'), to: NOW }]);
    expect(report).toMatchObject({ version: 2, records: 3, recordsWithoutInputs: 1, rows: 600 });
    const [x, colour] = report.features;
    expect(x).toMatchObject({ column: 'x', verdict: 'ok', count: 600 });
    expect(x?.psi).toBeLessThan(0.01);
    // Half the served colours are an unseen "purple": drift, named among the unseen categories.
    expect(colour).toMatchObject({
      column: 'colour',
      verdict: 'drift',
      unseenCategories: [{ value: 'purple', count: 300 }],
    });
    expect(colour?.chiSquared?.pValue).toBeLessThan(1e-10);
    expect(report.driftedFeatures).toEqual(['colour']);
    expect(report.verdict).toBe('drift');
  });

  it('gives each feature its training and served distributions over the same bins, for an overlay', async () => {
    // Prepare: every served x in the top bin, colours half red, half unseen.
    const rows = Array.from({ length: 100 }, (_, i) => ({ x: 9.95, colour: i % 2 === 0 ? 'red' : 'purple' }));

    // Act
    const report = await driftReport(alice, 'm', {}, deps([record(rows)]).deps, NOW);

    // Assess
    const [x, colour] = report.features;
    const numeric = x?.distribution as { edges: number[]; training: number[]; live: number[] };
    expect(numeric.edges).toEqual(baseline[0]?.kind === 'numeric' ? baseline[0].edges : []);
    expect(numeric.training).toHaveLength(numeric.edges.length - 1);
    expect(numeric.training.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(numeric.live).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(colour?.distribution).toEqual({
      categories: ['red', 'green', 'blue', '(other)'],
      training: [0.334, 0.333, 0.333, 0],
      live: [0.5, 0, 0, 0.5],
    });
  });

  it('says "not enough data" below the minimum sample, and counts the missing share', async () => {
    const rows = Array.from({ length: MIN_SAMPLE }, (_, i) => ({
      x: i < MIN_SAMPLE - 1 ? 5 : null,
      colour: 'red',
    }));
    const report = await driftReport(alice, 'm', { version: 2 }, deps([record(rows)]).deps, NOW);
    expect(report.features[0]).toMatchObject({
      verdict: 'insufficient-data',
      psi: null,
      missingShare: 1 / MIN_SAMPLE,
    });
    expect(report.features[0]?.detail).toMatch(/Not enough data: 49 served values, at least 50/);
    // 50 served colours, all red against a third each in training.
    expect(report.features[1]?.verdict).toBe('drift');
  });

  it('refuses a version without a baseline, an unknown version, a model the caller may not read, and a wide window', async () => {
    await expect(driftReport(alice, 'm', {}, deps([], {}).deps, NOW)).rejects.toMatchObject({ status: 422 });
    await expect(driftReport(alice, 'm', { version: 7 }, deps([]).deps, NOW)).rejects.toMatchObject({
      status: 404,
    });
    await expect(driftReport(bob, 'm', {}, deps([]).deps, NOW)).rejects.toMatchObject({ status: 404 });
    await expect(
      driftReport(alice, 'm', { from: new Date('2026-11-01T00:00:00Z') }, deps([]).deps, NOW),
    ).rejects.toMatchObject({ status: 400 });
  });

  it("judges features by the model's own PSI thresholds and says which it used", async () => {
    // Prepare: half the served colours unseen, as in the first case.
    const rows = Array.from({ length: 300 }, (_, i) => ({
      x: (i % 100) / 10,
      colour: i % 2 ? 'purple' : 'red',
    }));
    const byDefault = await driftReport(alice, 'm', {}, deps([record(rows)]).deps, NOW);
    const psi = byDefault.features[1]?.psi as number;
    const lenient = { ...model, driftThresholds: { warning: psi - 0.01, drift: psi + 1 } } as ModelRecord;

    // Act
    const report = await driftReport(alice, 'm', {}, deps([record(rows)], undefined, lenient).deps, NOW);

    // Assess
    expect(byDefault.thresholds).toEqual(DEFAULT_DRIFT_THRESHOLDS);
    expect(byDefault.features[1]?.verdict).toBe('drift');
    expect(report.thresholds).toEqual(lenient.driftThresholds);
    expect(report.features[1]).toMatchObject({ verdict: 'warning', psi });
    expect(report.driftedFeatures).toEqual([]);
  });
});

describe('mergeDriftThresholds', () => {
  it('changes the fields given over the stored (or default) ones', () => {
    expect(mergeDriftThresholds(undefined, { drift: 0.3 })).toEqual({ warning: 0.1, drift: 0.3 });
    expect(mergeDriftThresholds({ warning: 0.15, drift: 0.3 }, { warning: 0.05 })).toEqual({
      warning: 0.05,
      drift: 0.3,
    });
  });

  it('refuses a warning threshold at or above the drift one (400 naming the field)', () => {
    expect(() => mergeDriftThresholds(undefined, { warning: 0.2 })).toThrow(/must be below/);
    expect(() => mergeDriftThresholds({ warning: 0.1, drift: 0.3 }, { drift: 0.05 })).toThrowError(
      expect.objectContaining({
        status: 400,
        issues: [expect.objectContaining({ field: 'body.driftThresholds' })],
      }),
    );
  });
});

describe('reported p-values', () => {
  it('are 0 below 1e-100, which DynamoDB could not store, and exact above', async () => {
    // Far off: every served x at 50 against a 0–9.9 training range, every colour purple.
    const rows = Array.from({ length: 300 }, () => ({ x: 50, colour: 'purple' }));
    const report = await driftReport(alice, 'm', {}, deps([record(rows)]).deps, NOW);
    expect(report.features[0]?.ksPValue).toBe(0);
    expect(report.features[1]?.chiSquared?.pValue).toBe(0);
    const near = Array.from({ length: 300 }, (_, i) => ({ x: (i % 100) / 10, colour: 'red' }));
    const close = await driftReport(alice, 'm', {}, deps([record(near)]).deps, NOW);
    expect(close.features[0]?.ksPValue).toBeGreaterThan(0.5);
  });
});
