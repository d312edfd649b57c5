import { describe, expect, it } from 'vitest';
import type { VersionRecord } from '../../../../functions/core/registry/model-records.ts';
import {
  type ArtifactInventory,
  sweepOrphanArtifacts,
} from '../../../../functions/core/registry/orphan-sweep.ts';
import { InMemoryVersions } from '../../../support/in-memory-registry.ts';

const now = new Date('2026-12-01T12:00:00Z');
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3600_000);

function inventory(objects: Record<string, Date>): ArtifactInventory & { objects: Map<string, Date> } {
  const map = new Map(Object.entries(objects));
  return {
    objects: map,
    async *list(prefix) {
      for (const key of [...map.keys()].sort()) {
        if (key.startsWith(prefix)) yield { key, lastModified: map.get(key) as Date };
      }
    },
    async delete(key) {
      map.delete(key);
    },
  };
}

function version(modelName: string, number: number, extra: Partial<VersionRecord> = {}): VersionRecord {
  return {
    modelName,
    version: number,
    status: 'pending',
    artifactKey: `models/${modelName}/v${number}.onnx`,
    sizeBytes: 1,
    sha256: 'x',
    framework: 'onnx',
    signature: { inputs: [], outputs: [], kind: 'other' },
    createdBy: 'alice',
    createdAt: now.toISOString(),
    metrics: {},
    metadata: {},
    auditTrail: [],
    ...extra,
  };
}

describe('sweepOrphanArtifacts', () => {
  it('deletes old files no record refers to, keeping referenced ones (XGBoost sources too) and young ones', async () => {
    // Prepare
    const versions = new InMemoryVersions();
    await versions.create(version('iris', 1));
    await versions.create(
      version('prices', 1, {
        sourceFile: {
          format: 'xgboost',
          encoding: 'json',
          objective: 'reg:squarederror',
          rounds: 1,
          featureNames: ['a'],
          key: 'models/prices/s1.xgboost',
          sizeBytes: 1,
          sha256: 'y',
        },
      }),
    );
    const artifacts = inventory({
      'models/iris/v1.onnx': hoursAgo(5),
      'models/iris/crashed.onnx': hoursAgo(2),
      'models/iris/in-flight.onnx': hoursAgo(0.1),
      'models/prices/v1.onnx': hoursAgo(5),
      'models/prices/s1.xgboost': hoursAgo(5),
      'models/gone/left.onnx': hoursAgo(3),
    });

    // Act
    const result = await sweepOrphanArtifacts({ artifacts, versions, minAgeSeconds: 3600, now: () => now });

    // Assess
    expect([...result.deleted].sort()).toEqual(['models/gone/left.onnx', 'models/iris/crashed.onnx']);
    expect(result.examined).toBe(6);
    expect([...artifacts.objects.keys()].sort()).toEqual([
      'models/iris/in-flight.onnx',
      'models/iris/v1.onnx',
      'models/prices/s1.xgboost',
      'models/prices/v1.onnx',
    ]);
  });
});
