/**
 * Removes model files no version record refers to: what a registration that crashed between storing
 * the file and writing the record leaves behind (a failed one deletes its file itself). Only files
 * older than `minAgeSeconds` go: a registration runs within one function invocation (at most 15
 * minutes on Lambda), so a file that old without a record will never get one, while a younger one may
 * belong to a registration still in flight.
 */
import type { VersionRepository } from './ports.ts';
import { ARTIFACT_PREFIX } from './versions.ts';

export interface StoredArtifact {
  readonly key: string;
  readonly lastModified: Date;
}

/** The model files in storage. */
export interface ArtifactInventory {
  /** Keys under `prefix` in key order (S3's ListObjectsV2 order), so one model's files come together. */
  list(prefix: string): AsyncIterable<StoredArtifact>;
  delete(key: string): Promise<void>;
}

export interface OrphanSweepDeps {
  readonly artifacts: ArtifactInventory;
  readonly versions: Pick<VersionRepository, 'list'>;
  readonly minAgeSeconds: number;
  readonly now: () => Date;
}

export interface OrphanSweepResult {
  readonly examined: number;
  readonly deleted: readonly string[];
}

/** `models/<name>/<id>.onnx` (or `.xgboost`) → `<name>`. */
function modelNameOf(key: string): string | undefined {
  const rest = key.slice(ARTIFACT_PREFIX.length);
  const slash = rest.indexOf('/');
  return slash > 0 ? rest.slice(0, slash) : undefined;
}

async function referencedKeys(modelName: string, deps: OrphanSweepDeps): Promise<Set<string>> {
  const keys = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await deps.versions.list(modelName, { limit: 100, cursor });
    for (const version of page.items) {
      keys.add(version.artifactKey);
      // An XGBoost upload's original file, kept beside its ONNX artifact.
      if (version.sourceFile !== undefined) keys.add(version.sourceFile.key);
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return keys;
}

export async function sweepOrphanArtifacts(deps: OrphanSweepDeps): Promise<OrphanSweepResult> {
  const cutoff = deps.now().getTime() - deps.minAgeSeconds * 1000;
  const deleted: string[] = [];
  let examined = 0;
  let current: { name: string; keys: Set<string> } | undefined;
  for await (const object of deps.artifacts.list(ARTIFACT_PREFIX)) {
    examined += 1;
    if (object.lastModified.getTime() > cutoff) continue;
    const name = modelNameOf(object.key);
    if (name === undefined) continue;
    // Read after the object was listed as old: a record written for it would already be there.
    if (current?.name !== name) current = { name, keys: await referencedKeys(name, deps) };
    if (current.keys.has(object.key)) continue;
    await deps.artifacts.delete(object.key);
    deleted.push(object.key);
  }
  return { examined, deleted };
}
