/** What every command gets: where to print, the profile store, and the global options. */
import type { Command } from 'commander';
import type { PlatformClient } from '../sdk/src/index.ts';
import type { ConfigStore } from './config-store.ts';
import type { CliIo } from './output.ts';
import { clientFor } from './session.ts';

export interface CliContext {
  readonly io: CliIo;
  readonly store: ConfigStore;
}

export interface GlobalOptions {
  readonly profile: string;
  readonly json: boolean;
}

/**
 * `--profile` and `--json` go before the command (`mlp --json models list`) or on it
 * (`mlp models list --json`); on `predict`, `--json` is the rows, so only the first form asks for JSON.
 */
export function globals(command: Command): GlobalOptions {
  let root = command;
  while (root.parent) root = root.parent;
  const top = root.opts<{ profile?: string; json?: boolean }>();
  const local = command.opts<{ profile?: string; json?: unknown }>();
  return {
    profile: local.profile ?? top.profile ?? 'default',
    json: top.json === true || local.json === true,
  };
}

export async function client(context: CliContext, command: Command): Promise<PlatformClient> {
  const { profile } = globals(command);
  return clientFor(context.store, profile);
}

export function parsePositiveInt(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1)
      throw new Error(`${name} must be a positive whole number, not "${value}".`);
    return Number(value);
  };
}
