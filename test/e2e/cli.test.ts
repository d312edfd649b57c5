/**
 * The `mlp` command against the local platform, run as a user runs it (a separate Node process, as
 * `npx mlp` starts it) with its own config directory: login → datasets upload → train --watch →
 * predict --file → models download, and how it fails.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';
import { postForm, signInThroughBrowser } from '../support/oauth-browser.ts';

const MLP = fileURLToPath(new URL('../../clients/cli/mlp.ts', import.meta.url));
const IRIS_CSV = fileURLToPath(new URL('../../data/public/iris.csv', import.meta.url));
let t: TestPlatform;
let scratch: string;
let configDir: string;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function mlp(args: readonly string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [MLP, ...args],
      {
        cwd: scratch,
        env: { PATH: process.env.PATH ?? '', MLP_CONFIG_DIR: configDir },
        timeout: 120_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(input ?? '');
  });
}

/**
 * Runs `mlp login` (browser flow) and plays the browser: reads the authorization URL it prints, signs
 * in on the page as `username`, and follows the redirect to the CLI's loopback listener.
 */
function mlpBrowserLogin(args: readonly string[], username: string): Promise<Run & { url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MLP, ...args], {
      cwd: scratch,
      env: { PATH: process.env.PATH ?? '', MLP_CONFIG_DIR: configDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let url = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const found = /^(http\S+\/oauth2\/authorize\?\S+)$/m.exec(stderr)?.[1];
      if (found && url === '') {
        url = found;
        signInThroughBrowser(url, username)
          .then((callback) => fetch(callback))
          .then((page) => page.text())
          .catch(reject);
      }
    });
    const timer = setTimeout(() => child.kill(), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr, url });
    });
  });
}

