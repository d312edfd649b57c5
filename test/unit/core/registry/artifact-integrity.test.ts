import { describe, expect, it } from 'vitest';
import { ModelUnavailableError } from '../../../../functions/core/errors.ts';
import { problemFromError } from '../../../../functions/core/http/problem.ts';
import {
  type ServedArtifact,
  verifiedArtifact,
} from '../../../../functions/core/registry/artifact-integrity.ts';
import { sha256Hex } from '../../../../functions/core/registry/model-records.ts';

const registered = new TextEncoder().encode('the checked model');
const artifact: ServedArtifact = {
  modelName: 'iris',
  version: 3,
  artifactKey: 'models/iris/0f8e.onnx',
  artifactVersionId: 'pinned-version',
  sha256: sha256Hex(registered),
};

describe('verifiedArtifact', () => {
  it('passes the registered bytes through without a report', () => {
    const reports: string[] = [];
    expect(verifiedArtifact(artifact, registered, (_a, actual) => reports.push(actual))).toBe(registered);
    expect(reports).toEqual([]);
  });

  it('reports other bytes with their checksum and refuses them with a 503 that says nothing internal', () => {
    const other = new TextEncoder().encode('an overwritten model');
    const reports: [ServedArtifact, string][] = [];
    let thrown: unknown;
    try {
      verifiedArtifact(artifact, other, (a, actual) => reports.push([a, actual]));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ModelUnavailableError);
    expect(reports).toEqual([[artifact, sha256Hex(other)]]);
    const problem = problemFromError(thrown);
    expect(problem).toMatchObject({ status: 503, unexpected: false, body: { title: 'Model unavailable' } });
    const body = JSON.stringify(problem.body);
    for (const internal of [artifact.artifactKey, artifact.sha256, sha256Hex(other), 'pinned-version']) {
      expect(body).not.toContain(internal);
    }
  });
});
