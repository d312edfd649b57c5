/**
 * The local user pool in memory: users, groups and memberships, with Cognito's rules and error codes.
 * It does no I/O; the provider persists `snapshot()` after every change.
 */
import { randomUUID } from 'node:crypto';
import { IdentityProviderError, userNotFound } from './errors.ts';
import type { ServerRecord, StoredGroup, StoredUser, UserPoolState } from './state.ts';

export type UserStatus = StoredUser['status'];

export interface NewUser {
  readonly username: string;
  /** Cognito attributes (`email`, `email_verified`, `custom:*`, ...); never `sub`. */
  readonly attributes?: Readonly<Record<string, string>>;
  readonly status: UserStatus;
  readonly groups?: readonly string[];
}

export interface Page<T> {
  readonly items: readonly T[];
  /** The key to start the next page after; absent on the last page. */
  readonly lastKey?: string;
}

/** `username = "x"`, `email ^= "a"`: a Cognito ListUsers filter, parsed. */
export interface UserFilter {
  readonly attribute: string;
  readonly operator: '=' | '^=';
  readonly value: string;
}

const STANDARD_ATTRIBUTES = new Set([
  'address',
  'birthdate',
  'email',
  'email_verified',
  'family_name',
  'gender',
  'given_name',
  'locale',
  'middle_name',
  'name',
  'nickname',
  'phone_number',
  'phone_number_verified',
  'picture',
  'preferred_username',
  'profile',
  'updated_at',
  'website',
  'zoneinfo',
]);

/** The attributes Cognito lets ListUsers filter on. */
const FILTERABLE_ATTRIBUTES = new Set([
  'username',
  'email',
  'phone_number',
  'name',
  'given_name',
  'family_name',
  'preferred_username',
  'cognito:user_status',
  'status',
  'sub',
]);

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function parseUserFilter(filter: string | undefined): UserFilter | undefined {
  if (filter === undefined || filter.trim() === '') return undefined;
  const match = /^\s*([A-Za-z_:]+)\s*(\^=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(filter);
  if (!match) {
    throw new IdentityProviderError(
      'InvalidParameterException',
      'Error while parsing filter: use the form attribute = "value" or attribute ^= "prefix".',
    );
  }
  const [, attribute = '', operator, raw = ''] = match;
  if (!FILTERABLE_ATTRIBUTES.has(attribute)) {
    throw new IdentityProviderError('InvalidParameterException', `Invalid search attribute: ${attribute}`);
  }
  return { attribute, operator: operator === '^=' ? '^=' : '=', value: raw.replace(/\\(.)/g, '$1') };
}

function filterValue(user: StoredUser, attribute: string): string | undefined {
  switch (attribute) {
    case 'username':
      return user.username;
    case 'sub':
      return user.sub;
    case 'status':
      return user.enabled ? 'Enabled' : 'Disabled';
    case 'cognito:user_status':
      return user.status;
    default:
      return user.attributes[attribute];
  }
}

function matches(user: StoredUser, filter: UserFilter | undefined): boolean {
  if (!filter) return true;
  const value = filterValue(user, filter.attribute);
  if (value === undefined) return false;
  return filter.operator === '=' ? value === filter.value : value.startsWith(filter.value);
}

function pageOf<T>(sorted: readonly T[], keyOf: (item: T) => string, limit: number, after?: string): Page<T> {
  const start = after === undefined ? 0 : sorted.findIndex((item) => keyOf(item) > after);
  const rest = start < 0 ? [] : sorted.slice(start);
  const items = rest.slice(0, limit);
  const last = items.at(-1);
  return rest.length > limit && last !== undefined ? { items, lastKey: keyOf(last) } : { items };
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function validateAttributes(attributes: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'sub') {
      throw new IdentityProviderError(
        'InvalidParameterException',
        'Cannot modify an immutable attribute: sub',
      );
    }
    if (!STANDARD_ATTRIBUTES.has(name) && !name.startsWith('custom:')) {
      throw new IdentityProviderError(
        'InvalidParameterException',
        `Attributes did not conform to the schema: ${name}: Attribute does not exist in the schema.`,
      );
    }
    if (name === 'email' && !EMAIL.test(value)) {
      throw new IdentityProviderError('InvalidParameterException', 'Invalid email address format.');
    }
    if (
      (name === 'email_verified' || name === 'phone_number_verified') &&
      value !== 'true' &&
      value !== 'false'
    ) {
      throw new IdentityProviderError('InvalidParameterException', `${name} must be "true" or "false".`);
    }
  }
}

