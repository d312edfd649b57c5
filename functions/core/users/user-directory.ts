/** The user directory port: Cognito on AWS, the local identity provider (same protocol) on a laptop. */
import type { Role } from '../auth/principal.ts';
import type { Page, PageRequest } from '../pagination.ts';

export interface DirectoryUser {
  readonly userId: string;
  readonly username: string;
  readonly email?: string;
  /** null when the user is in neither platform group. */
  readonly role: Role | null;
  readonly enabled: boolean;
  readonly status: string;
  readonly createdAt: string;
}

export interface UserDirectory {
  getUser(username: string): Promise<DirectoryUser | undefined>;
  listUsers(page: PageRequest): Promise<Page<DirectoryUser>>;
  /** Fails with ConflictError when the username is taken. */
  createUser(input: { username: string; email: string; role: Role }): Promise<DirectoryUser>;
  setRole(username: string, role: Role): Promise<void>;
  setEnabled(username: string, enabled: boolean): Promise<void>;
  /** Ends the user's refresh tokens (Cognito's global sign-out); issued tokens need TokenRevocations. */
  signOut(username: string): Promise<void>;
}
