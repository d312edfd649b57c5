import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { localIdentityUrl } from '../../../clients/cli/commands/login.ts';
import { ConfigStore, configDirectory } from '../../../clients/cli/config-store.ts';
import { describeFailure, EXIT } from '../../../clients/cli/exit-codes.ts';
import { renderTable } from '../../../clients/cli/output.ts';
import { parseCsvRows, parseJsonLines, predictionRecords } from '../../../clients/cli/rows-file.ts';
import { currentCredential } from '../../../clients/cli/session.ts';
import { ApiError } from '../../../clients/sdk/src/index.ts';

describe('renderTable', () => {
  it('pads columns to their widest cell and rounds numbers', () => {
    // Act
    const table = renderTable(
      ['name', 'score'],
      [
        ['iris', 0.973333333],
        ['wine-quality', 1],
      ],
    );

    // Assess
    expect(table).toBe(
      ['name          score', '------------  ------', 'iris          0.9733', 'wine-quality  1'].join('\n'),
    );
  });
});

describe('parseCsvRows', () => {
  it('reads numbers as numbers, empty fields as missing, quoted commas as text', () => {
    // Act
    const rows = parseCsvRows('\uFEFFa,b,c\r\n1.5,,"x, y"\n-2e3,7,z\n');

    // Assess
    expect(rows).toEqual([
      { a: 1.5, b: null, c: 'x, y' },
      { a: -2000, b: 7, c: 'z' },
    ]);
  });

  it.each([
    ['a,b\n1\n', 'Line 2 has 1 fields; the header has 2.'],
    ['a,b\n"1,2\n', /unterminated quote/],
    ['', /empty/],
  ])('refuses %j in one line', (text, message) => {
    expect(() => parseCsvRows(text)).toThrow(message);
  });
});

describe('parseJsonLines', () => {
  it('reads one object per line and names a bad line', () => {
    expect(parseJsonLines('{"a":1}\n\n{"a":2}\n')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(() => parseJsonLines('{"a":1}\n[1]\n')).toThrow('Line 2 is not a JSON object.');
  });
});

describe('predictionRecords', () => {
  it('gives each row its prediction and the probability of each label', () => {
    // Act
    const records = predictionRecords({
      model: 'm',
      version: 1,
      predictions: ['a', 'b'],
      probabilities: [
        [0.9, 0.1],
        [0.2, 0.8],
      ],
      classLabels: ['a', 'b'],
    });

    // Assess
    expect(records).toEqual([
      { prediction: 'a', p_a: 0.9, p_b: 0.1 },
      { prediction: 'b', p_a: 0.2, p_b: 0.8 },
    ]);
  });
});

describe('describeFailure', () => {
  it.each([
    [401, EXIT.auth, 'Unauthorized Run mlp login. (request r1)'],
    [403, EXIT.auth, 'Nope (request r1)'],
    [404, EXIT.notFound, 'Nope (request r1)'],
    [422, EXIT.failed, 'Nope (request r1)'],
    [429, EXIT.unavailable, 'Nope (request r1)'],
    [503, EXIT.unavailable, 'Nope (request r1)'],
  ])('maps HTTP %i to exit code %i', (status, exitCode, message) => {
    // Prepare
    const body = status === 401 ? { message: 'Unauthorized' } : { status, title: 'x', detail: 'Nope\nmore' };

    // Act
    const failure = describeFailure(new ApiError(status, body, 'r1'));

    // Assess
    expect(failure).toEqual({ exitCode, message });
  });

  it('says the platform is unreachable when fetch fails', () => {
    const failure = describeFailure(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }));
    expect(failure.exitCode).toBe(EXIT.unavailable);
    expect(failure.message).toMatch(/^Could not reach the platform \(ECONNREFUSED\)/);
  });
});