export class UserPool {
  readonly userPoolId: string;
  readonly #users = new Map<string, StoredUser>();
  readonly #groups = new Map<string, StoredGroup>();
  #server: ServerRecord | undefined;

  constructor(userPoolId: string, state: UserPoolState) {
    this.userPoolId = userPoolId;
    for (const user of state.users) this.#users.set(user.username, structuredClone(user));
    for (const group of state.groups) this.#groups.set(group.name, structuredClone(group));
    this.#server = state.server;
  }

  /** What to persist. */
  snapshot(): UserPoolState {
    return {
      version: 1,
      ...(this.#server ? { server: this.#server } : {}),
      groups: [...this.#groups.values()].sort((a, b) => byName(a.name, b.name)),
      users: [...this.#users.values()].sort((a, b) => byName(a.username, b.username)),
    };
  }

  set server(record: ServerRecord) {
    this.#server = record;
  }

  findUser(username: string): StoredUser | undefined {
    return this.#users.get(username);
  }

  getUser(username: string): StoredUser {
    const user = this.#users.get(username);
    if (!user) throw userNotFound();
    return user;
  }

  getGroup(name: string): StoredGroup {
    const group = this.#groups.get(name);
    if (!group) throw new IdentityProviderError('ResourceNotFoundException', 'Group not found.');
    return group;
  }

  createUser(input: NewUser, now = Date.now()): StoredUser {
    if (this.#users.has(input.username)) {
      throw new IdentityProviderError('UsernameExistsException', 'User account already exists');
    }
    const attributes = { ...input.attributes };
    validateAttributes(attributes);
    const groups = [...new Set(input.groups ?? [])].sort(byName);
    for (const group of groups) this.getGroup(group);
    const user: StoredUser = {
      username: input.username,
      sub: randomUUID(),
      attributes,
      enabled: true,
      status: input.status,
      createdAt: now,
      updatedAt: now,
      groups,
    };
    this.#users.set(user.username, user);
    return user;
  }

  deleteUser(username: string): void {
    this.getUser(username);
    this.#users.delete(username);
  }

  setEnabled(username: string, enabled: boolean, now = Date.now()): void {
    const user = this.getUser(username);
    if (user.enabled === enabled) return;
    user.enabled = enabled;
    user.updatedAt = now;
  }

  addToGroup(username: string, group: string, now = Date.now()): void {
    const user = this.getUser(username);
    this.getGroup(group);
    if (user.groups.includes(group)) return;
    user.groups = [...user.groups, group].sort(byName);
    user.updatedAt = now;
  }

  removeFromGroup(username: string, group: string, now = Date.now()): void {
    const user = this.getUser(username);
    this.getGroup(group);
    if (!user.groups.includes(group)) return;
    user.groups = user.groups.filter((g) => g !== group);
    user.updatedAt = now;
  }

  /** Users in username order, optionally filtered, one page at a time. */
  listUsers(options: { limit: number; after?: string; filter?: UserFilter }): Page<StoredUser> {
    const users = [...this.#users.values()]
      .filter((user) => matches(user, options.filter))
      .sort((a, b) => byName(a.username, b.username));
    return pageOf(users, (user) => user.username, options.limit, options.after);
  }

  listUsersInGroup(group: string, options: { limit: number; after?: string }): Page<StoredUser> {
    this.getGroup(group);
    const users = [...this.#users.values()]
      .filter((user) => user.groups.includes(group))
      .sort((a, b) => byName(a.username, b.username));
    return pageOf(users, (user) => user.username, options.limit, options.after);
  }

  listGroups(options: { limit: number; after?: string }): Page<StoredGroup> {
    const groups = [...this.#groups.values()].sort((a, b) => byName(a.name, b.name));
    return pageOf(groups, (group) => group.name, options.limit, options.after);
  }

  listGroupsForUser(username: string, options: { limit: number; after?: string }): Page<StoredGroup> {
    const user = this.getUser(username);
    const groups = user.groups.map((name) => this.getGroup(name)).sort((a, b) => byName(a.name, b.name));
    return pageOf(groups, (group) => group.name, options.limit, options.after);
  }
}
