/** The onnxruntime layer's content: linux/x64 only, far under Lambda's 250 MB, and it really runs a model. */

import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnnxRuntimeLayer } from '../../infra/constructs/onnx-runtime-layer.ts';

let layerDir: string;
beforeAll(async () => {
  layerDir = await mkdtemp(join(tmpdir(), 'mlp-layer-'));
  buildOnnxRuntimeLayer(layerDir);
});
afterAll(async () => rm(layerDir, { recursive: true, force: true }));

function walk(dir: string): { path: string; size: number }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : [{ path, size: statSync(path).size }];
  });
}

describe('buildOnnxRuntimeLayer', () => {
  it('keeps the linux/x64 binaries only, far under the 250 MB unzipped limit', () => {
    const files = walk(layerDir);
    const totalMb = files.reduce((sum, f) => sum + f.size, 0) / 1024 / 1024;
    expect(totalMb).toBeLessThan(100);
    const binaries = files.filter(
      (f) => f.path.endsWith('.node') || /\.so(\.|$)|\.dylib$|\.dll$/.test(f.path),
    );
    expect(binaries.length).toBeGreaterThan(0);
    for (const binary of binaries) expect(binary.path).toMatch(/\/linux\/x64\//);
  });

  it('loads onnxruntime-node from the layer layout and runs a model', async () => {
    const requireFromLayer = createRequire(join(layerDir, 'nodejs', 'node_modules', 'index.js'));
    const ort = requireFromLayer('onnxruntime-node') as typeof import('onnxruntime-node');
    const bytes = await readFile(new URL('../fixtures/onnx/diabetes_linear.onnx', import.meta.url));
    const session = await ort.InferenceSession.create(bytes);
    const result = await session.run({ X: new ort.Tensor('float32', new Float32Array(10), [1, 10]) });
    expect(result.variable?.dims).toEqual([1, 1]);
    await session.release();
  });
});
