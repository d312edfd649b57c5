/**
 * The predict function as deployed: its esbuild bundle and the onnxruntime layer, read from the
 * cloud assembly `cdk synth` writes (cdk.out). Flow: synthesize the API stack when cdk.out is
 * missing or older than the sources → find the predict Lambda and the layer in the template (their
 * `aws:asset:path` metadata) → lay them out as Lambda does, in a directory outside the repository so
 * that nothing resolves from the repository's own node_modules.
 *
 * Lambda unpacks the bundle in /var/task and the layer in /opt, and its Node.js runtime resolves
 * `import 'onnxruntime-node'` through NODE_PATH=/opt/nodejs/node_modules. Plain Node ignores NODE_PATH
 * for ES modules, so the task directory gets a `node_modules` link to the layer's
 * `nodejs/node_modules` instead: the same files, found by the same bare specifier.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export interface LambdaAssets {
  /** The bundle's directory in cdk.out (index.mjs, its source map, index.meta.json). */
  readonly bundleDir: string;
  /** The layer's directory in cdk.out (nodejs/node_modules/…). */
  readonly layerDir: string;
  /** The function's environment as synthesized: literal values only (references are deploy-time). */
  readonly literalEnvironment: Readonly<Record<string, string>>;
  readonly memoryMb: number;
  /** Whether this run synthesized (and how long it took), or used cdk.out as it was. */
  readonly synth: { readonly ran: boolean; readonly seconds: number; readonly at: string };
}

interface TemplateResource {
  readonly Type: string;
  readonly Metadata?: Record<string, unknown>;
  readonly Properties?: {
    readonly MemorySize?: number;
    readonly Environment?: { readonly Variables?: Record<string, unknown> };
  };
}

const STACK = 'MlPlatform-dev-Api';
const PREDICT_PATH = `${STACK}/Api/PredictFunction/Resource`;
const LAYER_PATH = `${STACK}/Api/OnnxRuntime/Layer/Resource`;
/** What the bundles are built from: newer files here than the template mean cdk.out is stale. */
const SOURCES = ['functions', 'infra', 'package-lock.json', 'tsconfig.json'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function synthesize(root: string): number {
  const started = performance.now();
  // Naming the stack bundles only its functions (the CLI sets aws:cdk:bundling-stacks).
  const result = spawnSync(join(root, 'node_modules/.bin/cdk'), ['synth', '--quiet', STACK], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`cdk synth ${STACK} exited with ${result.status}`);
  return (performance.now() - started) / 1000;
}

function resourceAt(resources: Record<string, TemplateResource>, path: string): TemplateResource {
  const found = Object.values(resources).find((r) => r.Metadata?.['aws:cdk:path'] === path);
  if (found === undefined) throw new Error(`No resource at ${path} in the ${STACK} template.`);
  return found;
}

function assetDir(outDir: string, resource: TemplateResource, path: string): string {
  const asset = resource.Metadata?.['aws:asset:path'];
  if (typeof asset !== 'string') throw new Error(`${path} has no aws:asset:path metadata.`);
  return join(outDir, asset);
}

/** Synthesizes if needed and returns where the predict bundle and the layer are. */
export function predictLambdaAssets(root: string, options: { forceSynth?: boolean } = {}): LambdaAssets {
  const outDir = join(root, 'cdk.out');
  const templateFile = join(outDir, `${STACK}.template.json`);
  const stale =
    !existsSync(templateFile) ||
    SOURCES.some((source) => newestMtime(join(root, source)) > statSync(templateFile).mtimeMs);
  const seconds = options.forceSynth || stale ? synthesize(root) : 0;
  const template = JSON.parse(readFileSync(templateFile, 'utf8')) as {
    Resources: Record<string, TemplateResource>;
  };
  const predict = resourceAt(template.Resources, PREDICT_PATH);
  const layer = resourceAt(template.Resources, LAYER_PATH);
  const variables = predict.Properties?.Environment?.Variables ?? {};
  return {
    bundleDir: assetDir(outDir, predict, PREDICT_PATH),
    layerDir: assetDir(outDir, layer, LAYER_PATH),
    literalEnvironment: Object.fromEntries(
      Object.entries(variables).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    ),
    memoryMb: predict.Properties?.MemorySize ?? 128,
    synth: {
      ran: seconds > 0,
      seconds: Math.round(seconds * 10) / 10,
      at: statSync(templateFile).mtime.toISOString(),
    },
  };
}

/**
 * Copies the bundle into a fresh `task` directory under the system's temporary directory, with
 * `task/node_modules` linking to the layer's modules. Returns the handler module's path.
 */
export function layOutTaskRoot(assets: LambdaAssets): { taskDir: string; handlerFile: string } {
  const taskDir = join(mkdtempSync(join(tmpdir(), 'mlp-lambda-')), 'task');
  if (existsSync(join(assets.bundleDir, 'node_modules'))) {
    throw new Error(
      `${relative(process.cwd(), assets.bundleDir)} has its own node_modules; merge it with the layer's.`,
    );
  }
  cpSync(assets.bundleDir, taskDir, { recursive: true });
  symlinkSync(join(assets.layerDir, 'nodejs', 'node_modules'), join(taskDir, 'node_modules'), 'dir');
  return { taskDir, handlerFile: join(taskDir, 'index.mjs') };
}
