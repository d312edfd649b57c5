/**
 * Refresh tokens of the local identity provider: opaque random strings, kept on disk as SHA-256
 * hashes only (`refresh-tokens.json`, mode 0600) so a CLI stays signed in across `npm start`
 * restarts. 30 days, as the platform's Cognito app clients. Revoking one deletes it.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomically } from '../state.ts';
import { randomToken } from './grants.ts';

export const REFRESH_TOKENS_FILE = 'refresh-tokens.json';
export const REFRESH_TOKEN_LIFETIME_MS = 30 * 24 * 3600 * 1000;

const grantSchema = z.object({
  username: z.string().min(1),
  clientId: z.string().min(1),
  scopes: z.array(z.string()),
  expiresAt: z.number(),
});
const fileSchema = z.object({ version: z.literal(1), tokens: z.record(z.string(), grantSchema) });

export type RefreshGrant = z.infer<typeof grantSchema>;

const hash = (token: string): string => createHash('sha256').update(token).digest('base64url');

export class RefreshTokens {
  readonly #file: string;
  readonly #tokens: Map<string, RefreshGrant>;
  readonly #now: () => number;
  #writes: Promise<void> = Promise.resolve();

  private constructor(file: string, tokens: Map<string, RefreshGrant>, now: () => number) {
    this.#file = file;
    this.#tokens = tokens;
    this.#now = now;
  }

  /** The data directory's refresh tokens; a missing or unreadable file starts empty (sign in again). */
  static async load(dataDir: string, now: () => number = Date.now): Promise<RefreshTokens> {
    const file = join(dataDir, REFRESH_TOKENS_FILE);
    const tokens = new Map<string, RefreshGrant>();
    try {
      const parsed = fileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
      if (parsed.success) {
        for (const [key, grant] of Object.entries(parsed.data.tokens)) {
          if (grant.expiresAt > now()) tokens.set(key, grant);
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
    }
    return new RefreshTokens(file, tokens, now);
  }

  async issue(grant: Omit<RefreshGrant, 'expiresAt'>): Promise<string> {
    const token = randomToken(48);
    this.#tokens.set(hash(token), { ...grant, expiresAt: this.#now() + REFRESH_TOKEN_LIFETIME_MS });
    await this.#persist();
    return token;
  }

  /** The grant behind `token` when it exists, has not expired and was issued to `clientId`. */
  find(token: string, clientId: string): RefreshGrant | undefined {
    const key = hash(token);
    const grant = this.#tokens.get(key);
    if (!grant || grant.clientId !== clientId) return undefined;
    if (grant.expiresAt <= this.#now()) {
      this.#tokens.delete(key);
      return undefined;
    }
    return grant;
  }

  /** Revokes `token` if `clientId` owns it; true when something was revoked. */
  async revoke(token: string, clientId: string): Promise<boolean> {
    if (!this.find(token, clientId)) return false;
    this.#tokens.delete(hash(token));
    await this.#persist();
    return true;
  }

  /** Writes the file, one write at a time, dropping expired tokens. */
  #persist(): Promise<void> {
    const write = this.#writes.then(() => {
      const now = this.#now();
      const tokens = Object.fromEntries([...this.#tokens].filter(([, grant]) => grant.expiresAt > now));
      return writeJsonAtomically(this.#file, { version: 1, tokens });
    });
    this.#writes = write.catch(() => undefined);
    return write;
  }

  /** Resolves when pending writes are on disk. */
  flushed(): Promise<void> {
    return this.#writes;
  }
}
