/**
 * Pages of results with opaque cursors. A cursor is the store's own position (e.g. DynamoDB's
 * LastEvaluatedKey) signed with HMAC-SHA256 and bound to the listing it came from, so a cursor
 * that was forged, altered or taken from another listing is a 400, never a position the store
 * chokes on (a 500) or one the caller chose.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from './errors.ts';

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

/** Shortest signing key accepted (bytes of its text): 256 bits of a random hex or base64 string. */
export const MIN_CURSOR_KEY_LENGTH = 32;
const SIGNATURE_BYTES = 32;

export function invalidCursor(): ValidationError {
  return new ValidationError('The cursor is not one this API returned for this listing.', [
    { field: 'query.cursor', message: 'invalid cursor' },
  ]);
}

/**
 * Signs and opens cursors. `scope` names the listing (e.g. `models:byOwner:<ownerId>`): a cursor
 * opens only in the listing that made it.
 *
 * @example
 * const cursors = new CursorSigner(config().cursorSigningKey);
 * const cursor = cursors.sign({ name: 'iris' }, 'models:all');
 * cursors.open(cursor, 'models:all'); // { name: 'iris' }
 * cursors.open(cursor, 'datasets:all'); // throws ValidationError (400, field query.cursor)
 */
export class CursorSigner {
  readonly #key: Buffer;

  constructor(key: string | Uint8Array) {
    this.#key = Buffer.from(key);
    if (this.#key.byteLength < MIN_CURSOR_KEY_LENGTH) {
      throw new Error(`A cursor signing key has at least ${MIN_CURSOR_KEY_LENGTH} bytes.`);
    }
  }

  sign(position: unknown, scope: string): string {
    const payload = Buffer.from(JSON.stringify(position), 'utf8');
    return `${payload.toString('base64url')}.${this.#mac(payload, scope).toString('base64url')}`;
  }

  /** @throws ValidationError naming `query.cursor` for anything `sign` did not make for `scope`. */
  open(cursor: string, scope: string): unknown {
    const dot = cursor.indexOf('.');
    if (dot < 0) throw invalidCursor();
    const payload = Buffer.from(cursor.slice(0, dot), 'base64url');
    const signature = Buffer.from(cursor.slice(dot + 1), 'base64url');
    if (signature.byteLength !== SIGNATURE_BYTES || !timingSafeEqual(signature, this.#mac(payload, scope))) {
      throw invalidCursor();
    }
    // Signed, so made by `sign`: JSON.
    return JSON.parse(payload.toString('utf8'));
  }

  #mac(payload: Buffer, scope: string): Buffer {
    // Length-prefixed: no scope and payload pair reads as another.
    return createHmac('sha256', this.#key).update(`${scope.length}:${scope}`).update(payload).digest();
  }
}
