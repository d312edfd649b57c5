/**
 * Pagination cursors of the DynamoDB repositories: the LastEvaluatedKey, signed and bound to the
 * listing (see `CursorSigner`). The key comes from configuration (`CURSOR_SIGNING_KEY`); a
 * repository may be given its own signer (tests).
 */
import { ConfigurationError, config } from '#config';
import { CursorSigner, invalidCursor } from '#core/pagination.ts';

let platformSigner: CursorSigner | undefined;

/** The signer built from the configured key, on first use (only listing functions need one). */
export function platformCursors(): CursorSigner {
  if (platformSigner !== undefined) return platformSigner;
  const key = config().pagination.cursorSigningKey;
  if (key === undefined) {
    throw new ConfigurationError('CURSOR_SIGNING_KEY is not set: this function cannot page listings.');
  }
  platformSigner = new CursorSigner(key);
  return platformSigner;
}

/** The scope of a listing: the table, the index or query, and every value that shapes the query. */
export function listingScope(...parts: readonly (string | undefined)[]): string {
  return JSON.stringify(parts);
}

export function encodeCursor(
  lastEvaluatedKey: Record<string, unknown> | undefined,
  scope: string,
  signer?: CursorSigner,
): string | undefined {
  if (lastEvaluatedKey === undefined) return undefined;
  return (signer ?? platformCursors()).sign(lastEvaluatedKey, scope);
}

/** @throws ValidationError (400, `query.cursor`) for a cursor this listing did not hand out. */
export function decodeCursor(
  cursor: string | undefined,
  scope: string,
  signer?: CursorSigner,
): Record<string, unknown> | undefined {
  if (cursor === undefined) return undefined;
  const value = (signer ?? platformCursors()).open(cursor, scope);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  throw invalidCursor();
}
