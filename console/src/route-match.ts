/**
 * Matching console paths against page patterns (`models/:name/versions/:version`): exact segment
 * count, `:param` segments captured and URI-decoded. Pure, so the router's rules are unit-tested.
 */

export type RouteParams = Readonly<Record<string, string>>;

export function matchPattern(pattern: string, path: string): RouteParams | undefined {
  const want = segments(pattern);
  const have = segments(path);
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const actual = have[index] ?? '';
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
    } else if (part !== actual) {
      return undefined;
    }
  }
  return params;
}

/** The pattern with its params filled in, each URI-encoded: `pathTo('models/:name', {name: 'a b'})`. */
export function pathTo(pattern: string, params: RouteParams = {}): string {
  return segments(pattern)
    .map((part) => {
      if (!part.startsWith(':')) return part;
      const value = params[part.slice(1)];
      if (value === undefined) throw new Error(`pathTo: ${part} has no value for ${pattern}`);
      return encodeURIComponent(value);
    })
    .join('/');
}

function segments(path: string): string[] {
  return path.split('/').filter((part) => part !== '');
}

/** A path under the console's base (`/console/`), without it; undefined outside the console. */
export function consolePath(pathname: string, basePath: string): string | undefined {
  const base = basePath.endsWith('/') ? basePath : `${basePath}/`;
  if (pathname === base.slice(0, -1)) return '';
  return pathname.startsWith(base) ? pathname.slice(base.length) : undefined;
}
