import { describe, expect, it } from 'vitest';
import { parseJsonWithinDepth, tooDeepPath } from '../../../functions/http/lib/json-depth.ts';

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

/** What the request parsing did before parseJsonWithinDepth: the scan, then JSON.parse. */
function scanThenParse(text: string, maxDepth: number): unknown {
  const tooDeep = tooDeepPath(text, maxDepth);
  if (tooDeep !== undefined) return { tooDeep };
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { syntaxError: (error as Error).message };
  }
}

function parseFirst(text: string, maxDepth: number): unknown {
  try {
    return parseJsonWithinDepth(text, maxDepth);
  } catch (error) {
    return { syntaxError: (error as Error).message };
  }
}

describe('parseJsonWithinDepth', () => {
  const deep = (depth: number, open = '[', close = ']') => `${open.repeat(depth)}${close.repeat(depth)}`;
  const objects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const texts: [string, string][] = [
    ['a scalar', '1'],
    ['a string full of brackets', JSON.stringify('[[[[{{{{'.repeat(10))],
    ['rows within the limit', JSON.stringify({ instances: Array.from({ length: 100 }, () => [1, 2, 3, 4]) })],
    ['exactly at the limit', deep(4)],
    ['one level over', deep(5)],
    ['objects over', objects(5)],
    ['objects at the limit', objects(4)],
    ['deep inside a later element', `[1, [2], {"k": ${deep(4)}}]`],
    ['brackets in strings beside shallow values', `{"a": "${'['.repeat(20)}", "b": [1]}`],
    ['brackets in strings beside a deep value', `{"a": "${'['.repeat(20)}", "b": ${deep(4)}}`],
    ['a duplicate key dropping a deep value', `{"a": ${deep(6)}, "a": 1}`],
    ['a duplicate key dropping a shallow container', '{"a": [1], "a": 1}'],
    ['escaped quotes in keys', `{"k\\"ey": ${deep(4)}}`],
    ['not JSON, shallow', '{"a": [1, 2'],
    ['not JSON, deep', deep(10).slice(0, 12)],
    ['not JSON at all', 'not json'],
    ['empty containers', '[[], {}, [[]], {"a": {}}]'],
  ];

  it.each(texts)('decides %s as the scan-then-parse did', (_name, text) => {
    // Act / Assess
    expect(parseFirst(text, 4)).toStrictEqual(scanThenParse(text, 4));
  });

  it('decides as the scan-then-parse did on generated texts', () => {
    // Prepare: random JSON values of random depths, some with duplicate keys and bracketed strings
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const value = (depth: number): string => {
      const pick = random();
      if (depth === 0 || pick < 0.25) return random() < 0.5 ? String(Math.floor(random() * 100)) : '"[{x"';
      const count = Math.floor(random() * 4);
      const items = Array.from({ length: count }, () => value(depth - 1));
      if (pick < 0.6) return `[${items.join(',')}]`;
      return `{${items.map((item, i) => `"${random() < 0.2 ? 'k' : `k${i}`}":${item}`).join(',')}}`;
    };

    for (let i = 0; i < 2000; i += 1) {
      // Act
      const text = value(Math.floor(random() * 9));

      // Assess
      expect(parseFirst(text, 5), text).toStrictEqual(scanThenParse(text, 5));
    }
  });

  it('scans first when a text has very many brackets, and refuses it as deep', () => {
    // Act / Assess
    expect(parseJsonWithinDepth(deep(200_000), 32).tooDeep).toHaveLength(32);
  });
});
