import { describe, expect, it } from 'vitest';
import {
  generateApiKey,
  hashSecret,
  parseApiKey,
  secretMatches,
} from '../../../../functions/core/auth/api-key-secret.ts';

describe('generateApiKey', () => {
  it('makes distinct keys whose hash matches only their own secret', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.plaintext).not.toBe(b.plaintext);
    const parsedA = parseApiKey(a.plaintext);
    expect(parsedA?.keyId).toBe(a.keyId);
    expect(secretMatches(parsedA?.secret ?? '', a.secretHash)).toBe(true);
    expect(secretMatches(parsedA?.secret ?? '', b.secretHash)).toBe(false);
    expect(a.secretHash).toBe(hashSecret(parsedA?.secret ?? ''));
    expect(a.plaintext).not.toContain(a.secretHash);
  });
});

describe('parseApiKey', () => {
  it('refuses anything not shaped like one of our keys', () => {
    const { plaintext } = generateApiKey();
    for (const bad of [
      '',
      'mlp_',
      'mlp_short_x',
      plaintext.replace('mlp_', 'xyz_'),
      `${plaintext}!`,
      `${plaintext}A`,
    ]) {
      expect(parseApiKey(bad)).toBeNull();
    }
  });
});
