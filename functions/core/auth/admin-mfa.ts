/**
 * Admins need MFA, though Cognito can only require MFA for a whole pool: at every token issue
 * (sign-in and refresh) the pool's pre-token-generation trigger asks whether the user has a TOTP
 * app enrolled, and, if not, issues tokens without the `admin` group. Such an admin signs in as a
 * plain user (so they can still enrol TOTP with their access token), and gets admin rights at the
 * next sign-in, which Cognito then challenges for the code. MFA is optional in the pool, and
 * Cognito challenges every user who has enrolled, so "enrolled" means "this sign-in passed MFA".
 */
import type { Role } from './principal.ts';

const ADMIN: Role = 'admin';
const USER: Role = 'user';

export interface GroupsForTokens {
  readonly groups: readonly string[];
  /** True when `admin` was withheld for want of MFA. */
  readonly adminWithheld: boolean;
}

/** The groups the tokens may carry: `admin` only with MFA; an admin without it keeps `user` rights. */
export function groupsForTokens(groups: readonly string[], hasMfa: boolean): GroupsForTokens {
  if (!groups.includes(ADMIN) || hasMfa) return { groups: [...groups], adminWithheld: false };
  const withoutAdmin = groups.filter((group) => group !== ADMIN);
  return {
    groups: withoutAdmin.includes(USER) ? withoutAdmin : [...withoutAdmin, USER],
    adminWithheld: true,
  };
}
