/**
 * Builds the web console with esbuild: `console/src/main.tsx` and its stylesheet into content-hashed
 * files under `assets/`, and an `index.html` naming them. Everything the page loads is in the output
 * directory (no CDN); the charts are a separate chunk, loaded by the pages that draw one.
 * `npm run console:build` writes `console/dist`; `npm start` and the browser tests build first, so a
 * stale bundle never ships.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CONSOLE_BASE_PATH } from '../infra/definitions/console.ts';

export const consoleRoot = resolve(fileURLToPath(new URL('.', import.meta.url)));
export const DEFAULT_CONSOLE_DIST = join(consoleRoot, 'dist');

export interface ConsoleBuildOptions {
  /** Default `console/dist`; emptied first. */
  readonly outdir?: string;
  /** Default true; tests may turn it off to read stack traces. */
  readonly minify?: boolean;
}

export interface ConsoleBuild {
  readonly outdir: string;
  /** Files written, relative to `outdir` (index.html and assets/…). */
  readonly files: readonly string[];
  readonly bytes: number;
}

/**
 * @example
 * const { outdir, files } = await buildConsole({ outdir: '/tmp/console' });
 */
export async function buildConsole(options: ConsoleBuildOptions = {}): Promise<ConsoleBuild> {
  const outdir = resolve(options.outdir ?? DEFAULT_CONSOLE_DIST);
  await rm(outdir, { recursive: true, force: true });
  const assets = join(outdir, 'assets');
  const result = await build({
    entryPoints: [join(consoleRoot, 'src/main.tsx')],
    outdir: assets,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: options.minify ?? true,
    sourcemap: 'linked',
    entryNames: '[name]-[hash]',
    chunkNames: 'chunks/[name]-[hash]',
    assetNames: '[name]-[hash]',
    metafile: true,
    legalComments: 'linked',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => resolve(file));
  // Pages loaded with import() are entry points too: the app's is the one built from main.tsx.
  const entry = Object.entries(result.metafile.outputs).find(([, output]) =>
    output.entryPoint?.endsWith('src/main.tsx'),
  );
  if (entry === undefined || entry[1].cssBundle === undefined) {
    throw new Error('esbuild produced no script and stylesheet for console/src/main.tsx');
  }
  const script = basename(entry[0]);
  const stylesheet = basename(entry[1].cssBundle);

  const template = await readFile(join(consoleRoot, 'src/index.html'), 'utf8');
  const html = template
    .replaceAll('%BASE%', CONSOLE_BASE_PATH)
    .replace('%SCRIPT%', `assets/${script}`)
    .replace('%STYLESHEET%', `assets/${stylesheet}`);
  if (html.includes('%')) throw new Error('console/src/index.html has a placeholder the build does not fill');
  await mkdir(outdir, { recursive: true });
  await writeFile(join(outdir, 'index.html'), html);

  const files = ['index.html', ...outputs.map((file) => relative(outdir, file))].sort();
  const bytes = Object.values(result.metafile.outputs).reduce(
    (sum, output) => sum + output.bytes,
    html.length,
  );
  return { outdir, files, bytes };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const { outdir, files, bytes } = await buildConsole();
  const ms = Math.round(performance.now() - started);
  console.log(
    `console: ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB in ${relative(process.cwd(), outdir)} (${ms} ms)`,
  );
}
