import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localIdentityUrl } from '../../../clients/cli/commands/login.ts';
import { ConfigStore, configDirectory } from '../../../clients/cli/config-store.ts';
import { describeFailure, EXIT } from '../../../clients/cli/exit-codes.ts';
import { renderTable } from '../../../clients/cli/output.ts';
import { parseCsvRows, parseJsonLines, predictionRecords } from '../../../clients/cli/rows-file.ts';
import { clientFor } from '../../../clients/cli/session.ts';
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

describe('clientFor', () => {
  it('refuses an expired local token before calling the API, saying how to sign in again', () => {
    // Act
    const call = () =>
      clientFor(
        {
          apiUrl: 'http://a',
          credential: {
            kind: 'token',
            accessToken: 't',
            expiresAt: '2026-01-01T00:00:00.000Z',
            username: 'alice',
            source: 'local',
          },
        },
        'work',
        new Date('2026-01-01T00:00:01Z'),
      );

    // Assess
    expect(call).toThrow('run mlp login --local alice --profile work.');
  });
});

describe('localIdentityUrl', () => {
  it('is the port after the API, as npm start lays them out', () => {
    expect(localIdentityUrl('http://127.0.0.1:3000')).toBe('http://127.0.0.1:3001');
  });
});
