import { describe, expect, it } from 'vitest';
import { consolePath, matchPattern, pathTo } from '../../../console/src/route-match.ts';

describe('matchPattern', () => {
  it('captures and decodes params when every segment fits', () => {
    expect(matchPattern('models/:name/versions/:version', 'models/churn%20v2/versions/3')).toEqual({
      name: 'churn v2',
      version: '3',
    });
  });

  it('refuses other segment counts, other literals and malformed escapes', () => {
    expect(matchPattern('models/:name', 'models')).toBeUndefined();
    expect(matchPattern('models/:name', 'models/a/b')).toBeUndefined();
    expect(matchPattern('models/:name', 'datasets/a')).toBeUndefined();
    expect(matchPattern('models/:name', 'models/%E0%A4%A')).toBeUndefined();
  });
});

describe('pathTo', () => {
  it('fills params, encoding each, and names a missing one', () => {
    expect(pathTo('models/:name/versions/:version', { name: 'a/b', version: '2' })).toBe(
      'models/a%2Fb/versions/2',
    );
    expect(() => pathTo('models/:name', {})).toThrow(/:name/);
  });
});

describe('consolePath', () => {
  it('strips the base, and answers undefined outside it', () => {
    expect(consolePath('/console/models/iris', '/console/')).toBe('models/iris');
    expect(consolePath('/console', '/console/')).toBe('');
    expect(consolePath('/consoles/x', '/console/')).toBeUndefined();
  });
});
