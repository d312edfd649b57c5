/**
 * Aliases and serving resolution. An alias points at one approved version or splits traffic
 * between approved versions; `production` is set by admins only. A prediction names a version, an
 * alias, or neither: then `production` answers if it exists, else the newest version, so a model
 * is callable the moment its first version is registered.
 */
import { isAdmin, requireAccess } from '../auth/access-rules.ts';
import type { Principal } from '../auth/principal.ts';
import { ForbiddenError, NotFoundError, UnprocessableError } from '../errors.ts';
import {
  type AliasRoute,
  aliasRoutes,
  type ModelRecord,
  PRODUCTION_ALIAS,
  pickRoute,
  type VersionRecord,
} from './model-records.ts';
import { notFound } from './models.ts';
import type { ModelRepository, VersionRepository } from './ports.ts';

export interface AliasDeps {
  readonly models: ModelRepository;
  readonly versions: VersionRepository;
  readonly now: () => Date;
}

function assertMayPoint(principal: Principal, model: ModelRecord, alias: string): void {
  if (alias === PRODUCTION_ALIAS && !isAdmin(principal)) {
    throw new ForbiddenError('Only admins may point the production alias.');
  }
  requireAccess(principal, model, 'write', notFound(model.name));
}

export async function setAlias(
  principal: Principal,
  name: string,
  alias: string,
  target: { version: number } | { split: readonly AliasRoute[] },
  deps: AliasDeps,
): Promise<ModelRecord> {
  const model = requireAccess(principal, await deps.models.get(name), 'read', notFound(name));
  assertMayPoint(principal, model, alias);
  const routes = aliasRoutes(target);
  for (const route of routes) {
    const version = await deps.versions.get(name, route.version);
    if (version === undefined) {
      throw new UnprocessableError(`Model ${name} has no version ${route.version}.`, { field: 'body' });
    }
    if (version.status !== 'approved') {
      throw new UnprocessableError(
        `Version ${route.version} is ${version.status}; aliases point at approved versions only.`,
        {
          field: 'body',
        },
      );
    }
  }
  return deps.models.setAlias(name, alias, {
    routes,
    updatedAt: deps.now().toISOString(),
    updatedBy: principal.username,
  });
}

export async function removeAlias(
  principal: Principal,
  name: string,
  alias: string,
  deps: AliasDeps,
): Promise<ModelRecord> {
  const model = requireAccess(principal, await deps.models.get(name), 'read', notFound(name));
  assertMayPoint(principal, model, alias);
  if (model.aliases[alias] === undefined) throw new NotFoundError(`Model ${name} has no alias ${alias}.`);
  return deps.models.setAlias(name, alias, undefined);
}

/** The only registry reads serving needs, so the prediction path can cache them. */
export interface ServingReads {
  readonly models: Pick<ModelRepository, 'get'>;
  readonly versions: Pick<VersionRepository, 'get' | 'list'>;
}

export interface ServingChoice {
  readonly model: ModelRecord;
  readonly version: VersionRecord;
  /** The alias that routed the call, when one did. */
  readonly alias?: string;
}

/** Which version answers a prediction; the caller must be allowed to predict with the model. */
export async function resolveServingVersion(
  principal: Principal,
  name: string,
  selector: { version?: number; alias?: string; routingKey?: string },
  deps: ServingReads,
  random: () => number = Math.random,
): Promise<ServingChoice> {
  const model = requireAccess(principal, await deps.models.get(name), 'predict', notFound(name));
  if (selector.version !== undefined && selector.alias !== undefined) {
    throw new UnprocessableError('Choose a version or an alias, not both.', { field: 'query' });
  }
  let versionNumber: number;
  let alias: string | undefined;
  if (selector.version !== undefined) {
    versionNumber = selector.version;
  } else {
    const requested = selector.alias ?? PRODUCTION_ALIAS;
    const record = model.aliases[requested];
    if (record !== undefined) {
      alias = requested;
      versionNumber = pickRoute(requested, record.routes, selector.routingKey, random);
    } else if (selector.alias !== undefined) {
      throw new NotFoundError(`Model ${name} has no alias ${selector.alias}.`);
    } else {
      const newest = (await deps.versions.list(name, { limit: 1 })).items[0];
      if (newest === undefined)
        throw new NotFoundError(`Model ${name} has no versions yet; register one first.`);
      versionNumber = newest.version;
    }
  }
  const version = await deps.versions.get(name, versionNumber);
  if (version === undefined) throw new NotFoundError(`Model ${name} has no version ${versionNumber}.`);
  if (version.status === 'rejected' && alias === undefined && selector.version === undefined) {
    throw new NotFoundError(`The newest version of ${name} was rejected; set an alias or call a version.`);
  }
  return { model, version, ...(alias === undefined ? {} : { alias }) };
}
