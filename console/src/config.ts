/**
 * The console's run-time settings, read once at start from `config.json` beside index.html: the
 * local platform serves it, and a deployment writes the same file into the console's bucket.
 */

export interface IdentitySettings {
  /**
   * Where the sign-in endpoints are described: the platform's `GET /v1/auth/config` (endpoints,
   * scopes and the console's client id), or an OpenID discovery document.
   */
  readonly discoveryUrl: string;
  /** The console's public app client (code + PKCE, no secret); default: the discovery's `consoleClientId`. */
  readonly clientId?: string;
  /** Default: the discovery's scopes, else `openid email profile`. */
  readonly scopes?: readonly string[];
  /** Where the provider sends the browser back with a code; default `<console>/callback`. */
  readonly redirectUri: string;
  /** Where sign-out ends; default the console's own URL. */
  readonly signOutRedirectUri: string;
}

export interface ConsoleConfig {
  /** The API's base URL, without `/v1`. */
  readonly apiUrl: string;
  readonly identity: IdentitySettings;
}

export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new ConfigError(`config.json: ${field} is missing`);
  return value;
}

function url(value: unknown, field: string): string {
  const raw = text(value, field);
  try {
    return new URL(raw).toString();
  } catch (cause) {
    throw new ConfigError(`config.json: ${field} is not a URL (${raw})`, { cause });
  }
}

/**
 * Checks the parsed file and fills the defaults; `consoleUrl` is where the console is served
 * (document.baseURI). Throws a ConfigError naming the first bad field.
 */
export function parseConfig(raw: unknown, consoleUrl: string): ConsoleConfig {
  if (raw === null || typeof raw !== 'object') throw new ConfigError('config.json is not a JSON object');
  const record = raw as Record<string, unknown>;
  const apiUrl = url(record.apiUrl, 'apiUrl').replace(/\/+$/, '');
  const identity = (record.identity ?? {}) as Record<string, unknown>;
  const { scopes } = identity;
  if (
    scopes !== undefined &&
    (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string'))
  ) {
    throw new ConfigError('config.json: identity.scopes must be a list of strings');
  }
  const optionalUrl = (field: string, fallback: string) =>
    identity[field] === undefined ? fallback : url(identity[field], `identity.${field}`);
  return {
    apiUrl,
    identity: {
      discoveryUrl: optionalUrl('discoveryUrl', `${apiUrl}/v1/auth/config`),
      ...(identity.clientId === undefined ? {} : { clientId: text(identity.clientId, 'identity.clientId') }),
      ...(scopes === undefined ? {} : { scopes: scopes as string[] }),
      redirectUri: optionalUrl('redirectUri', new URL('callback', consoleUrl).toString()),
      signOutRedirectUri: optionalUrl('signOutRedirectUri', new URL('.', consoleUrl).toString()),
    },
  };
}

export async function loadConfig(fetchImpl: typeof fetch = fetch): Promise<ConsoleConfig> {
  const response = await fetchImpl('config.json', { cache: 'no-store' });
  if (!response.ok) throw new ConfigError(`config.json answered ${response.status}`);
  return parseConfig(await response.json(), document.baseURI);
}
