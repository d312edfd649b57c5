/** Opaque pagination cursors: DynamoDB's LastEvaluatedKey, base64url-encoded JSON. */
import { ValidationError } from '#core/errors.ts';

export function encodeCursor(lastEvaluatedKey: Record<string, unknown> | undefined): string | undefined {
  return lastEvaluatedKey === undefined
    ? undefined
    : Buffer.from(JSON.stringify(lastEvaluatedKey), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // falls through to the validation error
  }
  throw new ValidationError('The cursor is not one this API returned.', [
    { field: 'query.cursor', message: 'invalid cursor' },
  ]);
}
