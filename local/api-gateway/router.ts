/** Matches requests against the route table the way API Gateway matches route keys. */
import type { RouteDefinition } from '#http/routes.ts';

export interface CompiledRoute {
  readonly route: RouteDefinition;
  readonly routeKey: string;
  readonly pattern: RegExp;
  readonly parameterNames: readonly string[];
}

export function compileRoutes(routes: readonly RouteDefinition[]): CompiledRoute[] {
  return routes.map((route) => {
    const parameterNames: string[] = [];
    const pattern = route.path
      .split('/')
      .map((segment) => {
        const parameter = /^\{([A-Za-z0-9_]+)\}$/.exec(segment);
        if (!parameter?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        parameterNames.push(parameter[1]);
        return '([^/]+)';
      })
      .join('/');
    return {
      route,
      routeKey: `${route.method} ${route.path}`,
      pattern: new RegExp(`^${pattern}$`),
      parameterNames,
    };
  });
}

export type RouteMatch =
  | { kind: 'match'; compiled: CompiledRoute; pathParameters: Record<string, string> }
  | { kind: 'none' };

export function matchRoute(compiled: readonly CompiledRoute[], method: string, path: string): RouteMatch {
  for (const candidate of compiled) {
    if (candidate.route.method !== method) continue;
    const match = candidate.pattern.exec(path);
    if (!match) continue;
    const pathParameters: Record<string, string> = {};
    candidate.parameterNames.forEach((name, index) => {
      pathParameters[name] = decodeURIComponent(match[index + 1] ?? '');
    });
    return { kind: 'match', compiled: candidate, pathParameters };
  }
  return { kind: 'none' };
}
