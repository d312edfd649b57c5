/**
 * What a function's bundle is made of, from the esbuild metafile written at synth
 * (`index.meta.json`, see infra/constructs/platform-function.ts): the bundle's own size, its source
 * map, and the bytes each package (or the platform's own code) contributes to `index.mjs`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface BundleInput {
  /** A package name (`@aws-sdk/client-s3`) or `platform code` for the repository's own files. */
  readonly name: string;
  readonly bytes: number;
  readonly files: number;
}

export interface BundleSummary {
  /** index.mjs: what Node loads and compiles at cold start. */
  readonly bundleBytes: number;
  /** Every file of the asset (bundle, source map, metafile): what Lambda unpacks. */
  readonly assetBytes: number;
  readonly layerBytes: number;
  /** Largest contributors to index.mjs, biggest first. */
  readonly inputs: readonly BundleInput[];
}

interface Metafile {
  readonly outputs: Record<string, { readonly inputs: Record<string, { readonly bytesInOutput: number }> }>;
}

function directoryBytes(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, entry) => sum + directoryBytes(join(path, entry)), 0);
}

/** `node_modules/@scope/name/…` → `@scope/name`; the last node_modules wins (nested copies). */
export function packageOf(inputPath: string): string {
  const parts = inputPath.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return 'platform code';
  const first = parts[at + 1] ?? '';
  return first.startsWith('@') ? `${first}/${parts[at + 2] ?? ''}` : first;
}

/** Groups the metafile's inputs of `index.mjs` by package. */
export function summariseMetafile(metafile: Metafile): BundleInput[] {
  const output = Object.entries(metafile.outputs).find(([name]) => name.endsWith('index.mjs'))?.[1];
  if (output === undefined) throw new Error('The metafile names no index.mjs output.');
  const byPackage = new Map<string, { bytes: number; files: number }>();
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(path);
    const entry = byPackage.get(name) ?? { bytes: 0, files: 0 };
    entry.bytes += bytesInOutput;
    entry.files += 1;
    byPackage.set(name, entry);
  }
  return [...byPackage.entries()]
    .map(([name, { bytes, files }]) => ({ name, bytes, files }))
    .sort((a, b) => b.bytes - a.bytes);
}

export function bundleSummary(bundleDir: string, layerDir: string, top = 12): BundleSummary {
  const metafile = JSON.parse(readFileSync(join(bundleDir, 'index.meta.json'), 'utf8')) as Metafile;
  return {
    bundleBytes: statSync(join(bundleDir, 'index.mjs')).size,
    assetBytes: directoryBytes(bundleDir),
    layerBytes: directoryBytes(layerDir),
    inputs: summariseMetafile(metafile).slice(0, top),
  };
}