beforeAll(async () => {
  t = await startTestPlatform({ functionEnvironment: { SERVING_CACHE_TTL_MS: '0' } });
  scratch = await mkdtemp(join(tmpdir(), 'mlp-cli-'));
  configDir = join(scratch, 'config');
});
afterAll(async () => {
  await t?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('mlp against the local platform', () => {
  it('logs in, uploads, trains with --watch, predicts a file and downloads the model', async () => {
    // Prepare
    const rowsCsv = join(scratch, 'rows.csv');
    await writeFile(
      rowsCsv,
      'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n',
    );
    const login = [
      'login',
      '--local',
      'alice',
      '--api-url',
      t.platform.apiUrl,
      '--identity-url',
      t.platform.identity.url,
    ];

    // Act
    const signedIn = await mlp(login);
    const uploaded = await mlp(['datasets', 'upload', IRIS_CSV, '--name', 'iris']);
    const trained = await mlp([
      'train',
      '--dataset',
      'iris',
      '--target',
      'target',
      '--model',
      'iris-cli',
      '--watch',
      '--interval',
      '100',
    ]);
    const predicted = await mlp(['predict', 'iris-cli', '--file', rowsCsv, '--out', 'predictions.csv']);
    const downloaded = await mlp(['models', 'download', 'iris-cli', '1', '--out', 'iris-cli.onnx']);
    const shown = await mlp(['--json', 'models', 'show', 'iris-cli', '--version', '1']);

    // Assess
    expect(signedIn).toMatchObject({ code: 0, stderr: '' });
    expect(signedIn.stdout).toContain(`Signed in to ${t.platform.apiUrl} as alice (profile default`);
    const credentials = await stat(join(configDir, 'credentials.json'));
    expect(credentials.mode & 0o777).toBe(0o600);
    expect((await stat(configDir)).mode & 0o777).toBe(0o700);

    expect(uploaded.code).toBe(0);
    expect(uploaded.stdout).toMatch(/^iris version 1: ready, 150 rows × 5 columns \(csv\)/);
    expect(uploaded.stdout).toMatch(/column\s+type\s+missing\s+distinct/);
    expect(uploaded.stdout).toMatch(/petal_length_cm\s+numeric/);
    expect(uploaded.stdout).toContain('Quality: 0 blocking');

    expect(trained.code).toBe(0);
    expect(trained.stdout).toMatch(/^Job [0-9a-f-]+: SUCCEEDED/);
    expect(trained.stdout).toMatch(/algorithm\s+hyper-parameters\s+accuracy/);
    expect(trained.stdout).toContain('Registered iris-cli version 1 (pending).');
    // Not a terminal: one line per step instead of a bar, on stderr.
    expect(trained.stderr).toMatch(/^train \d+%$/m);

    expect(predicted).toMatchObject({ code: 0, stderr: '' });
    expect(predicted.stdout).toBe('Wrote 2 predictions of iris-cli version 1 to predictions.csv.\n');
    const [header, first, second] = (await readFile(join(scratch, 'predictions.csv'), 'utf8'))
      .trim()
      .split('\n');
    expect(header).toBe('prediction,p_setosa,p_versicolor,p_virginica');
    expect(first).toMatch(/^setosa,/);
    expect(second).toMatch(/^virginica,/);

    expect(downloaded.code).toBe(0);
    const bytes = await readFile(join(scratch, 'iris-cli.onnx'));
    const version = JSON.parse(shown.stdout);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(version.sha256);
    expect(downloaded.stdout).toContain(`sha256 ${version.sha256}, checked`);
  });

  it('sends a file past the row limit to a batch prediction job, with progress, and writes --out', async () => {
    // Prepare: 10,001 rows, one more than a request takes.
    const big = join(scratch, 'big.csv');
    const out = join(scratch, 'big-predictions.csv');
    const row = ['5.1,3.5,1.4,0.2', '6.7,3.0,5.2,2.3'];
    await writeFile(
      big,
      `sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm\n${Array.from({ length: 10_001 }, (_, i) => row[i % 2]).join('\n')}\n`,
    );

    // Act
    const noOut = await mlp(['predict', 'iris-cli', '--file', big]);
    const run = await mlp(['predict', 'iris-cli', '--file', big, '--out', out]);
    const forcedOut = join(scratch, 'forced.jsonl');
    const forced = await mlp([
      'predict',
      'iris-cli',
      '--file',
      join(scratch, 'rows.csv'),
      '--batch',
      '--out',
      forcedOut,
    ]);

    // Assess
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/10001 rows are more than one request takes.*give --out FILE/);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('10001 rows: sending');
    expect(run.stderr).toMatch(/SUCCEEDED 10001\/10001 rows 100%/);
    expect(run.stdout).toMatch(
      /^Wrote 10001 predictions of iris-cli version 1 to .*big-predictions\.csv .*batch job /,
    );
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(10_002);
    const header = lines[0]?.split(',') ?? [];
    expect(header.slice(0, 4)).toEqual([
      'prediction',
      'probability_setosa',
      'probability_versicolor',
      'probability_virginica',
    ]);
    expect(header).toContain('model_version');
    expect(lines[1]?.split(',')[0]).toBe('setosa');
    expect(lines[2]?.split(',')[0]).toBe('virginica');
    // --batch: sent unread (its size, not its rows, in the message), JSON Lines out by --out's extension.
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/^\d+ B: sending .*rows\.csv to a batch prediction job\./m);
    const forcedLines = (await readFile(forcedOut, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(forcedLines.map((line) => line.prediction)).toEqual(['setosa', 'virginica']);
  });

  it('predicts from --json and prints JSON for scripts', async () => {
    // Act
    const run = await mlp([
      '--json',
      'predict',
      'iris-cli',
      '--json',
      '{"sepal_length_cm": 5.1, "sepal_width_cm": 3.5, "petal_length_cm": 1.4, "petal_width_cm": 0.2}',
    ]);

    // Assess
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ model: 'iris-cli', version: 1, predictions: ['setosa'] });
  });

  it('lists datasets and models as tables', async () => {
    // Act
    const [datasets, models, json] = await Promise.all([
      mlp(['datasets', 'list']),
      mlp(['models', 'list']),
      mlp(['models', 'list', '--json']),
    ]);

    // Assess
    expect(datasets.stdout).toMatch(/^name\s+owner\s+latest\s+ready\s+updated\n-+/);
    expect(datasets.stdout).toMatch(/\niris\s+alice\s+1\s+1\s/);
    expect(models.stdout).toMatch(/\niris-cli\s+alice\s+classification\s+1\s/);
    expect(JSON.parse(json.stdout).items.map((m: { name: string }) => m.name)).toContain('iris-cli');
  });

  it.each([
    [['predict', 'no-such-model', '--json', '{"a": 1}'], 4, /^mlp: .*no-such-model.*\(request [^)]+\)\n$/],
    [['models', 'approve', 'iris-cli', '1'], 3, /^mlp: Only admins may .*\(request [^)]+\)\n$/],
    [['train', '--dataset', 'iris', '--target', 'no_such_column', '--watch'], 1, /^mlp: .*no_such_column/],
    [['predict', 'iris-cli'], 2, /^mlp: Give one of --file <rows file> or --json <rows>\.\n$/],
    [['models', 'lst'], 2, /^error: unknown command 'lst' \(Did you mean list\?\)\n$/],
    [
      ['--profile', 'work', 'models', 'list'],
      3,
      /^mlp: Not signed in with profile work: run mlp login --profile work\.\n$/,
    ],
  ])('fails %j with exit code %i and one line, no stack', async (args, code, message) => {
    // Act
    const run = await mlp(args);

    // Assess
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('signs in with an API key read from stdin, under another --profile', async () => {
    // Prepare
    const created = await t.call('POST', '/v1/api-keys', {
      token: await t.token('bob'),
      body: { name: 'cli', scope: 'full' },
    });
    expect(created.status).toBe(201);

    // Act
    const login = await mlp(
      ['--profile', 'ci', 'login', '--api-url', t.platform.apiUrl, '--api-key', '-'],
      created.json.apiKey,
    );
    const whoami = await mlp(['whoami', '--profile', 'ci']);
    const stillAlice = await mlp(['whoami']);

    // Assess
    expect(login.code).toBe(0);
    expect(whoami.stdout).toBe(`bob (user) at ${t.platform.apiUrl}, via apiKey\n`);
    expect(stillAlice.stdout).toMatch(/^alice \(user\)/);
    const saved = JSON.parse(await readFile(join(configDir, 'credentials.json'), 'utf8'));
    expect(Object.keys(saved.profiles).sort()).toEqual(['ci', 'default']);
  });

  it('uploads a model file, and an admin profile approves, rejects and points an alias', async () => {
    // Prepare
    const onnx = join(scratch, 'iris-upload.onnx');
    await writeFile(onnx, fixture('iris_logreg_zipmap').bytes);
    const adminLogin = await mlp([
      '--profile',
      'admin',
      'login',
      '--local',
      'admin',
      '--api-url',
      t.platform.apiUrl,
      '--identity-url',
      t.platform.identity.url,
    ]);

    // Act
    const first = await mlp(['models', 'upload', onnx, '--name', 'cli-upload', '--create', 'classification']);
    const second = await mlp([
      'models',
      'upload',
      onnx,
      '--name',
      'cli-upload',
      '--create',
      'classification',
    ]);
    const approved = await mlp(['models', 'approve', 'cli-upload', '1', '--profile', 'admin']);
    const rejected = await mlp([
      'models',
      'reject',
      'cli-upload',
      '2',
      '--comment',
      'duplicate',
      '--profile',
      'admin',
    ]);
    const aliased = await mlp(['models', 'alias', 'cli-upload', 'production', '1', '--profile', 'admin']);
    const shown = await mlp(['models', 'show', 'cli-upload']);

    // Assess
    expect(adminLogin.code).toBe(0);
    expect(first.stdout).toMatch(/^cli-upload version 1: pending, scikit-learn/);
    expect(second.stdout).toMatch(/^cli-upload version 2: pending/);
    expect(approved.stdout).toBe('cli-upload version 1 is approved.\n');
    expect(rejected.stdout).toBe('cli-upload version 2 is rejected.\n');
    expect(aliased.stdout).toBe('cli-upload: production → version 1.\n');
    expect(shown.stdout).toContain('Aliases: production→1');
    expect(shown.stdout).toMatch(/\n1\s+approved\s+scikit-learn/);
    expect(shown.stdout).toMatch(/\n2\s+rejected\s+scikit-learn/);
  });

  it('signs in with the browser flow, refreshes an expired token on the next command, and revokes it on logout', async () => {
    // Prepare
    const credentials = join(configDir, 'credentials.json');
    const readProfile = async () => JSON.parse(await readFile(credentials, 'utf8')).profiles.browser;

    // Act
    const login = await mlpBrowserLogin(
      ['--profile', 'browser', 'login', '--api-url', t.platform.apiUrl, '--no-browser'],
      'bob',
    );
    const signedIn = await readProfile();
    const mode = (await stat(credentials)).mode & 0o777;
    // Force expiry: the next command must refresh before calling the API.
    const saved = JSON.parse(await readFile(credentials, 'utf8'));
    saved.profiles.browser.credential.expiresAt = new Date(Date.now() - 1000).toISOString();
    await writeFile(credentials, JSON.stringify(saved));
    const whoami = await mlp(['whoami', '--profile', 'browser']);
    const refreshed = await readProfile();
    const logout = await mlp(['logout', '--profile', 'browser']);
    const afterLogout = await postForm(signedIn.credential.tokenEndpoint, {
      grant_type: 'refresh_token',
      client_id: signedIn.credential.clientId,
      refresh_token: signedIn.credential.refreshToken,
    });

    // Assess
    expect(login.code).toBe(0);
    const authorize = new URL(login.url);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${t.platform.identity.url}/oauth2/authorize`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(login.stdout).toMatch(/^Signed in to .* as bob \(profile browser/);
    expect(mode).toBe(0o600);
    expect(signedIn.credential).toMatchObject({
      kind: 'oauth',
      username: 'bob',
      clientId: 'local-cli-client',
    });
    expect(whoami.code).toBe(0);
    expect(whoami.stdout).toBe(`bob (user) at ${t.platform.apiUrl}, via token\n`);
    expect(refreshed.credential.accessToken).not.toBe(signedIn.credential.accessToken);
    expect(new Date(refreshed.credential.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(logout.stdout).toBe('Signed out of profile browser (refresh token revoked).\n');
    expect(afterLogout).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('prints --help for every command', async () => {
    // Act
    const runs = await Promise.all(
      [
        [],
        ['login'],
        ['datasets', 'upload'],
        ['train'],
        ['models', 'download'],
        ['predict'],
        ['jobs', 'show'],
      ].map((command) => mlp([...command, '--help'])),
    );

    // Assess
    for (const run of runs) {
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: mlp/);
    }
  });
});
