/**
 * The console's response headers: a strict Content-Security-Policy (scripts and styles only from the
 * console's own origin, no inline script or style, no eval, no framing) and its companions. The
 * local platform sends them; a deployment's CDN sends the same.
 */

/**
 * @param connectSources origins the app calls besides its own: the API when it is elsewhere, and
 *   the identity provider (discovery and token endpoints).
 * @example
 * consoleSecurityHeaders(['https://auth.example.com'])['content-security-policy'];
 */
export function consoleSecurityHeaders(connectSources: readonly string[]): Record<string, string> {
  const origins = [...new Set(connectSources.map((source) => new URL(source).origin))];
  return {
    'content-security-policy': [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      `connect-src 'self'${origins.map((origin) => ` ${origin}`).join('')}`,
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  };
}
