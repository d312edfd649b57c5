/**
 * The console's run-time settings, read once at start from `config.json` beside index.html: the
 * local platform serves it, and a deployment writes the same file into the console's bucket
 * (infra/constructs/console-hosting.ts).
 */

export interface IdentitySettings {
  /**
   * Where the sign-in endpoints are described when the file does not name them: the platform's
   * `GET /v1/auth/config` (endpoints, scopes and the console's client id) or an OpenID discovery
   * document.
   */
  readonly discoveryUrl: string;
  /** The console's public app client (code + PKCE, no secret); default: the discovery's `consoleClientId`. */
  readonly clientId?: string;
  /** With tokenEndpoint (and clientId), no discovery is read. */
  readonly authorizationEndpoint?: string;
  readonly tokenEndpoint?: string;
  /** Cognito's `/logout` (its discovery document names none). */
  readonly logoutEndpoint?: string;
  /** Default: the discovery's scopes, else `openid email profile`. */
  readonly scopes?: readonly string[];
  /** Where the provider sends the browser back with a code; default `<console>/callback`. */
  readonly redirectUri: string;
  /** Where sign-out ends; default the console's own URL. */
  readonly logoutRedirectUri: string;
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
  const endpoints = Object.fromEntries(
    (['authorizationEndpoint', 'tokenEndpoint', 'logoutEndpoint'] as const)
      .filter((field) => identity[field] !== undefined)
      .map((field) => [field, url(identity[field], `identity.${field}`)]),
  );
  return {
    apiUrl,
    identity: {
      discoveryUrl: optionalUrl('discoveryUrl', `${apiUrl}/v1/auth/config`),
      ...(identity.clientId === undefined ? {} : { clientId: text(identity.clientId, 'identity.clientId') }),
      ...endpoints,
      ...(scopes === undefined ? {} : { scopes: scopes as string[] }),
      redirectUri: optionalUrl('redirectUri', new URL('callback', consoleUrl).toString()),
      logoutRedirectUri: optionalUrl('logoutRedirectUri', new URL('.', consoleUrl).toString()),
    },
  };
}

/** `consoleUrl`: where the console is served, `https://host/console/`. */
export async function loadConfig(
  consoleUrl: string,
  fetchImpl: typeof fetch = fetch,
): Promise<ConsoleConfig> {
  const response = await fetchImpl(new URL('config.json', consoleUrl), { cache: 'no-store' });
  if (!response.ok) throw new ConfigError(`config.json answered ${response.status}`);
  return parseConfig(await response.json(), consoleUrl);
}
