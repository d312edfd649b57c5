import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.getCaller, async ({ principal }) => {
  const { rateLimitPerMinute: _budget, ...caller } = principal;
  return ok(caller);
});
