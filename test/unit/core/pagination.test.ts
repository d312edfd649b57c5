import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../functions/core/errors.ts';
import { CursorSigner } from '../../../functions/core/pagination.ts';

const key = 'a-test-key-of-at-least-thirty-two-bytes';
const position = { ownerId: 'alice', createdAt: '2026-01-01T00:00:00.000Z', name: 'iris' };

function refusal(act: () => unknown): ValidationError {
  try {
    act();
  } catch (error) {
    return error as ValidationError;
  }
  throw new Error('expected a refusal');
}

describe('CursorSigner', () => {
  it('opens the cursors it signed, in the listing that made them', () => {
    // Prepare
    const signer = new CursorSigner(key);

    // Act
    const cursor = signer.sign(position, 'models:byOwner:alice');

    // Assess
    expect(signer.open(cursor, 'models:byOwner:alice')).toEqual(position);
  });

  it.each([
    [
      'an unsigned LastEvaluatedKey',
      (_cursor: string) => Buffer.from(JSON.stringify(position)).toString('base64url'),
    ],
    [
      'an altered position',
      (cursor: string) =>
        `${Buffer.from(JSON.stringify({ ...position, ownerId: 'bob' })).toString('base64url')}.${cursor.split('.')[1]}`,
    ],
    ['a truncated signature', (cursor: string) => cursor.slice(0, -4)],
    ['garbage', () => '!!!.???'],
  ])('refuses %s with a 400 naming query.cursor', (_label, forge) => {
    // Prepare
    const signer = new CursorSigner(key);
    const cursor = signer.sign(position, 'models:byOwner:alice');

    // Act
    const error = refusal(() => signer.open(forge(cursor), 'models:byOwner:alice'));

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.status).toBe(400);
    expect(error.details.field).toBe('query.cursor');
  });

  it('refuses a cursor of another listing, or signed with another key', () => {
    // Prepare
    const signer = new CursorSigner(key);
    const cursor = signer.sign(position, 'models:byOwner:alice');

    // Act / Assess
    expect(refusal(() => signer.open(cursor, 'models:byOwner:bob'))).toBeInstanceOf(ValidationError);
    expect(
      refusal(() => new CursorSigner(`${key}-other`).open(cursor, 'models:byOwner:alice')),
    ).toBeInstanceOf(ValidationError);
  });

  it('refuses a key shorter than 32 bytes', () => {
    // Act / Assess
    expect(() => new CursorSigner('short')).toThrow(/at least 32 bytes/);
  });
});
