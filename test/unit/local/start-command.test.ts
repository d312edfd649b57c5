import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const startScript = fileURLToPath(new URL('../../../local/start.ts', import.meta.url));

/** Runs `node local/start.ts` as `npm start --` does; these arguments stop it before anything starts. */
async function start(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [startScript, ...args], { timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm start', () => {
  it('prints usage for --help and exits 0', async () => {
    // Act
    const result = await start(['--help']);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm start -- /);
    expect(result.stdout).toContain('--data-dir');
  });

  it('answers a misspelt option with one line and exit code 1, no stack trace', async () => {
    // Act
    const result = await start(['--data-dri', '/tmp/x']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Unknown option --data-dri (did you mean --data-dir?). Run npm start -- --help for usage.',
    ]);
  });
});
