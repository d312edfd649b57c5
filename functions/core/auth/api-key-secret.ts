/**
 * API key format and hashing. A key is `mlp_<keyId>_<secret>`: the id finds the record with one
 * read, the 256-bit secret is stored only as a SHA-256 hash (a salt adds nothing for a random
 * secret of this length) and compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_KEY_PREFIX = 'mlp_';
const KEY_ID_PATTERN = /^[A-Za-z0-9]{16}$/;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export interface GeneratedApiKey {
  readonly keyId: string;
  /** The whole key, shown to its creator once. */
  readonly plaintext: string;
  readonly secretHash: string;
}

function randomKeyId(): string {
  // 62 does not divide 256; rejecting bytes >= 248 keeps every character equally likely.
  let id = '';
  while (id.length < 16) {
    for (const byte of randomBytes(32)) {
      if (byte < 248 && id.length < 16) id += ALPHANUMERIC[byte % 62];
    }
  }
  return id;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function generateApiKey(): GeneratedApiKey {
  const keyId = randomKeyId();
  const secret = randomBytes(32).toString('base64url');
  return { keyId, plaintext: `${API_KEY_PREFIX}${keyId}_${secret}`, secretHash: hashSecret(secret) };
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX);
}

/** Splits a presented key into id and secret; null when it is not shaped like one of ours. */
export function parseApiKey(value: string): { keyId: string; secret: string } | null {
  if (!looksLikeApiKey(value)) return null;
  const rest = value.slice(API_KEY_PREFIX.length);
  const separator = rest.indexOf('_');
  if (separator < 0) return null;
  const keyId = rest.slice(0, separator);
  const secret = rest.slice(separator + 1);
  if (!KEY_ID_PATTERN.test(keyId) || !SECRET_PATTERN.test(secret)) return null;
  return { keyId, secret };
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
