import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTokenCli } from '../../local/identity-provider/token-cli.ts';
import { startTestPlatform, type TestPlatform } from '../support/local-platform.ts';

describe('npm run token with the --data-dir npm start was given', () => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await startTestPlatform();
  });

  afterAll(async () => {
    await t.close();
  });

  it('prints a token the running platform accepts', async () => {
    // Prepare
    const out: string[] = [];
    const err: string[] = [];

    // Act
    const code = await runTokenCli(['alice', '--data-dir', t.dataDir], {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });
    const me = await t.call('GET', '/v1/me', { token: out[0] ?? '' });

    // Assess
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ username: 'alice' });
  });
});
