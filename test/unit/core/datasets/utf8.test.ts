/** Streaming UTF-8 validation: where the first ill-formed byte sequence starts. */
import { describe, expect, it } from 'vitest';
import { Utf8Validator } from '../../../../functions/core/datasets/utf8.ts';

function firstBad(bytes: number[], chunkSize = bytes.length || 1): number {
  const validator = new Utf8Validator();
  for (let i = 0; i < bytes.length; i += chunkSize) {
    const bad = validator.check(Uint8Array.from(bytes.slice(i, i + chunkSize)));
    if (bad !== -1) return bad;
  }
  return validator.finish();
}

const utf8 = (text: string) => [...new TextEncoder().encode(text)];

describe('Utf8Validator.check', () => {
  it('accepts ASCII and 2-, 3- and 4-byte characters split anywhere between chunks', () => {
    const bytes = utf8('a é € 𝄞 z');
    for (let size = 1; size <= bytes.length; size++) expect(firstBad(bytes, size)).toBe(-1);
  });

  it.each([
    ['a Latin-1 é', [...utf8('ab'), 0xe9, ...utf8('t')], 2],
    ['a lone continuation byte', [0x41, 0x80], 1],
    ['an overlong "/" (C0 AF)', [0x41, 0xc0, 0xaf], 1],
    ['an overlong 3-byte form (E0 80 80)', [0xe0, 0x80, 0x80], 0],
    ['a UTF-16 surrogate (ED A0 80)', [0x41, 0x42, 0xed, 0xa0, 0x80], 2],
    ['a code point above U+10FFFF (F4 90 80 80)', [0xf4, 0x90, 0x80, 0x80], 0],
    ['F5, never valid', [0x41, 0xf5], 1],
  ])('finds %s at its first byte', (_what, bytes, offset) => {
    expect(firstBad(bytes)).toBe(offset);
    expect(firstBad(bytes, 1)).toBe(offset);
  });

  it('finds a sequence cut short by the end of the file', () => {
    expect(firstBad([...utf8('ok'), 0xe2, 0x82])).toBe(2);
  });
});