describe('ConfigStore', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mlp-config-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('keeps profiles side by side in a 0600 file inside a 0700 folder', async () => {
    // Prepare
    const store = new ConfigStore(join(directory, 'mlp'));

    // Act
    await store.save('default', { apiUrl: 'http://a', credential: { kind: 'apiKey', apiKey: 'k1' } });
    await store.save('work', { apiUrl: 'http://b', credential: { kind: 'apiKey', apiKey: 'k2' } });
    const removed = await store.remove('default');

    // Assess
    expect(removed).toBe(true);
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    expect((await stat(store.directory)).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(store.path, 'utf8'))).toEqual({
      profiles: { work: { apiUrl: 'http://b', credential: { kind: 'apiKey', apiKey: 'k2' } } },
    });
    await expect(store.profile('default')).rejects.toMatchObject({ exitCode: EXIT.auth });
  });

  it('lives in $MLP_CONFIG_DIR, else $XDG_CONFIG_HOME/mlp', () => {
    expect(configDirectory({ MLP_CONFIG_DIR: '/x' })).toBe('/x');
    expect(configDirectory({ XDG_CONFIG_HOME: '/y' })).toBe(join('/y', 'mlp'));
  });
});

describe('currentCredential', () => {
  let directory: string;
  let store: ConfigStore;
  const oauth = {
    kind: 'oauth' as const,
    accessToken: 'old-access',
    refreshToken: 'refresh-1',
    expiresAt: '2026-01-01T00:04:00.000Z',
    username: 'alice',
    clientId: 'cli',
    tokenEndpoint: 'https://idp.example/oauth2/token',
    revocationEndpoint: 'https://idp.example/oauth2/revoke',
  };
  const now = new Date('2026-01-01T00:00:00Z');

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mlp-session-'));
    store = new ConfigStore(directory);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(directory, { recursive: true, force: true });
  });

  it('refuses an expired local token before calling the API, saying how to sign in again', async () => {
    // Prepare
    await store.save('work', {
      apiUrl: 'http://a',
      credential: {
        kind: 'token',
        accessToken: 't',
        expiresAt: '2026-01-01T00:00:00.000Z',
        username: 'alice',
        source: 'local',
      },
    });

    // Act
    const call = currentCredential(store, 'work', new Date('2026-01-01T00:00:01Z'));

    // Assess
    await expect(call).rejects.toThrow('run mlp login --local alice --profile work.');
  });

  it('refreshes a browser sign-in with under five minutes left, and saves the new token (0600)', async () => {
    // Prepare
    await store.save('default', { apiUrl: 'http://a', credential: oauth });
    const fetchMock = vi
      .spyOn(globalThis, 'fetch')
      .mockResolvedValue(
        Response.json({ access_token: 'new-access', expires_in: 3600, token_type: 'Bearer' }),
      );

    // Act
    const profile = await currentCredential(store, 'default', now);

    // Assess
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe(oauth.tokenEndpoint);
    expect(Object.fromEntries(new URLSearchParams(String(init?.body)))).toEqual({
      grant_type: 'refresh_token',
      client_id: 'cli',
      refresh_token: 'refresh-1',
    });
    expect(profile.credential).toMatchObject({
      accessToken: 'new-access',
      refreshToken: 'refresh-1',
      expiresAt: '2026-01-01T01:00:00.000Z',
    });
    expect((await store.profile('default')).credential).toEqual(profile.credential);
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
  });

  it('keeps a browser sign-in with time left as it is, without calling the identity provider', async () => {
    // Prepare
    await store.save('default', {
      apiUrl: 'http://a',
      credential: { ...oauth, expiresAt: '2026-01-01T00:30:00Z' },
    });
    const fetchMock = vi.spyOn(globalThis, 'fetch');

    // Act
    const profile = await currentCredential(store, 'default', now);

    // Assess
    expect(fetchMock).not.toHaveBeenCalled();
    expect(profile.credential).toMatchObject({ accessToken: 'old-access' });
  });

  it('says to sign in again when the refresh token is refused', async () => {
    // Prepare
    await store.save('work', { apiUrl: 'http://a', credential: oauth });
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(
      Response.json({ error: 'invalid_grant', error_description: 'revoked' }, { status: 400 }),
    );

    // Act
    const call = currentCredential(store, 'work', now);

    // Assess
    await expect(call).rejects.toMatchObject({
      exitCode: EXIT.auth,
      message: expect.stringMatching(/revoked.*run mlp login --profile work\.$/),
    });
  });
});

describe('localIdentityUrl', () => {
  it('is the port after the API, as npm start lays them out', () => {
    expect(localIdentityUrl('http://127.0.0.1:3000')).toBe('http://127.0.0.1:3001');
  });
});
