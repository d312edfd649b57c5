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
