/**
 * The web console's security headers, written once for every place that serves it: the CloudFront
 * response headers policy on AWS (infra/constructs/console-hosting.ts) and any local server. Pure
 * data and string building, no CDK imports, so the local platform can load it without aws-cdk-lib.
 *
 * The policy is strict: scripts, stylesheets, images and fonts from the console's own origin only (no
 * inline script, no eval, no CDN), requests to the console's origin (which also serves the API, see
 * the hosting construct) and to the identity provider's origins (discovery document, token
 * endpoint), no framing, no plugins, no base-URL or form-target tricks.
 */

/** Where the console's files live under its origin, locally and on AWS alike. */
export const CONSOLE_BASE_PATH = '/console/';

/** The path of the sign-in redirect (authorization code + PKCE) under the console's origin. */
export const CONSOLE_CALLBACK_PATH = `${CONSOLE_BASE_PATH}callback`;

export interface ConsoleSecurityPolicyOptions {
  /**
   * Origins (scheme://host[:port]) the console calls besides its own: the identity provider's
   * issuer and its OAuth endpoints.
   */
  readonly connectOrigins: readonly string[];
}

/**
 * The Content-Security-Policy value of the console's pages.
 *
 * @example
 * consoleContentSecurityPolicy({ connectOrigins: ['https://auth.example.com'] });
 * // "default-src 'none'; script-src 'self'; … connect-src 'self' https://auth.example.com; …"
 */
export function consoleContentSecurityPolicy(options: ConsoleSecurityPolicyOptions): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    // Charts may embed data: images (e.g. a rasterised legend); nothing is loaded from elsewhere.
    "img-src 'self' data:",
    "font-src 'self'",
    ['connect-src', "'self'", ...options.connectOrigins].join(' '),
    "manifest-src 'self'",
    "base-uri 'none'",
    // The console's forms are handled in script; none is ever submitted as a navigation.
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
