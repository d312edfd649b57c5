import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, identityDataDir } from '../../../local/data-dir.ts';
import { parseStartArgs } from '../../../local/start-args.ts';

describe('parseStartArgs', () => {
  it('gives the defaults for no arguments', () => {
    // Act
    const parsed = parseStartArgs([]);

    // Assess
    expect(parsed).toEqual({
      kind: 'start',
      options: { port: 3000, host: '127.0.0.1', dataDir: DEFAULT_DATA_DIR, corsOrigins: [], quiet: false },
    });
  });

  it('reads every option', () => {
    // Act
    const parsed = parseStartArgs(
      [
        '--port',
        '4000',
        '--data-dir',
        '/tmp/ml',
        '--cors-origin',
        'http://a',
        '--cors-origin',
        'http://b',
        '--quiet',
      ],
      '3000',
    );

    // Assess
    expect(parsed).toEqual({
      kind: 'start',
      options: {
        port: 4000,
        host: '127.0.0.1',
        dataDir: '/tmp/ml',
        corsOrigins: ['http://a', 'http://b'],
        quiet: true,
      },
    });
  });

  it.each([['--help'], ['-h']])('asks for usage with %s', (flag) => {
    expect(parseStartArgs([flag])).toEqual({ kind: 'help' });
  });

  it.each([
    [
      ['--data-dri', 'x'],
      /^Unknown option --data-dri \(did you mean --data-dir\?\)\. Run npm start -- --help for usage\.$/,
    ],
    [['--verbose'], /^Unknown option --verbose\. Run npm start/],
    [['--port'], /^Option '--port <value>' argument missing.*--help/],
    [['--port', '80x'], /^--port must be a port number from 1 to 65530 \(got "80x"\)\.$/],
    [['stray'], /^Unexpected argument 'stray'.*--help/],
  ])('answers one line for %j', (argv, message) => {
    // Act
    const parsed = parseStartArgs(argv);

    // Assess
    expect(parsed.kind).toBe('error');
    const text = parsed.kind === 'error' ? parsed.message : '';
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });
});

describe('identityDataDir', () => {
  it('is the identity folder inside the platform data directory', () => {
    expect(identityDataDir('rel/data')).toBe(resolve('rel/data', 'identity'));
  });
});
