/**
 * The local platform in a process of its own, for tests that kill it (`kill -9`) and start it again:
 * `node test/support/platform-process.ts <data dir> <ports as JSON>`. Prints one JSON line once the
 * API is up: its URLs, the ports it listens on (to start again on the same ones) and a token for
 * alice. Stops on SIGTERM; SIGKILL stops it the hard way, which is the point.
 */
import { startLocalPlatform } from '../../local/platform.ts';

export interface PlatformProcessReady {
  readonly apiUrl: string;
  readonly ports: { api: number; identity: number; s3: number; dynamodb: number };
  readonly aliceToken: string;
}

const [dataDir, portsJson = '{}'] = process.argv.slice(2);
if (dataDir === undefined) throw new Error('usage: platform-process.ts <data dir> [ports as JSON]');

const platform = await startLocalPlatform({ dataDir, ports: JSON.parse(portsJson) });
const port = (url: string) => Number(new URL(url).port);
const ready: PlatformProcessReady = {
  apiUrl: platform.apiUrl,
  ports: {
    api: port(platform.apiUrl),
    identity: port(platform.identity.url),
    s3: port(platform.endpoints.s3),
    dynamodb: port(platform.endpoints.dynamodb),
  },
  aliceToken: (await platform.identity.issueTokens('alice', { expiresInSeconds: 3600 })).accessToken,
};
process.stdout.write(`${JSON.stringify(ready)}\n`);
process.on('SIGTERM', () => void platform.close().then(() => process.exit(0)));
