/**
 * A pre-scan of a JSON text's nesting, run before JSON.parse: a body nested thousands of levels
 * deep parses, but every recursive walk after it (zod, JSON.stringify, the DynamoDB marshaller)
 * overflows the stack. One pass over the text, no recursion, no allocation but the path stack;
 * it reads only structure (brackets, strings, commas), so a text that is not JSON is left to
 * JSON.parse to refuse.
 */

const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const COMMA = 0x2c; // ,

/** Longest key kept in a reported path, so that a problem stays short. */
const MAX_KEY_LENGTH = 40;

interface Frame {
  readonly array: boolean;
  /** Object: the key being read (undefined before the first one). Array: the element's index. */
  key: string | number | undefined;
  expectingKey: boolean;
}

/**
 * The path (keys and array indexes, outermost first) of the first container nested deeper than
 * `maxDepth`, or undefined when the text stays within it. Depth counts containers: `{}` is 1,
 * `{"a": [1]}` is 2.
 *
 * @example
 * tooDeepPath('{"metadata": {"a": {"a": {}}}}', 3); // ['metadata', 'a', 'a']
 * tooDeepPath('[[1, 2], [3]]', 2); // undefined
 */
export function tooDeepPath(text: string, maxDepth: number): (string | number)[] | undefined {
  const stack: Frame[] = [];
  const length = text.length;
  for (let i = 0; i < length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      const end = closingQuote(text, i);
      const frame = stack[stack.length - 1];
      if (frame !== undefined && !frame.array && frame.expectingKey) {
        frame.key = keyText(text, i, end);
        frame.expectingKey = false;
      }
      i = end;
    } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      if (stack.length === maxDepth) {
        return stack.map((frame) => frame.key ?? 0);
      }
      const array = code === OPEN_ARRAY;
      stack.push({ array, key: array ? 0 : undefined, expectingKey: !array });
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      stack.pop();
    } else if (code === COMMA) {
      const frame = stack[stack.length - 1];
      if (frame === undefined) continue;
      if (frame.array) frame.key = (frame.key as number) + 1;
      else frame.expectingKey = true;
    }
  }
  return undefined;
}

/** The index of the quote closing the string opened at `start` (or the text's end). */
function closingQuote(text: string, start: number): number {
  let at = start;
  for (;;) {
    at = text.indexOf('"', at + 1);
    if (at < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return at;
  }
}

function keyText(text: string, start: number, end: number): string {
  const raw = text.slice(start, Math.min(end + 1, start + MAX_KEY_LENGTH * 6 + 2));
  let key: string;
  try {
    key = JSON.parse(raw.endsWith('"') ? raw : `${raw}"`) as string;
  } catch {
    key = raw.slice(1, -1);
  }
  return key.length > MAX_KEY_LENGTH ? `${key.slice(0, MAX_KEY_LENGTH)}…` : key;
}

/**
 * Past this many opening brackets the scan runs before the parse: parsing first would let a body of
 * millions of nested arrays cost seconds and hundreds of MB before it is refused.
 */
const PARSE_FIRST_MAX_BRACKETS = 100_000;

/** Opening brackets in a text, strings included: an upper bound on its containers. */
function openingBrackets(text: string): number {
  let count = 0;
  for (let at = text.indexOf('['); at >= 0; at = text.indexOf('[', at + 1)) count += 1;
  for (let at = text.indexOf('{'); at >= 0; at = text.indexOf('{', at + 1)) count += 1;
  return count;
}

/**
 * True when the parsed value has exactly `containers` arrays and objects and none deeper than
 * `maxDepth`; iterative, and it stops at the first container too deep.
 */
function parsedWithin(value: unknown, maxDepth: number, containers: number): boolean {
  if (typeof value !== 'object' || value === null) return containers === 0;
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  let seen = 0;
  while (stack.length > 0) {
    const node = stack.pop() as object;
    const depth = depths.pop() as number;
    if (depth > maxDepth) return false;
    seen += 1;
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) {
        stack.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return seen === containers;
}

/**
 * JSON.parse, refusing texts nested deeper than `maxDepth` exactly as {@link tooDeepPath} decides
 * (a syntax error in a text too deep is reported as too deep, as when the scan ran first). V8's
 * JSON.parse does not recurse, so the text is parsed first and the character scan, several times
 * the cost of the parse, runs only when the parsed value cannot settle it: when the text has more
 * opening brackets than the value has containers (brackets inside strings, or containers dropped
 * by a duplicate key) or the value is too deep. Otherwise the value's nesting is the text's. A text
 * with very many brackets is scanned first, as before.
 *
 * @throws SyntaxError from JSON.parse for a text within the depth that is not JSON.
 * @example
 * parseJsonWithinDepth('{"instances": [[1, 2]]}', 32); // { value: { instances: [[1, 2]] } }
 * parseJsonWithinDepth('[[[]]]', 2); // { tooDeep: [0, 0] }
 */
export function parseJsonWithinDepth(
  text: string,
  maxDepth: number,
): { value: unknown; tooDeep?: undefined } | { tooDeep: (string | number)[] } {
  const brackets = openingBrackets(text);
  if (brackets > PARSE_FIRST_MAX_BRACKETS) {
    const tooDeep = tooDeepPath(text, maxDepth);
    return tooDeep === undefined ? { value: JSON.parse(text) } : { tooDeep };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const tooDeep = brackets > maxDepth ? tooDeepPath(text, maxDepth) : undefined;
    if (tooDeep !== undefined) return { tooDeep };
    throw error;
  }
  if (brackets > maxDepth && !parsedWithin(value, maxDepth, brackets)) {
    const tooDeep = tooDeepPath(text, maxDepth);
    if (tooDeep !== undefined) return { tooDeep };
  }
  return { value };
}
