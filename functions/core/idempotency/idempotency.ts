/**
 * Idempotent creation: the first request with an Idempotency-Key claims it (conditional write),
 * runs, and stores its response; a retry with the same key and the same body gets that response
 * again; the same key with another body is refused; a retry while the first is still running gets
 * 409. If the first attempt fails, the claim is released so the client can retry.
 */
import { createHash } from 'node:crypto';
import { ConflictError, UnprocessableError } from '../errors.ts';

export interface StoredResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export type IdempotencyRecord =
  | { readonly state: 'in-progress'; readonly requestHash: string }
  | { readonly state: 'completed'; readonly requestHash: string; readonly response: StoredResponse };

export interface IdempotencyStore {
  /** Claims `id` unless an unexpired record holds it; returns the existing record when it does. */
  claim(
    id: string,
    requestHash: string,
    expiresAtEpochSeconds: number,
  ): Promise<IdempotencyRecord | undefined>;
  complete(id: string, response: StoredResponse, expiresAtEpochSeconds: number): Promise<void>;
  release(id: string): Promise<void>;
}

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_.:-]{8,128}$/;

export function idempotencyRecordId(subject: string, operation: string, key: string): string {
  return `${subject}|${operation}|${key}`;
}

export function requestHash(body: Uint8Array | string | undefined): string {
  return createHash('sha256')
    .update(body ?? '')
    .digest('hex');
}

export async function runIdempotently(
  request: { subject: string; operation: string; key: string; body: Uint8Array | string | undefined },
  store: IdempotencyStore,
  ttlSeconds: number,
  now: () => Date,
  run: () => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  if (!IDEMPOTENCY_KEY_PATTERN.test(request.key)) {
    throw new UnprocessableError('Idempotency-Key must be 8 to 128 characters of A-Z a-z 0-9 _ . : -', {
      field: 'headers.idempotency-key',
    });
  }
  const id = idempotencyRecordId(request.subject, request.operation, request.key);
  const hash = requestHash(request.body);
  const expiresAt = Math.floor(now().getTime() / 1000) + ttlSeconds;
  const existing = await store.claim(id, hash, expiresAt);
  if (existing !== undefined) {
    if (existing.requestHash !== hash) {
      throw new UnprocessableError('This Idempotency-Key was used with a different request body.', {
        field: 'headers.idempotency-key',
      });
    }
    if (existing.state === 'in-progress') {
      throw new ConflictError('A request with this Idempotency-Key is still in progress; retry shortly.');
    }
    return { ...existing.response, replayed: true };
  }
  let response: StoredResponse;
  try {
    response = await run();
  } catch (error) {
    await store.release(id);
    throw error;
  }
  // Only successes are kept: a client that got a 4xx fixes its request and may reuse the key.
  if (response.statusCode >= 200 && response.statusCode < 300) await store.complete(id, response, expiresAt);
  else await store.release(id);
  return { ...response, replayed: false };
}
