/**
 * Every workflow task's handler bundles as CDK bundles it (esbuild, ESM, Node 22): onnxruntime-node,
 * a native module, is left out only for the tasks whose functions carry the onnxruntime layer, so a
 * task without the layer must not reach it through its imports.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { type WorkflowTask, workflowList } from '../../functions/steps/workflows.ts';
import { OnnxRuntimeLayer } from '../../infra/constructs/onnx-runtime-layer.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('workflow task bundles', () => {
  const tasks: [string, WorkflowTask][] = workflowList.flatMap((workflow) =>
    Object.entries(workflow.tasks).map(([name, task]): [string, WorkflowTask] => [
      `${workflow.id}.${name}`,
      task,
    ]),
  );
  it.each(tasks)(
    '%s bundles with only its own external modules',
    async (_name, task) => {
      const onnx = task.function !== undefined && 'onnxRuntime' in task.function && task.function.onnxRuntime;
      const result = await build({
        entryPoints: [`${root}${task.entry}`],
        bundle: true,
        write: false,
        platform: 'node',
        format: 'esm',
        target: 'node22',
        mainFields: ['module', 'main'],
        tsconfig: `${root}tsconfig.json`,
        external: onnx ? [...OnnxRuntimeLayer.externalModules] : [],
        logLevel: 'silent',
      });
      expect(result.errors).toEqual([]);
      const code = result.outputFiles[0]?.text ?? '';
      // package.json is bundled too (for the code version), and names the package: look for imports.
      expect(/(?:from|import\(|require\()\s*["']onnxruntime-node["']/.test(code)).toBe(Boolean(onnx));
    },
    60_000,
  );
});
