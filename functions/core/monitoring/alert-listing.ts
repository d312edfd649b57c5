/**
 * `GET /v1/alerts`: the alerts of the caller's models (admins: of every model), or of one model the
 * caller owns. It walks the models listing a few models per page (each model has at most one alert
 * per rule, so a page never holds more than `limit` alerts) and hands out that listing's own cursor,
 * which is signed and bound to the caller's models listing; a page may be short, or empty with a
 * cursor, when models have no alerts.
 */
import { isAdmin, requireAccess } from '../auth/access-rules.ts';
import type { Principal } from '../auth/principal.ts';
import type { Page } from '../pagination.ts';
import { notFound } from '../registry/models.ts';
import type { ModelRepository } from '../registry/ports.ts';
import { ALERT_RULES } from './alert-rules.ts';
import type { AlertRecord, AlertState, AlertStore } from './scheduled-alerts.ts';

export async function listAlerts(
  principal: Principal,
  query: {
    readonly state?: AlertState;
    readonly model?: string;
    readonly limit: number;
    readonly cursor?: string;
  },
  deps: { readonly models: Pick<ModelRepository, 'get' | 'list'>; readonly alerts: Pick<AlertStore, 'list'> },
): Promise<Page<AlertRecord>> {
  if (query.model !== undefined) {
    requireAccess(principal, await deps.models.get(query.model), 'write', notFound(query.model));
    return { items: await deps.alerts.list(query.model, query.state) };
  }
  const page = await deps.models.list(isAdmin(principal) ? {} : { ownerId: principal.userId }, {
    limit: Math.max(1, Math.floor(query.limit / ALERT_RULES.length)),
    ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
  });
  const perModel = await Promise.all(page.items.map((model) => deps.alerts.list(model.name, query.state)));
  return {
    items: perModel.flat(),
    ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
  };
}
