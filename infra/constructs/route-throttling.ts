/**
 * Per-route throttling in the API stage, in front of the functions' per-caller budgets: API Gateway
 * refuses (429) before any Lambda runs, anonymous and failed-auth traffic included. Limits follow
 * what a route costs and who needs it: user administration is rare, changes are dearer than reads,
 * predictions get the whole stage limit.
 */
import type { RouteDefinition } from '#http/routes.ts';

export interface ThrottleLimits {
  /** Steady requests per second. */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** Per-route limits by kind; each is capped at the stage's own limit. */
export const routeThrottleLimits = {
  admin: { rateLimit: 5, burstLimit: 10 },
  change: { rateLimit: 20, burstLimit: 40 },
  read: { rateLimit: 50, burstLimit: 100 },
} as const satisfies Record<string, ThrottleLimits>;

/** The route's limits, or undefined for routes that keep the stage default (predictions, public reads). */
export function routeThrottle(route: RouteDefinition, stage: ThrottleLimits): ThrottleLimits | undefined {
  if (route.scope === 'predict' && route.access !== 'admin') return undefined;
  const kind =
    route.access === 'admin'
      ? routeThrottleLimits.admin
      : route.method === 'GET'
        ? routeThrottleLimits.read
        : routeThrottleLimits.change;
  return {
    rateLimit: Math.min(kind.rateLimit, stage.rateLimit),
    burstLimit: Math.min(kind.burstLimit, stage.burstLimit),
  };
}

/** `RouteSettings` of an `AWS::ApiGatewayV2::Stage`, keyed by route key (`POST /v1/api-keys`). */
export function stageRouteSettings(
  routes: readonly RouteDefinition[],
  stage: ThrottleLimits,
): Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> {
  const settings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
  for (const route of routes) {
    const limits = routeThrottle(route, stage);
    if (limits === undefined) continue;
    settings[`${route.method} ${route.path}`] = {
      ThrottlingRateLimit: limits.rateLimit,
      ThrottlingBurstLimit: limits.burstLimit,
    };
  }
  return settings;
}
