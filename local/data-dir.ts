/**
 * Where the local platform keeps its data, shared by `npm start` and `npm run token` so that one
 * `--data-dir` names the same folder in both.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `.local-data` at the repository root: `npm start`'s default. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../.local-data', import.meta.url));

/** The local identity provider's folder inside a platform data directory. */
export function identityDataDir(dataDir: string): string {
  return join(resolve(dataDir), 'identity');
}
