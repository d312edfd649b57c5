/**
 * Who may do what. Users are self-service on what they own; admins see and manage everything.
 * Another owner's object answers 404, never 403, so its existence is not disclosed.
 */
import { ForbiddenError, NotFoundError } from '../errors.ts';
import type { Principal } from './principal.ts';

export interface OwnedResource {
  readonly ownerId: string;
  /** Team-visible models can be read and called for predictions by every user. */
  readonly teamVisible?: boolean;
}

export type Operation = 'read' | 'predict' | 'write';

export function isAdmin(principal: Principal): boolean {
  return principal.role === 'admin';
}

export function assertAdmin(principal: Principal, action: string): void {
  if (!isAdmin(principal)) throw new ForbiddenError(`Only admins may ${action}.`);
}

/** Keys scoped to `predict` may call prediction routes and nothing else. */
export function assertScopeAllows(principal: Principal, routeScope: 'predict' | 'full'): void {
  if (principal.scope === 'predict' && routeScope !== 'predict') {
    throw new ForbiddenError('This API key is scoped to predictions only.');
  }
}

export function canAccess(principal: Principal, resource: OwnedResource, operation: Operation): boolean {
  if (isAdmin(principal) || resource.ownerId === principal.userId) return true;
  return resource.teamVisible === true && (operation === 'read' || operation === 'predict');
}

/** Returns the resource when the caller may act on it; otherwise the same 404 a missing one gives. */
export function requireAccess<T extends OwnedResource>(
  principal: Principal,
  resource: T | undefined,
  operation: Operation,
  notFoundMessage: string,
): T {
  if (resource === undefined || !canAccess(principal, resource, operation)) {
    throw new NotFoundError(notFoundMessage);
  }
  return resource;
}

/**
 * Which owner a listing is for: users always see their own; admins see everyone's unless they ask
 * for one owner. A user asking for someone else's listing gets their own rather than an error
 * would hide a mistake, so it is refused.
 */
export function listingOwner(principal: Principal, requestedOwner: string | undefined): string | undefined {
  if (isAdmin(principal)) return requestedOwner;
  if (requestedOwner !== undefined && requestedOwner !== principal.userId) {
    throw new ForbiddenError('Only admins may list objects of other owners.');
  }
  return principal.userId;
}
