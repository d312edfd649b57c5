/**
 * The local identity provider's sign-in page (its stand-in for Cognito's managed login): one form,
 * a username and nothing else, because local users have no passwords. No script; the one stylesheet
 * is allowed by its hash, so the Content-Security-Policy can forbid everything else.
 */
import { createHash } from 'node:crypto';

const STYLE = `
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1b1f24; }
main { max-width: 26rem; margin: 4rem auto; padding: 2rem; background: #fff; border-radius: 8px;
  box-shadow: 0 1px 3px rgb(0 0 0 / 0.2); }
h1 { font-size: 1.5rem; margin: 0 0 0.5rem; }
label { display: block; font-weight: 600; margin-top: 1.25rem; }
input { box-sizing: border-box; width: 100%; font: inherit; padding: 0.5rem; margin-top: 0.25rem;
  border: 1px solid #5c6370; border-radius: 4px; }
input:focus, button:focus { outline: 3px solid #1f6feb; outline-offset: 2px; }
button { margin-top: 1.25rem; font: inherit; font-weight: 600; padding: 0.5rem 1.25rem; color: #fff;
  background: #1f5fbf; border: 0; border-radius: 4px; cursor: pointer; }
.note { background: #fff8e1; border-left: 4px solid #b26a00; padding: 0.5rem 0.75rem; }
.error { color: #a4161a; font-weight: 600; }
`;

const styleHash = createHash('sha256').update(STYLE).digest('base64');

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/**
 * The page's Content-Security-Policy. `form-action` names the redirect URI's origin too: browsers
 * apply it to the redirect that follows the form's submission.
 */
export function signInPagePolicy(redirectOrigin?: string): string {
  const formAction = ["'self'", ...(redirectOrigin ? [redirectOrigin] : [])].join(' ');
  return [
    "default-src 'none'",
    `style-src 'sha256-${styleHash}'`,
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export interface SignInPage {
  /** The waiting sign-in request the form submits. */
  readonly requestId: string;
  readonly clientName: string;
  readonly username?: string;
  readonly error?: string;
}

export function renderSignInPage({ requestId, clientName, username, error }: SignInPage): string {
  const errorId = 'sign-in-error';
  return page(
    'Sign in · ML platform (local)',
    `<h1>Sign in</h1>
<p>to continue to ${escapeHtml(clientName)}</p>
<p class="note">This is the local identity provider: local users have no passwords. Enter the username of a
user of this platform (<code>npm start</code> creates <code>admin</code>, <code>alice</code> and <code>bob</code>).</p>
${error ? `<p class="error" id="${errorId}" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/login">
<input type="hidden" name="request" value="${escapeHtml(requestId)}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none"
 spellcheck="false" required autofocus${username ? ` value="${escapeHtml(username)}"` : ''}${error ? ` aria-invalid="true" aria-describedby="${errorId}"` : ''}>
<button type="submit">Sign in</button>
</form>`,
  );
}

/** A page for a request that cannot be sent back to the application (unknown client, bad redirect). */
export function renderErrorPage(message: string): string {
  return page(
    'Sign-in error · ML platform (local)',
    `<h1>Cannot sign in</h1>
<p class="error" role="alert">${escapeHtml(message)}</p>`,
  );
}
