/** What every page reads: the API client, sign-in, the caller and the run-time settings. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api, Schemas } from './api.ts';
import type { Auth } from './auth/auth.ts';
import type { ConsoleConfig } from './config.ts';

export interface ConsoleContextValue {
  readonly api: Api;
  readonly auth: Auth;
  readonly config: ConsoleConfig;
  readonly caller: Schemas['Caller'];
}

export const ConsoleContext = createContext<ConsoleContextValue | undefined>(undefined);

export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (value === undefined) throw new Error('useConsole outside the signed-in console');
  return value;
}

export function useIsAdmin(): boolean {
  return useConsole().caller.role === 'admin';
}
