import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../../functions/core/auth/principal.ts';
import { NotFoundError } from '../../../../functions/core/errors.ts';
import { artifactDownload } from '../../../../functions/core/registry/artifact-download.ts';
import { sha256Hex } from '../../../../functions/core/registry/model-records.ts';
import { createModel } from '../../../../functions/core/registry/models.ts';
import type { ModelValidator } from '../../../../functions/core/registry/ports.ts';
import { registerVersion } from '../../../../functions/core/registry/versions.ts';
import {
  InMemoryArtifacts,
  InMemoryModels,
  InMemoryUploads,
  InMemoryVersions,
} from '../../../support/in-memory-registry.ts';

const alice: Principal = { userId: 'u-alice', username: 'alice', role: 'user', via: 'token', scope: 'full' };
const bob: Principal = { userId: 'u-bob', username: 'bob', role: 'user', via: 'token', scope: 'full' };
const admin: Principal = { userId: 'u-admin', username: 'admin', role: 'admin', via: 'token', scope: 'full' };

const validator: ModelValidator = {
  validate: async () => ({
    framework: 'scikit-learn',
    signature: {
      inputs: [{ name: 'X', type: 'float32', shape: [null, 4] }],
      outputs: [],
      kind: 'classifier',
    },
  }),
};
const bytes = new Uint8Array([1, 2, 3, 4]);

async function registryWithOneVersion(teamVisible: boolean) {
  const deps = {
    models: new InMemoryModels(),
    versions: new InMemoryVersions(),
    uploads: new InMemoryUploads(),
    artifacts: new InMemoryArtifacts(),
    validator,
    maxModelBytes: 1000,
    now: () => new Date('2026-11-25T12:00:00Z'),
  };
  await createModel(
    alice,
    { name: 'iris', description: '', task: 'classification', tags: [], teamVisible },
    deps,
  );
  const version = await registerVersion(alice, 'iris', bytes, {}, deps);
  return { deps, version };
}

describe('artifactDownload', () => {
  it("answers a 15-minute URL of the version's artifact with its digest, for the owner and an admin", async () => {
    // Prepare
    const { deps, version } = await registryWithOneVersion(false);
    const expected = {
      format: 'onnx',
      sizeBytes: 4,
      sha256: sha256Hex(bytes),
      url: `https://downloads.example/${version.artifactKey}`,
      method: 'GET',
      expiresAt: '2026-11-25T12:15:00.000Z',
    };

    // Act
    const forOwner = await artifactDownload(alice, 'iris', 1, deps);
    const forAdmin = await artifactDownload(admin, 'iris', 1, deps);

    // Assess
    expect(forOwner).toEqual(expected);
    expect(forAdmin).toEqual(expected);
    expect(deps.artifacts.objects.get(version.artifactKey)).toEqual(bytes);
  });

  it("hides a team-visible model's weights from other users behind 404, though they may read it", async () => {
    // Prepare
    const { deps } = await registryWithOneVersion(true);

    // Act
    const download = artifactDownload(bob, 'iris', 1, deps);

    // Assess
    await expect(download).rejects.toThrow(NotFoundError);
    await expect(download).rejects.toThrow('iris');
  });

  it('answers 404 for a version that does not exist', async () => {
    // Prepare
    const { deps } = await registryWithOneVersion(false);

    // Act
    const download = artifactDownload(alice, 'iris', 2, deps);

    // Assess
    await expect(download).rejects.toThrow('Model iris has no version 2.');
  });
});
