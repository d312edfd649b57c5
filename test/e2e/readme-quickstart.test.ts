/**
 * The README's quickstart blocks (a ```sh fence right after `<!-- quickstart -->`) run as written
 * against a local platform, with the two substitutions the README asks of its reader: the API's
 * address for `localhost:3000` and an access token in `$TOKEN`. Curl is made to fail on an HTTP
 * error, so a command the platform refuses fails the test.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The shell text of each marked block, in README order. */
function quickstartBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/<!-- quickstart -->\r?\n```(?:sh|bash)\r?\n([\s\S]*?)\r?\n```/g)].map(
    (match) => match[1] as string,
  );
}

function runShell(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', `set -euo pipefail\n${script}`],
      { cwd: REPOSITORY, env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let t: TestPlatform;
let token: string;

beforeAll(async () => {
  t = await startTestPlatform();
  token = await t.token('alice');
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('README quickstart', () => {
  const blocks = quickstartBlocks(README);

  it('marks the dataset and the model blocks, and names only files the repository ships', () => {
    // Assess
    expect(blocks).toHaveLength(2);
    const files = blocks.join('\n').match(/(?:@|--upload-file |< )([\w./-]+\.(?:csv|onnx))/g) ?? [];
    expect(files.length).toBeGreaterThan(0);
    for (const reference of files) {
      const path = reference.replace(/^(?:@|--upload-file |< )/, '');
      expect(() => readFileSync(new URL(`../../${path}`, import.meta.url)), path).not.toThrow();
    }
  });

  it('runs top to bottom against the local platform', async () => {
    // Prepare: what the README asks of its reader, and curl failing on an HTTP error status.
    const origin = new URL(t.platform.apiUrl).host;
    const script = blocks
      .join('\n')
      .replaceAll('localhost:3000', origin)
      .replaceAll('curl -s ', 'curl -sS --fail-with-body ');

    // Act
    const result = await runShell(script, { TOKEN: token });

    // Assess
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"name":"flowers"');
    expect(result.stdout).toMatch(/"model":"flowers","version":1,.*"predictions":\[0\]/);
  });
});
