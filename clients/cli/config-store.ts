/**
 * Profiles: which platform to call and with what credential, one per `--profile`, in
 * `<config dir>/mlp/credentials.json` (mode 0600, folder 0700, as the file holds secrets).
 * The config dir is $MLP_CONFIG_DIR, else $XDG_CONFIG_HOME, else ~/.config (%APPDATA% on Windows).
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError, EXIT } from './exit-codes.ts';

export type StoredCredential =
  | {
      readonly kind: 'token';
      readonly accessToken: string;
      /** ISO time the access token stops working. */
      readonly expiresAt: string;
      readonly username: string;
      /** Where it came from: `local` (the local identity provider). */
      readonly source: 'local';
    }
  | {
      /** A browser sign-in (authorization code + PKCE): refreshed before it expires. */
      readonly kind: 'oauth';
      readonly accessToken: string;
      readonly refreshToken: string;
      /** ISO time the access token stops working. */
      readonly expiresAt: string;
      readonly username: string;
      readonly clientId: string;
      readonly tokenEndpoint: string;
      readonly revocationEndpoint: string;
    }
  | { readonly kind: 'apiKey'; readonly apiKey: string };

export interface Profile {
  readonly apiUrl: string;
  readonly credential: StoredCredential;
}

interface ConfigFile {
  readonly profiles: Readonly<Record<string, Profile>>;
}

export function configDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MLP_CONFIG_DIR) return env.MLP_CONFIG_DIR;
  const base =
    env.XDG_CONFIG_HOME ??
    (process.platform === 'win32' && env.APPDATA ? env.APPDATA : join(homedir(), '.config'));
  return join(base, 'mlp');
}

export class ConfigStore {
  readonly directory: string;

  constructor(directory: string) {
    this.directory = directory;
  }

  get path(): string {
    return join(this.directory, 'credentials.json');
  }

  async read(): Promise<ConfigFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as ConfigFile;
      return { profiles: parsed.profiles ?? {} };
    } catch {
      throw new CliError(`${this.path} is not valid JSON; delete it and run mlp login again.`);
    }
  }

  async profile(name: string): Promise<Profile> {
    const profile = (await this.read()).profiles[name];
    if (profile === undefined) {
      throw new CliError(
        `Not signed in${name === 'default' ? '' : ` with profile ${name}`}: run mlp login${name === 'default' ? '' : ` --profile ${name}`}.`,
        EXIT.auth,
      );
    }
    return profile;
  }

  async save(name: string, profile: Profile): Promise<void> {
    await this.#write({ profiles: { ...(await this.read()).profiles, [name]: profile } });
  }

  async remove(name: string): Promise<boolean> {
    const { profiles } = await this.read();
    if (!(name in profiles)) return false;
    const { [name]: _, ...rest } = profiles;
    await this.#write({ profiles: rest });
    return true;
  }

  async #write(config: ConfigFile): Promise<void> {
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    // Written to a private temporary file, then renamed: never a moment with the secret world-readable.
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, this.path);
  }
}
