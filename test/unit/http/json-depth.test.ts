import { describe, expect, it } from 'vitest';
import { tooDeepPath } from '../../../functions/http/lib/json-depth.ts';

describe('tooDeepPath', () => {
  it('is undefined within the limit, strings with brackets and escaped quotes included', () => {
    // Act / Assess
    expect(tooDeepPath('[[1, 2], [3]]', 2)).toBeUndefined();
    expect(tooDeepPath('{"a": "[[[{{{\\"[[["}', 1)).toBeUndefined();
    expect(tooDeepPath('not json at all', 1)).toBeUndefined();
  });

  it('names the keys and indexes down to the first container too deep', () => {
    // Act / Assess
    expect(tooDeepPath('{"metadata": {"a": {"a": {}}}}', 3)).toEqual(['metadata', 'a', 'a']);
    expect(tooDeepPath('{"x": 1, "instances": [[1], [[2]]]}', 3)).toEqual(['instances', 1, 0]);
    expect(tooDeepPath('{"k\\"ey": [[]]}', 2)).toEqual(['k"ey', 0]);
  });

  it('scans 50,000 levels without recursion', () => {
    // Prepare
    const text = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;

    // Act / Assess
    expect(tooDeepPath(text, 32)).toHaveLength(32);
  });

  it('shortens long keys in the path it reports', () => {
    // Act
    const path = tooDeepPath(`{"${'k'.repeat(1000)}": [[]]}`, 2);

    // Assess
    expect(String(path?.[0])).toHaveLength(41);
  });
});
